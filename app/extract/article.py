"""Read the plain-text layouts articles arrive in, without moving a single character offset.

Scraped articles carry a title line, a ``(Source) -`` dateline, ``![]() |`` image markers and photo
captions ending in ``Photo: AP |``.  ``read_layout`` finds those parts and ``nlp_text`` is the same text
with the furniture (markers, credits, the dateline prefix) blanked by spaces, so that the language model
never sees it while every offset still points into the text exactly as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

IMAGE_MARKER = re.compile(r"^[ \t]*!\[[^\]\n]*\]\([^)\n]*\)[ \t]*\|?[ \t]*$", re.M)
CREDIT = re.compile(
    r"(?P<credit>(?:Photo|Photos|Image|Picture|Credit|Source|Photograph|Illustration)\s*(?:credit)?\s*:"
    r"[^\n|]{0,80}?)\s*\|?[ \t]*$",
    re.I,
)
# "(Baonghean.vn) - ", "WASHINGTON (Reuters) — ", "MOSCOW, Dec 17 (AP) -"
DATELINE = re.compile(
    r"^(?P<lead>[A-Z][A-Za-z .,'/-]{0,40}?\s*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*)?)?"
    r"\((?P<source>[^()\n]{2,60})\)\s*[-–—]+\s*"
)
TRAILING_BAR = re.compile(r"[ \t]*\|[ \t]*$")


@dataclass(slots=True)
class ArticleLayout:
    """Where the parts of an article sit in its text (character offsets)."""

    title: str | None = None
    title_span: tuple[int, int] | None = None
    source: str | None = None
    source_span: tuple[int, int] | None = None
    captions: list[tuple[int, int]] = field(default_factory=list)
    credits: list[tuple[int, int]] = field(default_factory=list)
    blanked: list[tuple[int, int]] = field(default_factory=list)
    body_start: int = 0

    def in_caption(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.captions)

    def in_blanked(self, start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in self.blanked)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _looks_like_title(line: str, rest: str) -> bool:
    stripped = line.strip()
    if not stripped or not rest.strip():
        return False
    if len(stripped) > 250 or IMAGE_MARKER.match(stripped):
        return False
    # A title rarely ends a sentence with a period, and never opens with a dateline.
    if DATELINE.match(stripped):
        return False
    return not stripped.endswith((".", "”", '"')) or len(stripped.split()) <= 12


def read_layout(text: str, title: str | None = None) -> ArticleLayout:
    """Find title, source dateline, captions and credits in ``text``."""
    layout = ArticleLayout(title=title)
    lines = _lines(text)
    first = next((i for i, (s, e) in enumerate(lines) if text[s:e].strip()), None)
    if first is None:
        return layout
    body_from = first
    if title is None:
        s, e = lines[first]
        rest = text[e:]
        if _looks_like_title(text[s:e], rest):
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            layout.title = text[s:e].strip()
            layout.title_span = (s + lead, s + lead + len(layout.title))
            body_from = first + 1
    elif lines[first] and text[lines[first][0]:lines[first][1]].strip() == title.strip():
        s, e = lines[first]
        layout.title_span = (s, e)
        body_from = first + 1
    # The dateline sits at the start of the first body line.
    for i in range(body_from, len(lines)):
        s, e = lines[i]
        if not text[s:e].strip():
            continue
        m = DATELINE.match(text[s:e])
        if m and m.group("source"):
            src = m.group("source").strip()
            layout.source = src
            layout.source_span = (s + m.start("source"), s + m.end("source"))
            layout.blanked.append((s + m.start(), s + m.end()))
        layout.body_start = s
        break
    # Image markers and the caption line that follows each.
    after_marker = False
    for s, e in lines[body_from:]:
        line = text[s:e]
        if IMAGE_MARKER.match(line):
            layout.blanked.append((s, e))
            after_marker = True
            continue
        if after_marker and line.strip():
            after_marker = False
            credit = CREDIT.search(line)
            cap_end = e
            if credit:
                layout.credits.append((s + credit.start("credit"), s + credit.end("credit")))
                layout.blanked.append((s + credit.start(), e))
                cap_end = s + credit.start()
            else:
                bar = TRAILING_BAR.search(line)
                if bar:
                    layout.blanked.append((s + bar.start(), e))
                    cap_end = s + bar.start()
            lead = len(line) - len(line.lstrip())
            cap_text = text[s + lead:cap_end].rstrip()
            if cap_text:
                layout.captions.append((s + lead, s + lead + len(cap_text)))
        elif line.strip():
            after_marker = False
    return layout


def nlp_text(text: str, layout: ArticleLayout) -> str:
    """The text the model reads: same length, furniture replaced by spaces."""
    if not layout.blanked:
        return text
    chars = list(text)
    for s, e in layout.blanked:
        for i in range(s, e):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
