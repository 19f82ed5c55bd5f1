"""Small text helpers shared by the consolidation steps: sentence spans, content stems, dates of spans."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from app.extract.timex import timex_interval
from app.fts import STOPWORDS

# a product or model designation ('A380', '787', '777-200LR', 'KC-45'): things a timeline can be about
# that are nobody's actor, so their sentences become events too, and a shared one is a shared argument
MODEL_NAME = re.compile(
    r"(?<![\w$£€.,])[A-Z]{1,4}-?\d{2,4}[A-Z0-9-]*(?!\w)"  # A380, KC-45, A380-800
    r"|(?:\b[A-Z][a-z]+|\b[Tt]he|\b[Aa]n?) \d{3}(?:-\w+|s)?(?![\w,.]\d|\w)"  # Boeing 787, the 787, 777s
    r"|(?<![\w$£€.,])\d{3}(?:s|-\w+)?(?= [A-Z][a-z])"  # 787 Dreamliner
    r"|(?<![\w$£€.,])\d{3}s(?!\w)"  # 777s
)
_MODEL_CODE = re.compile(r"[A-Z]{0,4}-?\d{2,4}[A-Z0-9-]*")


def model_names(sentence: str) -> frozenset[str]:
    """Product and model designations of a sentence, as bare codes ('a380', '787')."""
    out = set()
    for m in MODEL_NAME.finditer(sentence):
        code = _MODEL_CODE.search(m.group(0))
        if code:
            out.add(code.group(0).lower().rstrip("s-") or code.group(0).lower())
    return frozenset(out)


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&.-]*")


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: lines first, then sentence-final punctuation inside long lines."""
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        cut = line_start
        for m in _SENTENCE_END.finditer(line):
            end = line_start + m.start()
            if text[cut:end].strip():
                yield _trim(text, cut, end)
            cut = line_start + m.end()
        end = line_start + len(line)
        if text[cut:end].strip():
            yield _trim(text, cut, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def words(text: str) -> list[str]:
    return _WORD.findall(text)


_IRREGULAR = {"won": "win", "made": "make", "flew": "fly", "flown": "fly", "sold": "sell", "bought": "buy",
              "said": "say", "told": "tell", "met": "meet", "took": "take", "taken": "take", "gave": "give",
              "built": "build", "began": "begin", "left": "leave", "held": "hold", "paid": "pay", "struck": "strike"}


def stem(word: str) -> str:
    """A crude lemma: irregular verbs mapped, then -ing/-ed/-es/-s taken off and the rest cut to five letters,
    so 'rolls', 'rolled' and 'rolling' meet, and so do 'deliveries' and 'delivered'."""
    w = _IRREGULAR.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:5]


def stems(text: str) -> set[str]:
    """Content words as crude lemmas (see ``stem``), capitalised ones cut to five letters ('Boeing' stays
'boein'); numbers and codes ('787', 'a380') kept whole."""
    out = set()
    for word in words(text):
        w = word.lower().strip(".'-")
        if len(w) < 2 or w in STOPWORDS:
            continue
        out.add(w if not w.isalpha() else w[:5] if word[0].isupper() else stem(w))  # names are not inflected
    return out


def overlap(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Overlap coefficient: a headline's few words all found in the lead count as a full match."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, clamped to the calendar: a 1st-century TIMEX ('00' -> year 1) or a far-future
    one minus a look-back window must bound a query, not raise OverflowError."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max


def interval(value: str | None) -> tuple[dt.date, dt.date, str] | None:
    return timex_interval(value) if value else None
