"""Products and models (`Airbus A380`, `Boeing 787 Dreamliner`, `five Boeing 737s`, `iPhone 4`) as actors of their own.

A maker's name right before a model designation names the product, not the maker at work: `the Airbus
A380 made its first flight` is about the aircraft.  The product keeps its maker's name (``Cand.maker``) so
the record links the two, and the maker counts as an organisation in the article (it makes things).
A designation met alone later (`the A380`) is the same product when the article named it with its maker.

Who makes and who operates: a known maker (data/makers.tsv) opening the name ends the maker's part there
(`Rolls-Royce` + model line `Trent` in `Rolls-Royce Trent 900`); a name that is an airline by its words
(`Air France`, `Singapore Airlines`) or that the article calls an airline or carrier (`German airline
Lufthansa`) operates the model and is left to be its own actor, the product being the designation alone.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from app.extract.actors.lexicon import DATA_DIR
from app.extract.actors.titles import is_role_word
from app.extract.lexicon import word_set

__all__ = ["DESIGNATION", "KNOWN_MAKERS", "find_products", "is_designation", "is_known_maker", "numbered_noun"]

_MAKER_WORDS = word_set(DATA_DIR / "makers.tsv", "name", classes=("maker", "operator", "operator_noun"))
KNOWN_MAKERS = _MAKER_WORDS["maker"]
_OPERATOR_WORDS, _OPERATOR_NOUNS = _MAKER_WORDS["operator"], _MAKER_WORDS["operator_noun"]

# A model designation: digits with optional letter prefix or suffix (`A380`, `787`, `737s`, `A400M`, `200LR`).
DESIGNATION = re.compile(r"^(?:[A-Z]{1,3}-?)?\d{1,4}[A-Za-z]{0,3}$")
_INNER_CAPITAL = re.compile(r"^[a-z]+[A-Z]")  # `iPhone`, `eReader`
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# Words before a number that make it something other than a product (`Flight 447`, `Terminal 3`).
_NOT_MAKERS = frozenset({"flight", "terminal", "gate", "route", "highway", "interstate", "group", "pier", "runway",
                         "section", "article", "chapter", "resolution", "number", "no", "no.", "room", "platform",
                         "channel", "level", "stage", "phase", "round", "week", "day", "year", "class", "category",
                         "division", "league", "district", "zone", "area", "block", "unit", "building", "hall",
                         "ward", "tower", "bus", "line", "train", "cup", "world", "formula", "game", "mission"})
# Capitalised words that open a headline rather than a maker's name (`First Airbus A380 delivered`).
_NOT_NAME_WORDS = frozenset({"first", "second", "third", "last", "final", "new", "next"})
_MAKER_ENTS = frozenset({"ORG", "PERSON", "PRODUCT", "GPE", "NORP", "FAC", ""})


def numbered_noun(doc: Doc, start: int, end: int) -> bool:
    """`Terminal 3`, `Group C`, `Flight 447`: a capitalised common noun before its number or letter names a
    part of something (or a flight), not an actor."""
    if end - start != 1 or end >= len(doc) or doc[start].lower_ not in _NOT_MAKERS:
        return False
    nxt = doc[end]
    return nxt.like_num or (len(nxt.text) == 1 and nxt.is_upper)


def is_designation(text: str, after: str = "") -> bool:
    """`A380`, `787`, `737s`: a model number (a year is not; a bare number of one or two digits only after a
    product's own name such as `iPhone`)."""
    if not DESIGNATION.match(text) or _YEAR.match(text):
        return False
    return not (text.isdigit() and len(text) < 3) or bool(_INNER_CAPITAL.match(after))


def _designation_end(doc: Doc, i: int) -> int:
    """The end of a designation starting at token ``i``: `777 - 200LR` written without spaces is one."""
    end = i + 1
    while end + 1 < len(doc) and doc[end].text in ("-", "/") and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and DESIGNATION.match(doc[end + 1].text):
        end += 2
    return end


def _maker_start(doc: Doc, i: int) -> int | None:
    """Where the maker's name before token ``i`` starts, or None when the word before is not a maker."""
    if i == 0 or not doc[i - 1].whitespace_ or "\n" in doc[i - 1].whitespace_:
        return None
    prev = doc[i - 1]
    if not (prev.text[:1].isupper() or _INNER_CAPITAL.match(prev.text)) or not prev.is_alpha or prev.lower_ in _NOT_MAKERS or is_role_word(prev) \
            or prev.ent_type_ not in _MAKER_ENTS or (prev.is_sent_start and prev.pos_ != "PROPN"):
        return None
    start = i - 1
    while start > 0 and doc[start].ent_iob_ == "I" and doc[start - 1].is_alpha and doc[start - 1].text[:1].isupper() \
            and doc[start - 1].lower_ not in _NOT_NAME_WORDS:
        start -= 1  # the whole name of the maker (`Northrop Grumman`)
    if start > 0 and doc[start].ent_type_ in ("", "PRODUCT") and doc[start - 1].ent_type_ == "ORG" \
            and doc[start - 1].is_title and doc[start - 1].whitespace_:
        start -= 1  # `Northrop` + `Grumman KC-45`, the recogniser's cut inside the maker's name
        while start > 0 and doc[start].ent_iob_ == "I" and doc[start - 1].is_title:
            start -= 1
    while start > 1 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha and doc[start - 2].text[:1].isupper():
        start -= 2  # `Rolls-Royce Trent 900`
    return start


def _names_product(tok: Token) -> bool:
    """The word after a designation is the model's name (`Dreamliner`, `Worldliner`), not a new name; the
    recogniser may call such a word a person on its own (a one-word entity), never a longer name."""
    lone_person = tok.ent_type_ == "PERSON" and tok.ent_iob_ == "B" and (
        tok.i + 1 >= len(tok.doc) or tok.doc[tok.i + 1].ent_iob_ != "I")
    return (tok.tag_ in ("NNP", "NNPS") or (tok.tag_ == "NN" and tok.is_alpha)) and tok.is_title and not is_role_word(tok) and not tok.is_sent_start \
        and (lone_person or tok.ent_type_ not in ("PERSON", "GPE", "ORG", "DATE", "NORP"))


def is_known_maker(text: str) -> bool:
    """A manufacturer data/makers.tsv lists (`Airbus`, `Rolls-Royce`), spacing and case ignored."""
    return " ".join(text.split()).replace(" - ", "-").casefold() in KNOWN_MAKERS


def _known_maker_end(doc: Doc, start: int, end: int) -> int:
    """Where a known maker's name opening ``doc[start:end]`` ends (`Rolls-Royce` in `Rolls-Royce Trent`),
    or ``end`` when no shorter opening is a known maker."""
    for stop in range(end - 1, start, -1):
        if doc[stop - 1].text != "-" and is_known_maker(doc[start:stop].text):
            return stop
    return end


def operator_names(doc: Doc) -> set[str]:
    """Case keys of the names the article calls an airline or carrier (`German airline Lufthansa`, `the
    low cost airline , Ryanair`, `Qantas , the Australian carrier`): they fly products, they do not make them."""
    out: set[str] = set()
    n = len(doc)
    for tok in doc:
        if tok.lower_ not in _OPERATOR_NOUNS or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        i = tok.i + 1 + (tok.i + 1 < n and doc[tok.i + 1].text == ",")
        end = i
        while end < n and doc[end].text[:1].isupper() and doc[end].is_alpha and "\n" not in doc[end - 1].whitespace_:
            end += 1
        if end > i:
            out.add(doc[i:end].text.casefold())
    return out


def _is_operator(doc: Doc, start: int, end: int, operators: set[str]) -> bool:
    """`Air France`, `Singapore Airlines`, or a name the article calls an airline: not a maker."""
    if is_known_maker(doc[start:end].text):
        return False
    return doc[start:end].text.casefold() in operators or any(t.lower_ in _OPERATOR_WORDS for t in doc[start:end])


def find_products(doc: Doc, taken: list[bool]) -> list[tuple[int, int, int, int]]:
    """``(start, maker_end, designation, end)`` token spans of `Maker [Line] Designation [Name]`, marked taken
    (``maker_end`` is where the maker's name stops, before a model line); products whose designation the
    article also uses alone are found later, by the clusters."""
    out: list[tuple[int, int, int, int]] = []
    operators = operator_names(doc)
    n, i = len(doc), 1
    while i < n:
        tok = doc[i]
        if not is_designation(tok.text, doc[i - 1].text) or taken[i]:
            i += 1
            continue
        start = _maker_start(doc, i)
        end = _designation_end(doc, i)
        if start is None and end < n and len(tok.text) >= 3 and _names_product(doc[end]):
            start = i  # `their new 787 Dreamliner`: the model's own name stands for the maker's
        if start is not None and start < i and _is_operator(doc, start, i, operators):
            start = i  # `Air France A330`: the airline flies it; the product is the A330
        if start is None or any(taken[start:i]):
            i += 1
            continue
        if end < n and _names_product(doc[end]) and "\n" not in doc[end - 1].whitespace_:
            end += 1  # `Boeing 787 Dreamliner`
        out.append((start, _known_maker_end(doc, start, i), i, end))
        for k in range(start, end):
            taken[k] = True
        i = end
    return out
