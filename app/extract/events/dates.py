"""When an event happened: the DATE timex attached to its trigger in the parse, else the nearest one."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from app.extract.events.triggers import Cand
from app.extract.records import Timex
from app.extract.timex import timex_interval

CLAUSE_EDGES = frozenset({"ccomp", "xcomp", "advcl", "conj", "relcl", "parataxis", "ROOT", "csubj"})
MAX_ATTACH_CLIMB = 30   # heads climbed from a timex to the token it dates
MAX_CLAUSE_CLIMB = 12   # heads climbed within a clause (nominal modifiers, a trigger's own verbs)


@dataclass(slots=True)
class DateLinks:
    """The doc's DATE timexes by the token they attach to, plus where each one sits in the parse."""

    primary: dict[int, list[Timex]] = field(default_factory=dict)     # first candidate or verb up the tree
    secondary: dict[int, list[Timex]] = field(default_factory=dict)   # a candidate above a nominal modifier
    placed: list[tuple[Timex, Span, Token | None]] = field(default_factory=list)


def usable(tx: Timex) -> bool:
    """Only a DATE with a calendar interval can date an event."""
    return tx.type == "DATE" and timex_interval(tx.value) is not None


def _attachment(root: Token, cand_tokens: set[int]) -> Token | None:
    t = root
    for _ in range(MAX_ATTACH_CLIMB):
        if t.head is t:
            break
        t = t.head
        if t.i in cand_tokens or t.pos_ in ("VERB", "AUX"):
            return t
    return None


def attach_dates(doc: Doc, timexes: list[Timex], cand_tokens: set[int]) -> DateLinks:
    """DATE timexes by the token they attach to (first candidate or verb up the tree), plus secondary links."""
    links = DateLinks()
    for tx in timexes:
        span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
        if span is None:
            continue
        hit = _attachment(span.root, cand_tokens)
        links.placed.append((tx, span, hit))
        if hit is None:
            continue
        links.primary.setdefault(hit.i, []).append(tx)
        # continue through nominal modifiers ("said at an event sponsored by X on May 3")
        t = hit
        for _ in range(MAX_CLAUSE_CLIMB):
            if t.dep_ in CLAUSE_EDGES or t.head is t:
                break
            t = t.head
            if t.i in cand_tokens and t.i != hit.i:
                links.secondary.setdefault(t.i, []).append(tx)
                break
    return links


def pick_date(c: Cand, sent: Span, links: DateLinks) -> tuple[Timex | None, bool]:
    """(the timex dating the candidate, whether it is the candidate's own rather than its clause's)."""
    for tok in (c.trigger, c.anchor, c.governor):
        if tok is not None and links.primary.get(tok.i):
            return links.primary[tok.i][0], True
    for tok in (c.trigger, c.anchor):
        if links.secondary.get(tok.i):
            return links.secondary[tok.i][0], True
    t = c.anchor
    # 'stated on Thursday that it had signed a contract': a past perfect tells what came before the clause
    # it hangs on, so that clause's date is not its own
    earlier = any(ch.dep_ == "aux" and ch.lower_ in ("had", "'d") for ch in t.children)
    for _ in range(0 if earlier else MAX_CLAUSE_CLIMB):
        if t.head is t:
            break
        t = t.head
        if links.primary.get(t.i):
            return links.primary[t.i][0], False
    best, best_dist = None, None
    for tx, span, hit in links.placed:
        if not (sent.start <= span.start < sent.end):
            continue
        if hit is not None and hit.pos_ in ("VERB", "AUX") and hit.i not in (c.anchor.i, c.trigger.i):
            continue
        dist = abs(span.start - c.trigger.i)
        if best_dist is None or dist < best_dist:
            best, best_dist = tx, dist
    return best, False
