"""Direct-quote spans from quotation marks (pure text, no parse): straight and curly marks, nesting,
unbalanced marks and quotes left open at a paragraph end (continued in the next paragraph)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract.quotes.settings import DEFAULT_SETTINGS

OPEN_CURLY, CLOSE_CURLY, STRAIGHT = "\u201c", "\u201d", '"'
_MARK = re.compile('[\u201c\u201d"\n]')
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Marked:
    """One quoted span: its content, its marks, and whether it was closed in its paragraph."""

    start: int          # first char inside the marks
    end: int            # end of the content (before the closing mark)
    outer_start: int    # position of the opening mark
    outer_end: int      # just after the closing mark (== end when left open)
    closed: bool
    para: int           # paragraph index


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def find_marked(text: str, max_chars: int = DEFAULT_SETTINGS.max_quote_chars) -> list[Marked]:
    """Every top-level quoted span, in order. Never raises; offsets always lie inside text."""
    out: list[Marked] = []
    para = 0
    open_at = -1
    open_ch = ""
    depth = 0  # nested quotes of the other kind inside the open one

    def emit(end_content: int, outer_end: int, closed: bool) -> None:
        s, e = _trim(text, open_at + 1, end_content)
        if e > s and _WORD.search(text, s, e) and e - s <= max_chars:
            out.append(Marked(s, e, open_at, outer_end, closed, para))

    for m in _MARK.finditer(text):
        ch, i = m.group(), m.start()
        if ch == "\n":
            if open_at >= 0:
                emit(i, i, False)
            open_at, depth = -1, 0
            para += 1
            continue
        if open_at < 0:
            if ch == CLOSE_CURLY and not (
                (i == 0 or text[i - 1] in " \t\n(") and i + 1 < len(text) and text[i + 1].isalnum()
            ):
                continue  # stray closing mark (one opening a word is a mistyped opening mark)
            open_at, open_ch, depth = i, ch, 0
            continue
        if open_ch == STRAIGHT:
            if ch == STRAIGHT and depth == 0:
                emit(i, i + 1, True)
                open_at = -1
            elif ch == OPEN_CURLY:
                depth += 1
            elif ch == CLOSE_CURLY and depth:
                depth -= 1
            elif ch == STRAIGHT:  # unbalanced curly nesting: close anyway
                emit(i, i + 1, True)
                open_at = -1
        else:  # curly open
            if ch == CLOSE_CURLY:
                if depth:
                    depth -= 1
                else:
                    emit(i, i + 1, True)
                    open_at = -1
            elif ch == OPEN_CURLY:
                # a second opening mark: nested if a closing one follows before the paragraph ends
                nxt_close = text.find(CLOSE_CURLY, i + 1)
                nl = text.find("\n", i + 1)
                nxt_open = text.find(OPEN_CURLY, i + 1)
                if nxt_close >= 0 and (nl < 0 or nxt_close < nl) and (nxt_open < 0 or nxt_open > nxt_close):
                    # “a “b” c” nested only when two closers follow; else the first quote was left open
                    second = text.find(CLOSE_CURLY, nxt_close + 1)
                    if second >= 0 and (nl < 0 or second < nl) and (nxt_open < 0 or second < nxt_open):
                        depth += 1
                        continue
                emit(i, i, False)
                open_at, open_ch, depth = i, ch, 0
            # a straight mark inside a curly quote is ignored (inches, nested)
    if open_at >= 0:
        emit(len(text), len(text), False)
    return out
