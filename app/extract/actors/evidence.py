"""What the article itself says an unknown name is: a company, whatever the entity recogniser guessed.

The recogniser reads `Ryanair` or `Northrop Grumman` as a person from the shape of the words alone. The
article usually says otherwise: the name makes a product (`Boeing 787`), has a chief executive or shares
(`Ryanair CEO`, `Boeing shares`), is called an airline or a magazine (`airline Ryanair`, `Ryanair, the
low-cost airline`, `German magazine Der Spiegel`) or is based somewhere (`Los Angeles based Northrop
Grumman`). One such phrase anywhere in the article types every mention of the name.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from app.extract.actors.mentions import (
    CALENDAR,
    COMPANY_AFTER,
    COMPANY_NOUNS,
    SCORE,
    SPORT_WORDS,
    TEAM_AFTER,
    TEAM_VERBS,
    Cand,
    casekey,
    maker_name,
)
from app.extract.actors.products import is_known_maker

__all__ = ["organisation_names", "table_teams", "team_names"]

_MIN_SPORT_WORDS = 3  # distinct sports words that make an article a sports report
_DATE_LIKE = re.compile(r"^\d{4}-\d\d-\d\d$")
_AGAINST = frozenset({"against", "v", "vs", "vs.", "over"})

_APPOS_STOP = frozenset({"ADP", "VERB", "AUX", "PRON", "SCONJ", "CCONJ", "PUNCT"})
_MAX_APPOS = 6


def organisation_names(doc: Doc, cands: list[Cand]) -> set[str]:
    """Case keys of the names the article shows to be organisations (see the module docstring)."""
    out: set[str] = set()
    for c in cands:
        if c.kind == "product" and c.maker > c.start:
            out.add(casekey(maker_name(doc, c)))
        elif c.entry is None and (is_known_maker(doc[c.start:c.end].text) or _company_after(doc, c.end)
                                  or _company_before(doc, c.start)
                                  or _company_appositive(doc, c.end)):
            out.add(casekey(doc[c.start:c.end].text))
    return out


def _company_after(doc: Doc, end: int) -> bool:
    """`Ryanair CEO`, `Boeing 's shares`."""
    if end < len(doc) and doc[end].text in ("'s", "’s"):
        end += 1
    return end < len(doc) and doc[end].lower_ in COMPANY_AFTER and not doc[end].is_sent_start


def _company_before(doc: Doc, start: int) -> bool:
    """`airline Ryanair`, `the low cost airline , Ryanair`, `Dublin-based Ryanair`, `Los Angeles based X`."""
    i = start - 1
    if i >= 1 and doc[i].text == ",":
        i -= 1
    if i < 0 or "\n" in doc[i].whitespace_:
        return False
    tok = doc[i]
    return (tok.lower_ in COMPANY_NOUNS and tok.tag_ in ("NN", "NNS")) or tok.lower_ == "based"


def _company_appositive(doc: Doc, end: int) -> bool:
    """`Ryanair , the Irish low-cost airline , ...` or `Northrop Grumman , based in Los Angeles`."""
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    last_noun = None
    for tok in doc[end + 1:min(len(doc), end + 1 + _MAX_APPOS)]:
        if tok.lower_ == "based":
            return True
        if tok.pos_ in _APPOS_STOP or "\n" in tok.whitespace_:
            if "\n" in tok.whitespace_ and tok.pos_ == "NOUN":
                last_noun = tok
            break
        if tok.pos_ == "NOUN":
            last_noun = tok
    return last_noun is not None and last_noun.lower_ in COMPANY_NOUNS


def team_names(doc: Doc, cands: list[Cand]) -> set[str]:
    """Case keys of places (not countries) and names the article uses as teams: in a sports report, a
    name with a score after it on a results line (`Somerset 83`, `CHICAGO 71 64`), a captain or a squad
    (`Surrey captain Chris Lewis`), or that beats, draws or plays (`Leicestershire beat Somerset`). A
    person is a team only by the second kind of evidence (`Sampras beat Agassi` is two players)."""
    if not _is_sports_report(doc):
        return set()
    out: set[str] = set()
    for c in cands:
        if (c.entry is not None and c.entry.kind == "country") or c.kind in ("product", "group"):
            continue
        after = _team_after(doc, c.end)
        if after or (c.kind != "person" and (_results_line(doc, c.start, c.end) or _plays(doc, c))):
            out.add(casekey(doc[c.start:c.end].text))
    return out


def _team_after(doc: Doc, end: int) -> bool:
    if end < len(doc) and doc[end].text in ("'s", "’s"):
        end += 1
    return end < len(doc) and doc[end].lower_ in TEAM_AFTER and not doc[end].is_sent_start


def _line_start(doc: Doc, i: int) -> bool:
    return i == 0 or "\n" in doc[i - 1].whitespace_ or doc[i - 1].is_space or doc[i - 1].text in (",", "-", "v", "vs")


def _results_line(doc: Doc, start: int, end: int) -> bool:
    if end >= len(doc) or not _line_start(doc, start):
        return False
    nxt = doc[end]
    return bool(SCORE.match(nxt.text)) and not _DATE_LIKE.match(nxt.text)


def _plays(doc: Doc, c: Cand) -> bool:
    head: Token = doc[c.end - 1]
    if head.dep_ in ("nsubj", "dobj") and head.head.lemma_.lower() in TEAM_VERBS:
        return True
    return head.dep_ == "pobj" and head.head.lower_ in _AGAINST


def table_teams(doc: Doc, cands: list[Cand], regions: frozenset[str] = frozenset()) -> list[Cand]:
    """Names opening a results line of a sports report that the recogniser left out (`PITTSBURGH 56 77 .421`,
    `Essex 532-8 declared`): teams, as new candidates (one to four capitalised words before a score); and
    counties or states (``regions``) the report shows playing (`Essex reached 372`, `Kent captain`)."""
    if not _is_sports_report(doc):
        return []
    taken = [False] * len(doc)
    for c in cands:
        for i in range(c.start, c.end):
            taken[i] = True
    people = {t.lower_ for c in cands if c.kind == "person" for t in doc[c.start:c.end]}
    out: list[Cand] = []
    for i, tok in enumerate(doc):
        if taken[i] or not tok.is_alpha or not tok.text[:1].isupper() or tok.lower_ in people \
                or tok.lower_ in ("the", "a", "an") or CALENDAR.match(tok.text):
            continue
        end = i
        while _line_start(doc, i) and end < len(doc) and end - i < 4 and doc[end].is_alpha \
                and doc[end].text[:1].isupper() and not taken[end] and "\n" not in doc[end].whitespace_:
            end += 1
        if end < len(doc) and end > i and _results_line(doc, i, end) and doc[end].text.count("-") < 3 \
                and not any(t.lower_ in SPORT_WORDS or t.lower_ in TEAM_AFTER for t in doc[i:end]):
            # (`Gough 20-3-70-2` is a bowler's analysis)
            out.append(Cand(i, end, "organization", None, True))
            taken[i:end] = [True] * (end - i)
        elif tok.text in regions and tok.is_title:
            cand = Cand(i, i + 1, "organization", None, True)
            if _team_after(doc, i + 1) or _plays(doc, cand):
                out.append(cand)
                taken[i] = True
    return out


def _is_sports_report(doc: Doc) -> bool:
    return len({t.lower_ for t in doc if t.lower_ in SPORT_WORDS}) >= _MIN_SPORT_WORDS
