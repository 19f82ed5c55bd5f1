"""Finding time expressions in text with the grammar: candidates, plausibility filters and overlap
resolution (longest first); ``iter_values`` tags plain text without spaCy."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.extract.timex.calendar import Ctx
from app.extract.timex.grammar import RANK, RULES, Result, Rule

__all__ = ["CONTEXT_CHARS", "Candidate", "find_candidates", "iter_values", "resolve"]

CONTEXT_CHARS = 150  # the text either side of an expression that stands for its sentence without a parse


@dataclass(slots=True)
class Candidate:
    """One expression found in the text, with the rule and match that found it."""

    start: int
    end: int
    rule: Rule
    match: re.Match[str]


_AMBIGUOUS_MONTHS = {"may", "march", "august", "jan", "mar", "jun", "oct", "dec", "sept", "sep", "aug", "apr", "nov", "feb", "jul"}
_MONTH_CUES = re.compile(r"(?:\b(?:in|since|until|till|by|from|through|during|of|before|after|to|late|early|mid|last|this|next|and|or|between|on)\s*-?|,)\s*$", re.I)
_DURATION_CUES = re.compile(r"\b(?:for|in|within|after|over|than|about|nearly|almost|only|just|least|of|take|takes|took|spend|spent|lasted|last|past|first|next|another)\s+$", re.I)


def _plausible_date(rule: Rule, m: re.Match[str], text: str, before: str) -> bool:
    """False for a month, year or season that reads as something else (modal "may", "$1997", "No. 2012")."""
    e = m.end()
    if rule.name == "month" and not m["rel"] and not m["pmod"]:
        word = m["mon"].lower().rstrip(".")
        if word in _AMBIGUOUS_MONTHS and not _MONTH_CUES.search(before):
            return False
        if m["mon"].isupper() and len(m["mon"]) > 3:
            return False
    if rule.name == "year":
        if re.search(r"[$£€#]\s*$|\bNo\.\s*$|\bNumber\s*$|\bNo\s*$", before, re.I) or text[e:e + 1] in "%":
            return False
        if not m["pmod"] and re.match(r"\s+(?:to|-)\s+\d", text[e:e + 6]) and not re.match(r"\s+(?:to|-)\s+(?:1[5-9]|20)\d\d", text[e:e + 10]):
            return False
        if re.match(r",\d{3}", text[e:e + 4]) or re.search(r"\d[,.]$", before):
            return False
    if rule.name == "spelled_year" and m["yw"].lower().startswith("two") and not re.search(r"year\s", m.group(0), re.I):
        if not re.match(r"\s*(?:[.,;:!?)\"”]|$)", text[e:e + 3]):
            return False
    return not (rule.name == "season" and m["season"].lower() in ("fall", "spring") and not (m["srel"] or m["sy"]))


def _plausible_duration(m: re.Match[str], text: str, before: str) -> bool:
    """False for "a second", "one of", "the 52-year-old" and a bare "a month" without a duration cue."""
    s, e = m.span()
    num = m["num"].lower()
    if num in ("a", "an", "some") and m["u"].lower().startswith(("second", "quarter")):
        return False
    if num == "one" and re.match(r"\s+of\b", text[e:e + 4]):
        return False
    if m["u"].lower().startswith("quarter") and (re.search(r"-", text[s:e]) or re.match(r"\s+of\b", text[e:e + 4])):
        return False
    if num in ("a", "an") and not _DURATION_CUES.search(before):
        return False
    return not re.match(r"[\s-]+old\b", text[e:e + 5])


def _plausible(rule: Rule, m: re.Match[str], text: str) -> bool:
    """Whether a match reads as a time expression in its context, not as a modal, an age or an amount."""
    s, e = m.span()
    before = text[max(0, s - 25):s]
    if not _plausible_date(rule, m, text, before):
        return False
    if rule.name in ("vague",) and not (m["vrel"] or m["vq"] or m["ahead"]):
        return bool(re.search(r"\b(?:for|within|in|after)\s+$", before, re.I)) and not re.match(r"\s+(?:of|before|after|that|when)\b", text[e:e + 8])
    if rule.name == "set_adverb" and m["adv"].lower() in ("weekly", "monthly", "quarterly", "nightly"):
        return bool(re.match(r"\s*(?:[.,;:!?)\"”]|$|and\b|or\b)", text[e:e + 4]))
    if rule.name == "ref" and m["ref"].lower() == "future":
        return bool(re.match(r"\s+(?:years?|quarters?|months?|generations?)\b", text[e:e + 14], re.I))
    if rule.name == "duration" and not _plausible_duration(m, text, before):
        return False
    if rule.name == "ref" and m["ref"].lower() == "soon" and (re.search(r"\bas\s+$", before, re.I) or re.match(r"\s+(?:after|as)\b", text[e:e + 7])):
        return False
    return not (rule.name == "deictic" and text[e:e + 2] in ("'s", "’s") and not m["pmod"])


_THE = re.compile(r"the\s+", re.I)
# "the eight-year plan", "the third-quarter results": TimeML leaves the article out of a hyphenated modifier
_HYPHEN_ADJ = re.compile(r"the\s+[\w.]+-(?:second|minute|hour|day|night|week|month|quarter|year|decade)s?$", re.I)


def _start(rule: Rule, m: re.Match[str], text: str) -> int:
    """Where the expression starts: after "the" when the match is a hyphenated modifier."""
    start = m.start()
    if rule.name in ("quarter", "duration") and _HYPHEN_ADJ.match(text, start, m.end()):
        the = _THE.match(text, start)
        if the is not None:
            start = the.end()
    return start


def find_candidates(text: str) -> list[Candidate]:
    """Non-overlapping expression candidates, longest first, in text order."""
    found: list[Candidate] = []
    for rule in RULES:
        if not rule.find or (rule.gate is not None and rule.gate.search(text) is None):
            continue
        for m in rule.finder.finditer(text):
            if m.end() > m.start() and _plausible(rule, m, text):
                found.append(Candidate(_start(rule, m, text), m.end(), rule, m))
    found.sort(key=lambda c: (-(c.end - c.start), RANK[c.rule.name]))
    taken: list[Candidate] = []
    occupied = bytearray(len(text) + 1)
    for cand in found:
        if any(occupied[cand.start:cand.end]):
            continue
        occupied[cand.start:cand.end] = b"\x01" * (cand.end - cand.start)
        taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken


def resolve(cand: Candidate, ctx: Ctx) -> Result | None:
    """The candidate's (type, value) in this context; None where its rule cannot place it (an impossible
    date, a date past the calendar's end)."""
    try:
        return cand.rule.handler(cand.match, ctx)
    except (ValueError, OverflowError, KeyError):
        return None


def iter_values(text: str, anchor: dt.date | None) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, type, value) for every expression in plain text, without spaCy (no tense hints)."""
    ctx = Ctx(anchor=anchor)
    for cand in find_candidates(text):
        ctx.sentence = text[max(0, cand.start - CONTEXT_CHARS):cand.end + CONTEXT_CHARS]
        r = resolve(cand, ctx)
        if r:
            ctx.last_value = r[1]
            if re.fullmatch(r"\d{4}-Q\d", r[1]):
                ctx.quarter = (int(r[1][:4]), int(r[1][-1]))
            yield cand.start, cand.end, r[0], r[1]
