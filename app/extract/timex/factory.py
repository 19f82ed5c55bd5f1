"""The spaCy factories ``dateline_pubdate_v1`` and ``dateline_timex_v1``.

``dateline_pubdate_v1`` infers ``doc._.dl_published`` from the text when it is None (latest explicitly
mentioned day, its year completed from the nearest explicit year) and sets ``doc._.dl_published_inferred``.
``dateline_timex_v1`` finds every expression with Dateline's grammar (grammar.py; spaCy's DATE/TIME
entities are a second candidate source) and normalises it against the publication date, using the clause's
tense to decide between the last and the next Monday, December, ...
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.extract.records import Timex
from app.extract.timex.calendar import Ctx, day_num, month_num
from app.extract.timex.find import CONTEXT_CHARS, Candidate, find_candidates, resolve
from app.extract.timex.grammar import normalise

__all__ = ["PUBDATE_CONFIG", "TIMEX_CONFIG", "ClauseTense", "PubdateInferrer", "TimexTagger", "infer_published"]

for _name, _default in (
    ("dl_original", None),
    ("dl_published", None),
    ("dl_published_inferred", False),
    ("dl_timexes", None),
    ("dl_timex_candidates", None),  # (text length, candidates): found once, shared by both components
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

PUBDATE_CONFIG = {
    # a clause is in the future with one of these auxiliaries, or as "to" + verb under one of these heads
    "future_aux": ["will", "shall", "'ll", "wo", "ll"],
    "future_heads": ["plan", "expect", "schedule", "due", "intend", "set", "hope", "aim", "prepare", "promise", "vow"],
}
TIMEX_CONFIG = {**PUBDATE_CONFIG, "context_chars": CONTEXT_CHARS}
_PARSED = ["token.dep", "token.pos", "token.tag", "token.lemma"]
_LEADING_PREP = re.compile(r"^(?:on|in|at|by|since|until|till|from|through|during|for|before|after|of|to|over|within)\s+", re.I)
_PERFECT_AUX = {"has", "have", "'ve", "had"}
_PAST_AUX = {"had", "was", "were"}


class ClauseTense:
    """"past", "present", "future" or None for the clause governing a token, read from the parse."""

    def __init__(self, future_aux: Iterable[str], future_heads: Iterable[str]) -> None:
        self.future_aux = frozenset(future_aux)
        self.future_heads = frozenset(future_heads)

    def _tense_of_verb(self, v: Token) -> str | None:
        """The tense one verb shows by itself; None to look further up the clause."""
        auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
        low = {a.lower_ for a in auxes}
        if low & self.future_aux:
            return "future"
        if "going" in low or (v.lower_ == "going" and any(c.lower_ == "to" for c in v.children)):
            return "future"
        if any(a.tag_ == "VBD" for a in auxes) or (v.tag_ == "VBD" and not auxes):
            return "past"
        if v.tag_ == "VBN" and low & _PERFECT_AUX:
            return "past"
        if "to" in low and v.head is not v and v.head.lemma_ in self.future_heads:
            h = v.head
            haux = {c.lower_ for c in h.children if c.dep_ in ("aux", "auxpass")}
            return "past" if haux & _PAST_AUX or (h.tag_ == "VBD" and not haux) else "future"
        if any(a.tag_ in ("VBZ", "VBP") for a in auxes) or v.tag_ in ("VBZ", "VBP"):
            # "deliveries are due in October", "the launch is set for May": a present that looks ahead
            if any(c.dep_ in ("acomp", "attr") and c.lemma_ in self.future_heads for c in v.children):
                return "future"
            return "present"
        return None

    def __call__(self, token: Token) -> str | None:
        """Climb to the governing verb, then read its tense (or its parent clause's, once)."""
        if token.dep_ == "pobj" and token.head.lower_ == "since":
            return "past"  # 'attempting to take over Aer Lingus since December': a since-date lies behind us
        v = token
        for _ in range(5):
            if v.pos_ in ("VERB", "AUX") or v.head is v:
                break
            v = v.head
        if v.pos_ not in ("VERB", "AUX"):
            return None
        for _ in range(2):
            tense = self._tense_of_verb(v)
            if tense is not None:
                return tense
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
    """The grammar's candidates, found once per doc and shared by both components."""
    cached = doc._.dl_timex_candidates
    if cached is None or cached[0] != len(text):
        cached = (len(text), find_candidates(text))
        doc._.dl_timex_candidates = cached
    candidates: list[Candidate] = cached[1]
    return candidates


def _mentioned_days(doc: Doc, text: str, tense: ClauseTense) -> tuple[list[tuple[int, int, int, int | None]],
                                                                         list[tuple[int, int]]]:
    """(position, month, day, year or None) of each day the text mentions outside a future clause, and
    (position, year) of each explicit year."""
    dated: list[tuple[int, int, int, int | None]] = []
    years: list[tuple[int, int]] = []
    for c in _candidates(doc, text):
        m = c.match
        if c.rule.name in ("mdy", "dmy", "weekday") and m["mon"] and m["day"]:
            year = int(m["year"]) if m["year"] else None
            tok = _token_at(doc, c.start, c.end)
            if tok is not None and tense(tok) == "future":
                if year:
                    years.append((c.start, year))
                continue
            dated.append((c.start, month_num(m["mon"]), day_num(m["day"]), year))
            if year:
                years.append((c.start, year))
        elif c.rule.name in ("iso", "slash"):
            r = normalise(text[c.start:c.end], None)
            if r and re.fullmatch(r"\d{4}-\d\d-\d\d", r[1]):
                d = dt.date.fromisoformat(r[1])
                dated.append((c.start, d.month, d.day, d.year))
                years.append((c.start, d.year))
    return dated, years


def infer_published(doc: Doc, text: str, tense: ClauseTense) -> dt.date | None:
    """The latest day the text mentions (not in a future clause), its year from the nearest explicit year."""
    dated, years = _mentioned_days(doc, text, tense)
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


class PubdateInferrer:
    """The ``dateline_pubdate_v1`` component: a publication date from the text when the caller has none."""

    def __init__(self, tense: ClauseTense) -> None:
        self.tense = tense

    def __call__(self, doc: Doc) -> Doc:
        """A date the caller gave always wins; an inferred one is marked as such."""
        if doc._.dl_published is None:
            text = doc._.dl_original or doc.text
            inferred = infer_published(doc, text, self.tense)
            if inferred is not None:
                doc._.dl_published = inferred
                doc._.dl_published_inferred = True
        return doc


def _spacy_extra(doc: Doc, text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, Span]]:
    """spaCy's DATE/TIME entities that overlap nothing the grammar found, without a leading preposition."""
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


class TimexTagger:
    """The ``dateline_timex_v1`` component: every time expression with its TIMEX3 type and value."""

    def __init__(self, tense: ClauseTense, context_chars: int) -> None:
        self.tense = tense
        self.context_chars = context_chars

    def _sentence(self, tok: Token | None, text: str, start: int, end: int) -> str:
        if tok is not None:
            try:
                s = tok.sent
                return text[s.start_char:s.end_char]
            except ValueError:
                pass
        return text[max(0, start - self.context_chars):end + self.context_chars]

    def _grammar_timexes(self, doc: Doc, text: str, ctx: Ctx) -> list[Timex]:
        """The grammar's expressions in text order; each one updates the discourse state of ``ctx``."""
        anchor = ctx.anchor
        found: list[Timex] = []
        for c in _candidates(doc, text):
            tok = _token_at(doc, c.start, c.end)
            ctx.tense = self.tense(tok) if tok is not None else None
            ctx.sentence = self._sentence(tok, text, c.start, c.end)
            r = resolve(c, ctx)
            if not r:
                continue
            typ, value = r
            found.append(Timex(text=text[c.start:c.end], start=c.start, end=c.end, type=typ, value=value))
            ctx.last_value = value
            if c.rule.name == "quarter" and re.fullmatch(r"\d{4}-Q\d", value) and not (c.match["qy"] or c.match["qy2"] or c.match["qy3"]):
                if anchor is None or (int(value[:4]), int(value[-1])) <= (anchor.year, (anchor.month - 1) // 3 + 1):
                    ctx.quarter = (int(value[:4]), int(value[-1]))
        return found

    def __call__(self, doc: Doc) -> Doc:
        """Grammar expressions first, then spaCy's entities where the grammar found nothing."""
        text = doc._.dl_original or doc.text
        anchor = doc._.dl_published
        if isinstance(anchor, dt.datetime):
            anchor = anchor.date()
        ctx = Ctx(anchor=anchor)
        found = self._grammar_timexes(doc, text, ctx)
        taken = [(t.start, t.end) for t in found]
        for s, e, ent in _spacy_extra(doc, text, taken):
            r = normalise(text[s:e], anchor, self.tense(ent.root), ctx)
            if r and r[0] != "SET" and not r[1].endswith("_REF"):
                found.append(Timex(text=text[s:e], start=s, end=e, type=r[0], value=r[1]))
        found.sort(key=lambda t: t.start)
        doc._.dl_timexes = found
        doc._.dl_timex_candidates = None
        return doc


@Language.factory(
    "dateline_pubdate_v1",
    default_config=PUBDATE_CONFIG,
    requires=["doc._.dl_original", "doc._.dl_published", *_PARSED],
    assigns=["doc._.dl_published", "doc._.dl_published_inferred", "doc._.dl_timex_candidates"],
)
def make_pubdate_inferrer(nlp: Language, name: str, future_aux: list[str],
                          future_heads: list[str]) -> PubdateInferrer:
    """Build the publication-date component; the tense words come from the pipeline config."""
    return PubdateInferrer(ClauseTense(future_aux, future_heads))


@Language.factory(
    "dateline_timex_v1",
    default_config=TIMEX_CONFIG,
    requires=["doc._.dl_original", "doc._.dl_published", "doc.ents", "token.is_sent_start", *_PARSED],
    assigns=["doc._.dl_timexes", "doc._.dl_timex_candidates"],
)
def make_timex_tagger(nlp: Language, name: str, future_aux: list[str], future_heads: list[str],
                      context_chars: int) -> TimexTagger:
    """Build the time-expression component; tense words and the context window come from the config."""
    return TimexTagger(ClauseTense(future_aux, future_heads), context_chars)
