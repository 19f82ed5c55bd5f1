"""Titles and roles around a person's name: `Russian President Vladimir Putin`, `Andrew Lohsen, a fellow ...`.

Role words are kept out of names (`President Putin` is the person `Putin` with the title `President`),
and the words in front of a name or in an appositive after it become the person's titles.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from app.extract.actors.lexicon import DATA_DIR
from app.extract.lexicon import word_set

_WORDS = word_set(DATA_DIR / "titles.tsv", classes=("role", "honorific"))
# Head nouns of roles: a run of words before a name counts as a title only if it contains one.
ROLE_WORDS = _WORDS["role"]
# Honorifics: dropped from names, never kept as titles.
HONORIFICS = _WORDS["honorific"]
_POSSESSIVE = frozenset({"'s", "’s"})
_TITLE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case", "punct", "nummod", "cc", "conj"})
_STOP_TITLE = frozenset({"DET", "VERB", "AUX", "PRON", "ADP", "SCONJ", "CCONJ", "PART", "NUM", "ADV", "INTJ"})
_CUT = re.compile(r"\s*[(\[\"“”;:]|\s+(?:who|which|whose|said|says)\b|\s+[—–-]\s")


def is_role_word(token: Token) -> bool:
    """A role's head noun, singular or plural (`minister`, `officials`): what makes words a title."""
    return token.lower_ in ROLE_WORDS or token.lower_.rstrip("s") in ROLE_WORDS


def titles_of(doc: Doc, start: int, end: int, max_appos_tokens: int) -> list[str]:
    """Every title the text gives the name at tokens [start, end): before it, or in apposition either side."""
    out = []
    before = title_before(doc, start, end)
    if before is not None:
        out.append(before.text)
    for appos in (appositive_title(doc, start, end, max_appos_tokens),
                  title_appositive_before(doc, start, end, max_appos_tokens)):
        if appos:
            out.append(appos)
    return out


def strip_leading_titles(doc: Doc, start: int, end: int) -> tuple[int, str | None]:
    """Move the start of a person span past role words and honorifics; return (new start, title)."""
    last = None
    for i in range(start, end - 1):
        if is_role_word(doc[i]) or doc[i].lower_ in HONORIFICS:
            last = i
    if last is None:
        return start, None
    new_start = last + 1
    while new_start < end and (doc[new_start].is_punct or doc[new_start].is_lower):
        new_start += 1
    if new_start >= end:
        return start, None
    words = [t for t in doc[start:last + 1] if t.lower_ not in HONORIFICS]
    title = doc[words[0].i:words[-1].i + 1].text if words and any(is_role_word(t) for t in words) else None
    return new_start, title


def title_before(doc: Doc, start: int, end: int) -> Span | None:
    """The modifiers right before a name, with a role word (`White House national security adviser`)."""
    i = start - 1
    members: set[int] = set(range(start, end))
    first = start
    while i >= 0:
        tok = doc[i]
        if tok.lower_ == "of" and i > 0 and is_role_word(doc[i - 1]) and i + 1 < start:
            members.add(i)  # `Secretary of State`, `Chief of Staff`
            first = i
            i -= 1
            continue
        if tok.text in _POSSESSIVE and i > 0 and doc[i - 1].pos_ == "PROPN" and i + 1 < start:
            members.add(i)  # `Ukraine's President`
            first = i
            i -= 1
            continue
        if tok.is_space or tok.pos_ in _STOP_TITLE or tok.is_punct or "\n" in tok.whitespace_:
            break
        if tok.lower_ in HONORIFICS:
            break
        attached = tok.head.i in members or any(t.i in members for t in tok.children) \
            or tok.dep_ in _TITLE_DEPS or (i >= 2 and doc[i - 1].lower_ == "of" and is_role_word(doc[i - 2])) \
            or (tok.ent_type_ in ("GPE", "NORP", "ORG") and i + 1 == first and is_role_word(doc[first]))
        # (the last: `US President Donald Trump` where the parser cut `US` off as a sentence of its own)
        if not attached:
            break
        members.add(i)
        first = i
        i -= 1
    if first == start:
        return None
    span = doc[first:start]
    # A title must contain a role word; drop leading words that are not part of it (`Sunday`, `'s`).
    if not any(is_role_word(t) for t in span):
        return None
    while len(span) and span[0].is_punct:
        span = doc[span.start + 1:span.end]
    return span if len(span) else None


def appositive_title(doc: Doc, start: int, end: int, max_tokens: int) -> str | None:
    """`Andrew Lohsen, a fellow in the Europe, Russia and Eurasia Program at the Center ... (CSIS)`."""
    head = doc[end - 1]
    if end < len(doc) and doc[end].text != ",":
        return None
    for child in head.children:
        if child.dep_ != "appos" or child.i < end:
            continue
        if child.pos_ == "PROPN" and child.ent_type_ in ("PERSON", "GPE"):
            return None
        left = child.left_edge.i
        right = child.right_edge.i
        if left <= end or left > end + 2:
            left = end + 1
        right = min(right, left + max_tokens - 1)
        # stop at the sentence's end or a newline
        for k in range(left, right + 1):
            if "\n" in doc[k].whitespace_ or "\n" in doc[k].text:
                right = k
                break
        text = doc[left:right + 1].text
        text = _CUT.split(text, maxsplit=1)[0]
        text = text.strip(" ,.;:—–-")
        words = [w.lower().strip(",.") for w in text.split()]
        if len(words) < 2 or not any(w in ROLE_WORDS or w.rstrip("s") in ROLE_WORDS for w in words):
            return None
        return text
    return None


def title_appositive_before(doc: Doc, start: int, end: int, max_tokens: int) -> str | None:
    """`The WHO director-general, Tedros Adhanom Ghebreyesus, ...`: the name is in apposition to a role."""
    head = doc[end - 1]
    role = head.head
    if head.dep_ != "appos" or role.i >= start or start < 2 or doc[start - 1].text != "," \
            or not is_role_word(role):
        return None
    left = role.left_edge.i
    if start - 1 - left > max_tokens or left >= start - 1:
        return None
    if any("\n" in t.whitespace_ for t in doc[left:start - 1]):
        return None
    text = doc[left:start - 1].text
    text = _CUT.split(text, maxsplit=1)[0].strip(" ,.;:—–-")
    return text if len(text.split()) >= 2 else None
