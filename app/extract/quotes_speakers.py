"""Speaker-finding helpers for quotes_core: passive agents, subjects reached by climbing the parse,
possessive holders, dash bylines after a quote and transcript labels inside one. Pure functions over
spaCy tokens and text; no state."""

from __future__ import annotations

import re

from spacy.tokens import Token

# Dependencies through which a cue without its own subject borrows the subject of the clause above it:
# "began by saying", "In defending himself, X offered", "is determined to warn", "decided against recommending".
CLIMB_DEPS = frozenset("xcomp advcl conj pcomp prep pobj acomp".split())
CLIMB_STEPS = 4
_SUBJ = ("nsubj", "nsubjpass")
_HOLDER_POS = ("PROPN", "PRON")


def passive_agent(cue: Token) -> Token | None:
    """`was first reported by the agency` -> agency (the agent, not the passive subject)."""
    for child in cue.children:
        if child.dep_ == "agent":
            return next((ch for ch in child.children if ch.dep_ == "pobj"), None)
    return None


def climbed_subject(cue: Token) -> Token | None:
    """The subject of a governing clause, or the possessor of a governing noun (`Mr. Lee's record on
    promoting …`), for a cue that has no subject of its own."""
    t = cue
    for _ in range(CLIMB_STEPS):
        if t.dep_ not in CLIMB_DEPS:
            return None
        h = t.head
        if h.i == t.i:
            return None
        if h.pos_ in ("NOUN", "PROPN"):
            poss = next((ch for ch in h.children if ch.dep_ == "poss"), None)
            if poss is not None and t.dep_ in ("prep", "acl") and (poss.pos_ in _HOLDER_POS or poss.ent_type_):
                return poss
            if t.dep_ not in ("pcomp", "pobj"):
                return None
        t = h
        subj = next((ch for ch in t.children if ch.dep_ in _SUBJ), None)
        if subj is not None and t.pos_ in ("VERB", "AUX"):
            return subj
    return None


# `” ― Karen Smith` / `”— Lena Park.`: a dash and a capitalised name right after the closing mark.
_DASH_BYLINE = re.compile(
    r"[ \t\u00a0]*[\u2015\u2014\u2013]-?[ \t\u00a0]*"
    r"([A-Z][\w.'\u2019\-]*(?:[ \t\u00a0]+(?:[A-Z][\w.'\u2019\-]*|de|van|von|da|del|la)){0,4})"
    r"(?=[ \t\u00a0]*(?:[.,|\n]|$))"
)


def dash_byline(text: str, after: int) -> tuple[int, int] | None:
    m = _DASH_BYLINE.match(text, after)
    if m is None:
        return None
    s, e = m.start(1), m.end(1)
    last = text[s:e].split()[-1]
    if last.endswith(".") and len(last) > 2:  # the sentence's full stop, not an initial ("Edwin G.")
        e -= 1
    return s, e


# `"WALLACE: Let's start …` -- an upper-case speaker label opening the quoted text itself.
_INNER_LABEL = re.compile(r"((?:[A-Z][A-Z.'\-]+)(?: [A-Z][A-Z.'\-]+){0,2}):[ \t]")
_NOT_LABELS = frozenset("UPDATE NOTE PHOTO VIDEO WATCH READ MORE EDITOR'S NOTE".split())


def inner_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _INNER_LABEL.match(text, start)
    if m is None or m.end() >= end or len(m.group(1)) < 2 or m.group(1) in _NOT_LABELS:
        return None
    return m.start(1), m.end(1)


def name_verb_after(doc, first: int) -> tuple[Token, Token] | None:
    """`“Go back,” Lee barked` / `“…” Lee, the group's head, tweeted`: a proper name right after the
    closing mark followed by any verb. Returns (name head, verb)."""
    n = len(doc)
    k = first
    while k < n and doc[k].is_punct and doc[k].text[:1] not in "“\"":
        k += 1
    if k >= n or doc[k].pos_ != "PROPN" or "\n" in doc[k - 1].whitespace_:
        return None
    while k + 1 < n and doc[k + 1].pos_ == "PROPN" and "\n" not in doc[k].whitespace_:
        k += 1
    head = doc[k]
    j = k + 1
    if j < n and doc[j].text == ",":  # an apposition closed by a comma
        close = next((x for x in range(j + 1, min(j + 16, n)) if doc[x].text == "," or "\n" in doc[x].text), None)
        if close is None or doc[close].text != ",":
            return None
        j = close + 1
    while j < n and doc[j].pos_ in ("ADV", "AUX", "PART"):
        j += 1
    if j < n and doc[j].pos_ == "VERB" and doc[j].tag_ in ("VBD", "VBZ", "VBP", "VBN"):
        return head, doc[j]
    return None
