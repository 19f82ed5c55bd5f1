"""What the article itself says an unknown name is: a company, whatever the entity recogniser guessed.

The recogniser reads `Ryanair` or `Northrop Grumman` as a person from the shape of the words alone. The
article usually says otherwise: the name makes a product (`Boeing 787`), has a chief executive or shares
(`Ryanair CEO`, `Boeing shares`), is called an airline or a magazine (`airline Ryanair`, `Ryanair, the
low-cost airline`, `German magazine Der Spiegel`) or is based somewhere (`Los Angeles based Northrop
Grumman`). One such phrase anywhere in the article types every mention of the name.
"""

from __future__ import annotations

from spacy.tokens import Doc

from app.extract.actors.mentions import COMPANY_AFTER, COMPANY_NOUNS, Cand, casekey

__all__ = ["organisation_names"]

_APPOS_STOP = frozenset({"ADP", "VERB", "AUX", "PRON", "SCONJ", "CCONJ", "PUNCT"})
_MAX_APPOS = 6


def organisation_names(doc: Doc, cands: list[Cand]) -> set[str]:
    """Case keys of the names the article shows to be organisations (see the module docstring)."""
    out: set[str] = set()
    for c in cands:
        if c.kind == "product" and c.maker > c.start:
            out.add(casekey(doc[c.start:c.maker].text))
        elif c.entry is None and (_company_after(doc, c.end) or _company_before(doc, c.start)
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
