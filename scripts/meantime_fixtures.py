"""Rebuild tests/fixtures/meantime-airbus.jsonl from the MEANTIME airbus corpus (CC BY 4.0, Wikinews text).

usage: python scripts/meantime_fixtures.py ../shared/eval/data/meantime/intra-doc_annotation/corpus_airbus \
           > tests/fixtures/meantime-airbus.jsonl
MEANTIME ships each article as tokens; like the evaluation harness, the text is the tokens joined by spaces and
the sentences by newlines ("March 01 , 2008"), so these read as a second, differently typeset copy of the 30
Wikinews articles in samples/ (a wire copy, as Dateline meets them: stored and linked as near-duplicates).
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

TOKEN = re.compile(r'<token number="\d+" sentence="(\d+)" t_id="\d+">(.*?)</token>', re.S)


SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "wikinews-airlines.jsonl"


def article(path: Path, published: dict[str, str]) -> dict:
    """One article; two files carry no creation time, and get the date of the same article in samples/."""
    raw = path.read_text(encoding="utf-8")
    head = re.search(r'<Document doc_id="(\d+)"[^>]*url="([^"]*)"', raw)
    found = re.search(r'functionInDocument="CREATION_TIME"[^>]*value="([^"]+)"', raw)
    dct = found.group(1)[:10] if found else published[head.group(1)]
    sentences: dict[int, list[str]] = {}
    for number, token in TOKEN.findall(raw):
        sentences.setdefault(int(number), []).append(html.unescape(token))
    lines = [" ".join(tokens) for _, tokens in sorted(sentences.items())]
    return {
        "id": f"meantime-{head.group(1)}",
        "title": lines[0],
        "published": dct,
        "source": "Wikinews",
        "url": html.unescape(head.group(2)).replace("http://", "https://"),
        "text": "\n".join(lines[2:]),  # sentence 0 is the title, 1 the date line
    }


def main() -> None:
    published = {row["id"].removeprefix("wikinews-"): row["published"]
                 for row in map(json.loads, SAMPLES.read_text(encoding="utf-8").splitlines())}
    for path in sorted(Path(sys.argv[1]).glob("*.xml")):
        print(json.dumps(article(path, published), ensure_ascii=False))


if __name__ == "__main__":
    main()
