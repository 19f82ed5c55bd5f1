"""Time expressions and their TIMEX3 values, and the publication date when the caller does not know it.

``dateline_pubdate_v1`` infers ``doc._.dl_published`` from the text when it is None (latest explicitly
mentioned day, its year completed from the nearest explicit year) and sets ``doc._.dl_published_inferred``.
``dateline_timex_v1`` finds every expression with Dateline's grammar (app/extract/timex_rules.py; spaCy's
DATE/TIME entities are a second candidate source) and normalises it against the publication date, using
the clause's tense to decide between the last and the next Monday, December, ...
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.extract.records import Timex
from app.extract.timex_find import Candidate, find_candidates
from app.extract.timex_rules import Ctx, _day_num, _month_num, normalise

_FUTURE_AUX = {"will", "shall", "'ll", "wo", "ll"}
_FUTURE_HEADS = {"plan", "expect", "schedule", "due", "intend", "set", "hope", "aim", "prepare", "promise", "vow"}
_LEADING_PREP = re.compile(r"^(?:on|in|at|by|since|until|till|from|through|during|for|before|after|of|to|over|within)\s+", re.I)
_CANDIDATES_KEY = "dateline_timex_candidates"


def clause_tense(token: Token) -> str | None:
    """"past", "present", "future" or None for the clause governing ``token``."""
    v = token
    for _ in range(5):
        if v.pos_ in ("VERB", "AUX") or v.head is v:
            break
        v = v.head
    if v.pos_ not in ("VERB", "AUX"):
        return None
    for _ in range(2):
        auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
        low = {a.lower_ for a in auxes}
        if low & _FUTURE_AUX:
            return "future"
        if "going" in low or (v.lower_ == "going" and any(c.lower_ == "to" for c in v.children)):
            return "future"
        if any(a.tag_ == "VBD" for a in auxes) or (v.tag_ == "VBD" and not auxes):
            return "past"
        if v.tag_ == "VBN" and low & {"has", "have", "'ve", "had"}:
            return "past"
        if "to" in low and v.head is not v and v.head.lemma_ in _FUTURE_HEADS:
            h = v.head
            haux = {c.lower_ for c in h.children if c.dep_ in ("aux", "auxpass")}
            return "past" if haux & {"had", "was", "were"} or (h.tag_ == "VBD" and not haux) else "future"
        if any(a.tag_ in ("VBZ", "VBP") for a in auxes) or v.tag_ in ("VBZ", "VBP"):
            return "present"
        if v.dep_ in ("xcomp", "ccomp", "advcl", "conj") and v.head is not v:
            v = v.head
            continue
        break
    return None


def _token_at(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _candidates(doc: Doc, text: str) -> list[Candidate]:
    cached = doc.user_data.get(_CANDIDATES_KEY)
    if cached is None or cached[0] != len(text):
        cached = (len(text), find_candidates(text))
        doc.user_data[_CANDIDATES_KEY] = cached
    return cached[1]


def infer_published(doc: Doc, text: str) -> dt.date | None:
    """The latest day the text mentions (not in a future clause), its year from the nearest explicit year."""
    cands = _candidates(doc, text)
    dated: list[tuple[int, int, int, int | None]] = []  # (pos, month, day, year)
    years: list[tuple[int, int]] = []
    for c in cands:
        m = c.match
        if c.rule.name in ("mdy", "dmy", "weekday") and m["mon"] and m["day"]:
            year = int(m["year"]) if m["year"] else None
            tok = _token_at(doc, c.start, c.end)
            if tok is not None and clause_tense(tok) == "future":
                if year:
                    years.append((c.start, year))
                continue
            dated.append((c.start, _month_num(m["mon"]), _day_num(m["day"]), year))
            if year:
                years.append((c.start, year))
        elif c.rule.name in ("iso", "slash"):
            r = normalise(text[c.start:c.end], None)
            if r and re.fullmatch(r"\d{4}-\d\d-\d\d", r[1]):
                d = dt.date.fromisoformat(r[1])
                dated.append((c.start, d.month, d.day, d.year))
                years.append((c.start, d.year))
    if not dated:
        return None
    if not years:
        return None
    best: dt.date | None = None
    for pos, mon, day, year in dated:
        if year is None:
            year = min(years, key=lambda y: (abs(y[0] - pos), -y[1]))[1]
        try:
            d = dt.date(year, mon, day)
        except ValueError:
            continue
        if best is None or d > best:
            best = d
    return best


@Language.component("dateline_pubdate_v1", assigns=["doc._.dl_published", "doc._.dl_published_inferred"])
def pubdate(doc: Doc) -> Doc:
    if doc._.dl_published is None:
        text = doc._.dl_original or doc.text
        inferred = infer_published(doc, text)
        if inferred is not None:
            doc._.dl_published = inferred
            doc._.dl_published_inferred = True
    return doc


def _sentence(doc: Doc, tok: Token | None, text: str, start: int, end: int) -> str:
    if tok is not None:
        try:
            s = tok.sent
            return text[s.start_char:s.end_char]
        except ValueError:
            pass
    return text[max(0, start - 150):end + 150]


def _spacy_extra(doc: Doc, text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, Span]]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        s, e = ent.start_char, ent.end_char
        if any(s < te and ts < e for ts, te in taken):
            continue
        t = text[s:e]
        m = _LEADING_PREP.match(t)
        if m:
            s += m.end()
        out.append((s, e, ent))
    return out


@Language.component("dateline_timex_v1", requires=["doc._.dl_published"], assigns=["doc._.dl_timexes"])
def timexes(doc: Doc) -> Doc:
    text = doc._.dl_original or doc.text
    anchor = doc._.dl_published
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    ctx = Ctx(anchor=anchor)
    found: list[Timex] = []
    cands = _candidates(doc, text)
    for c in cands:
        tok = _token_at(doc, c.start, c.end)
        ctx.tense = clause_tense(tok) if tok is not None else None
        ctx.sentence = _sentence(doc, tok, text, c.start, c.end)
        try:
            r = c.rule.handler(c.match, ctx)
        except (ValueError, OverflowError, KeyError, AttributeError):
            r = None
        if not r:
            continue
        typ, value = r
        found.append(Timex(text=text[c.start:c.end], start=c.start, end=c.end, type=typ, value=value))
        ctx.last_value = value
        if c.rule.name == "quarter" and re.fullmatch(r"\d{4}-Q\d", value) and not (c.match["qy"] or c.match["qy2"] or c.match["qy3"]):
            if anchor is None or (int(value[:4]), int(value[-1])) <= (anchor.year, (anchor.month - 1) // 3 + 1):
                ctx.quarter = (int(value[:4]), int(value[-1]))
    taken = [(t.start, t.end) for t in found]
    for s, e, ent in _spacy_extra(doc, text, taken):
        tok = ent.root
        r = normalise(text[s:e], anchor, clause_tense(tok), ctx)
        if r and r[0] != "SET" and not r[1].endswith("_REF"):
            found.append(Timex(text=text[s:e], start=s, end=e, type=r[0], value=r[1]))
    found.sort(key=lambda t: t.start)
    doc._.dl_timexes = found
    doc.user_data.pop(_CANDIDATES_KEY, None)
    return doc
