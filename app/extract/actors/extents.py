"""Noun-phrase extents: a name's mention together with the words news annotation counts as part of it.

Annotated news (MEANTIME, ACE) marks the whole noun phrase of a named mention, while the name alone is
what CoNLL marks and what Dateline clusters on. Two phrases are unambiguous enough to add, each as a
second mention of the same actor spanning the phrase, beside the name's own mention:

- an organisation's descriptor, headed by a company noun right before the name (`airline`, `maker`,
  `magazine`: the `company` class of data/name_words.tsv): `German airline Lufthansa`, `engine maker
  Europrop`, `Aircraft manufacturer Boeing`, with its lower-case modifiers, a nationality, country or
  company before it (`Russian flag carrier`, `Airbus parent EADS`) and a leading `the`;
- a place with its state or country after a comma: `Mobile , Alabama`, `Toulouse , France`.

The name, its aliases and the other actors' mentions inside the phrase (`German`, `Alabama`) stay.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.extract.actors.lexicon import Lexicon
from app.extract.actors.mentions import COMPANY_NOUNS, TokenView
from app.extract.records import Actor, Mention

__all__ = ["add_phrase_extents", "descriptor_start", "place_with_region"]

_MAX_WORDS = 5  # the longest descriptor kept (`Irish low cost national airline`)
_MODIFIER_POS = frozenset({"ADJ", "NOUN"})
_QUALIFIER_ENTS = frozenset({"NORP", "GPE", "LOC", "ORG"})
_OWNER_NOUNS = frozenset({"parent", "owner"})


def add_phrase_extents(doc: Doc, lex: Lexicon, view: TokenView, actors: list[Actor],
                       spans: list[tuple[int, int, str]]) -> None:
    """Give organisations and places their noun-phrase mentions (mentions of the record only: the actor
    index keeps ``spans``, the names, for arguments and speakers)."""
    original = doc._.dl_original if doc._.dl_original is not None else doc.text
    texts = {(s, e): original[s:e] for s, e, _ in spans}
    for actor in actors:
        if actor.kind not in ("organization", "place", "country"):
            continue
        for m in list(actor.mentions):
            span = doc.char_span(m.start, m.end)
            if span is None or view.caps_line(span.start):  # `MILWAUKEE , Wisconsin`: casing tells nothing
                continue
            if actor.kind == "organization":
                start, end = doc[descriptor_start(doc, span.start)].idx, m.end
            elif not (_is_country_name(lex, m.text) or m.text.isupper()):  # a list; a dateline
                start, end = m.start, place_with_region(doc, lex, span.end, texts)
            else:
                continue
            if (start, end) != (m.start, m.end):
                actor.mentions.append(Mention(start, end, original[start:end]))
        actor.mentions.sort(key=lambda x: (x.start, x.end))


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
            return _qualifier_start(doc, k, first)
        else:
            break
        k -= 1
    return first


def place_with_region(doc: Doc, lex: Lexicon, end: int, texts: dict[tuple[int, int], str]) -> int:
    """The character end of `Toulouse , France` for the place name ending at token ``end``: a comma and a
    mention that is a country's own name or a state (not a capital, not a list of places), else the
    name's own end."""
    own_end = doc[end - 1].idx + len(doc[end - 1])
    if end + 1 >= len(doc) or doc[end].text != "," or "\n" in doc[end].whitespace_:
        return own_end
    after = doc[end + 1].idx
    region = next((e for (s, e), text in texts.items() if s == after and _is_region(lex, text)), None)
    if region is None:
        return own_end
    nxt = doc.char_span(after, region)
    if nxt is not None and nxt.end < len(doc) and doc[nxt.end].lower_ in ("and", "or"):
        return own_end  # `Paris , France and Berlin`: a list
    return region


def _is_region(lex: Lexicon, text: str) -> bool:
    """A state or province, or a country by its own name (`France`, not `Paris`)."""
    return text in lex.regions or _is_country_name(lex, text)


def _is_country_name(lex: Lexicon, text: str) -> bool:
    entry = lex.lookup(text)
    return entry is not None and entry.kind == "country" and not entry.demonym and entry.name == text


def _company_noun(tok: Token) -> bool:
    """`airline`, `manufacturer` (a common noun, not the start of another name), on the name's line."""
    if tok.lower_ == "carrier" and tok.i > 0 and tok.nbor(-1).lower_ == "aircraft":
        return False  # `the aircraft carrier Carl Vinson`: a warship
    return tok.lower_ in COMPANY_NOUNS and tok.tag_ in ("NN", "NNS") and "\n" not in tok.whitespace_ \
        and (tok.is_lower or bool(tok.is_sent_start))


def _owner_noun(doc: Doc, i: int) -> bool:
    """`Airbus parent EADS`: a word that calls the name an owner, right after a company's name."""
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


def _qualifier_start(doc: Doc, k: int, first: int) -> int:
    """A nationality, country or company ending at token ``k`` qualifies the descriptor (`Russian flag
    carrier`, `United States airframer`, `Airbus parent`) and joins it, with a `the` before it; any other
    capitalised word ends the descriptor at ``first``."""
    if doc[k].ent_type_ not in _QUALIFIER_ENTS:
        return first
    while k > 0 and doc[k].ent_iob_ == "I" and _same_line(doc, k - 1):
        k -= 1
    return k - 1 if k > 0 and doc[k - 1].lower_ == "the" and _same_line(doc, k - 1) else k


def _same_line(doc: Doc, k: int) -> bool:
    """Token ``k`` is on the same line as the token after it."""
    return "\n" not in doc[k].whitespace_ and not doc[k].is_space
