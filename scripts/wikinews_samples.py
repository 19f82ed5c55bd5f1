"""Rebuild samples/wikinews-airlines.jsonl from the SemEval-2015 TimeLine corpus (CC BY 3.0, Wikinews text).

usage: python scripts/wikinews_samples.py ../shared/eval/data/semeval2015/corpus_1/corpus_trackA_TimeML > samples/wikinews-airlines.jsonl
Tokens are joined back into running text (the corpus ships them space-separated).
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

TAG = re.compile(r"<[^>]+>")
NO_SPACE_BEFORE = re.compile(r" (?=[,.;:!?%)\]]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")


def detokenize(tokens: str) -> str:
    text = tokens.replace("``", "“").replace("''", "”")
    text = NO_SPACE_BEFORE.sub("", text)
    text = re.sub(r"([(\[$#£]) ", r"\1", text)
    text = re.sub(r"“ ", "“", text)
    text = re.sub(r" ”", "”", text)
    text = re.sub(r" - ", " – ", text)
    return re.sub(r"\s+", " ", text).strip()


def article(path: Path) -> dict:
    raw = path.read_text(encoding="utf-8")
    docid = re.search(r"<DOCID>(.*?)</DOCID>", raw).group(1)
    dct = re.search(r'functionInDocument="CREATION_TIME"[^>]*value="([^"]+)"', raw).group(1)[:10]
    title = html.unescape(re.search(r"<EXTRAINFO>(.*?)</EXTRAINFO>", raw, re.S).group(1)).strip()
    sentences = [html.unescape(TAG.sub("", s)) for s in re.findall(r"<s id=\"\d+\">(.*?)</s>", raw, re.S)]
    body = [detokenize(s) for s in sentences[2:]]  # sentence 0 is the title, 1 the date line
    return {
        "id": f"wikinews-{docid}",
        "title": detokenize(title),
        "published": dct,
        "source": "Wikinews",
        "url": f"https://en.wikinews.org/w/index.php?curid={docid}",
        "text": "\n".join(body),
    }


def main() -> None:
    folder = Path(sys.argv[1])
    for path in sorted(folder.glob("*.tml")):
        print(json.dumps(article(path), ensure_ascii=False))


if __name__ == "__main__":
    main()
