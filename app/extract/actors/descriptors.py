"""The descriptor in front of an organisation's name: `German airline Lufthansa`, `engine maker Europrop`.

A company noun right before a name (`airline`, `maker`, `magazine`: the `company` class of
data/name_words.tsv) heads a descriptor that belongs to the mention, as news annotation (MEANTIME, ACE)
marks the whole noun phrase: its lower-case modifiers (`national`, `low cost`, `engine`), a nationality
or country (`Irish`, `United States`), a leading `the`, or one name before it (`Airbus parent EADS`).
The organisation's name itself, its aliases and its other mentions stay as they are: only the mention's
extent grows, so `Lufthansa` is still the name and `German` is still a mention of Germany.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.extract.actors.mentions import COMPANY_NOUNS

__all__ = ["descriptor_start", "mention_extents"]

_MAX_WORDS = 5  # the longest descriptor kept (`Irish low cost national airline`)
_MODIFIER_POS = frozenset({"ADJ", "NOUN"})
_PLACE_ENTS = frozenset({"NORP", "GPE", "LOC"})
_OWNER_NOUNS = frozenset({"parent", "owner"})


def mention_extents(doc: Doc, original: str, start: int, end: int, kind: str) -> list[tuple[int, int]]:
    """The character spans in ``original`` of the mention at tokens [start, end), outer spaces dropped: the
    name's, then for an organisation with a descriptor the noun phrase's (annotators mark either)."""
    s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    text = original[s:e]
    s, e = s + len(text) - len(text.lstrip()), e - (len(text) - len(text.rstrip()))
    if s >= e:
        return []
    lead = descriptor_start(doc, start) if kind == "organization" else start
    return [(s, e), (doc[lead].idx, e)] if lead < start else [(s, e)]


def descriptor_start(doc: Doc, start: int) -> int:
    """The token where the descriptor before the name at ``start`` begins, or ``start`` if there is none."""
    head = start - 1
    if head < 0 or not (_company_noun(doc[head]) or _owner_noun(doc, head)):
        return start
    first = head
    k = head - 1
    while k >= 0 and head - k < _MAX_WORDS and _same_line(doc, k):
        tok = doc[k]
        if tok.lower_ == "the":
            return k
        if tok.text == "-" and not tok.whitespace_ and k > 0 and not doc[k - 1].whitespace_:
            k -= 1  # `low-cost`
            continue
        if _modifier(tok):
            first = k
        elif tok.is_title or tok.is_upper:
            return _name_before(doc, k, first)
        else:
            break
        k -= 1
    return first


def _company_noun(tok: Token) -> bool:
    """`airline`, `manufacturer` (a common noun, not the start of another name), on the name's line."""
    if tok.lower_ == "carrier" and tok.i > 0 and tok.nbor(-1).lower_ == "aircraft":
        return False  # `the aircraft carrier Carl Vinson`: a warship
    return tok.lower_ in COMPANY_NOUNS and tok.tag_ in ("NN", "NNS") and "\n" not in tok.whitespace_ \
        and (tok.is_lower or bool(tok.is_sent_start))


def _owner_noun(doc: Doc, i: int) -> bool:
    """`Airbus parent EADS`, `Eagles owner`: a word that calls the name an owner, after a company's name."""
    return doc[i].lower_ in _OWNER_NOUNS and doc[i].is_lower and i > 0 and doc[i - 1].ent_type_ == "ORG" \
        and _same_line(doc, i - 1)


def _modifier(tok: Token) -> bool:
    """A lower-case adjective or noun (`national`, `flag`), or a capitalised word without an entity opening
    its sentence (`Aircraft manufacturer Boeing`)."""
    if not tok.is_alpha or tok.ent_type_:
        return False
    if tok.is_lower:
        return tok.pos_ in _MODIFIER_POS
    return bool(tok.is_sent_start) and tok.is_title and tok.pos_ in _MODIFIER_POS | {"PROPN"}


def _name_before(doc: Doc, k: int, first: int) -> int:
    """A capitalised name ending at token ``k``: a nationality, country or company that qualifies the
    descriptor (`Russian flag carrier`, `United States airframer`, `Airbus parent`) joins it, with a `the`
    before it; anything else ends the descriptor at ``first``."""
    label = doc[k].ent_type_
    if label not in _PLACE_ENTS and label != "ORG":
        return first
    while k > 0 and doc[k].ent_iob_ == "I" and _same_line(doc, k - 1):
        k -= 1
    return k - 1 if k > 0 and doc[k - 1].lower_ == "the" and _same_line(doc, k - 1) else k


def _same_line(doc: Doc, k: int) -> bool:
    """Token ``k`` is on the same line as the token after it."""
    return "\n" not in doc[k].whitespace_ and not doc[k].is_space
