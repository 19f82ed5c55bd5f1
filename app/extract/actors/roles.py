"""Roles: a title with the country or organisation it belongs to (`US President`, `Ryanair CEO`).

``canonical_role`` turns a title into one key every spelling shares (`US President`, `U.S. President`,
`President of the United States` -> `United States president`). A person's titles give the person's roles
(``Actor.roles``). A role named without a holder (`the US President told reporters`) is a mention of the
person in the article who holds that role; when the article names no such person it is an actor of its
own (kind `role`, ``Actor.role`` set), which consolidation resolves to the holder at the article's date.
"""

from __future__ import annotations

from spacy.tokens import Doc

from app.extract.actors.lexicon import Lexicon
from app.extract.actors.titles import ROLE_WORDS, is_role_word
from app.extract.records import Actor, Mention, Role
from app.keys import actor_slug

__all__ = ["canonical_role", "find_role_references"]

_ARTICLES = frozenset({"the", "a", "an"})
_LINKS = frozenset({"of", "the", "for", "and", "-"})


def _qualifier(words: list[str], lex: Lexicon) -> str | None:
    """The canonical name of the country or organisation in ``words`` (`US` -> `United States`)."""
    text = " ".join(words).strip()
    if not text or not all(w[:1].isupper() or w == "&" for w in words):
        return None
    entry = lex.lookup(text)
    return entry.name if entry is not None else text


def canonical_role(title: str, lex: Lexicon) -> str | None:
    """`US President` -> `United States president`; None when the title names no country or organisation."""
    words = [w.strip(",") for w in title.split() if w.strip(",")]
    if words and words[0].lower() in _ARTICLES:
        words = words[1:]
    lower = [w.lower() for w in words]
    if "of" in lower:  # `President of the United States`, `Chief Executive of Ryanair`
        k = lower.index("of")
        head, tail = lower[:k], words[k + 1:]
        if tail and tail[0].lower() == "the":
            tail = tail[1:]
        qual = _qualifier(tail, lex) if head and all(_role_part(w) for w in head) else None
        return f"{qual} {' '.join(head)}" if qual else None
    k = 0
    while k < len(words) and not _role_part(lower[k]):
        k += 1
    head = lower[k:]
    if not k or not head or not all(_role_part(w) or w in _LINKS for w in head) \
            or not any(w in ROLE_WORDS or w.rstrip("s") in ROLE_WORDS for w in head):
        return None
    qual = _qualifier(words[:k], lex)
    return f"{qual} {' '.join(head)}" if qual else None


def _role_part(word: str) -> bool:
    """A word a role's own name is made of: a role noun or a lower-case modifier (`foreign minister`)."""
    return word in ROLE_WORDS or word.rstrip("s") in ROLE_WORDS or word in ("vice", "prime", "foreign", "defence",
                                                                           "defense", "chief", "executive",
                                                                           "deputy", "general", "state")


def find_role_references(doc: Doc, lex: Lexicon, actors: list[Actor],
                         spans: list[tuple[int, int, str]]) -> None:
    """`the US President said`: each role named without a holder becomes a mention of the article's person
    holding it, or of a role actor (``Actor.role``) when the article names none.  Updates both lists."""
    holders: dict[str, Actor] = {}
    for actor in actors:
        if actor.kind == "person":
            for title in actor.titles:
                role = canonical_role(title, lex)
                if role is not None and all(r.role != role for r in actor.roles):
                    actor.roles.append(Role(role, title))
                    holders.setdefault(role, actor)
    taken = {(s, e) for s, e, _ in spans}
    original = doc._.dl_original if doc._.dl_original is not None else doc.text
    for i, tok in enumerate(doc):
        if tok.lower_ != "the" or i + 2 >= len(doc):
            continue
        end = i + 1
        while end < len(doc) and end - i <= 5 and (doc[end].text[:1].isupper() or doc[end].text in (".", "&")) \
                and not is_role_word(doc[end]):
            end += 1
        if end == i + 1 or end >= len(doc) or not is_role_word(doc[end]) or doc[end].lower_ not in ROLE_WORDS:
            continue
        nxt = doc[end + 1] if end + 1 < len(doc) else None
        if nxt is not None and (nxt.pos_ == "PROPN" or nxt.text in ("'s", "’s") or is_role_word(nxt)):
            continue  # `the US President Barack Obama`: the name follows; `the US President's office`
        start_char, end_char = doc[i + 1].idx, doc[end].idx + len(doc[end])
        text = original[start_char:end_char]
        role = canonical_role(text, lex)
        if role is None or (start_char, end_char) in taken:
            continue
        actor = holders.get(role) or _role_actor(actors, role, text)
        actor.mentions.append(Mention(start_char, end_char, text))
        actor.mentions.sort(key=lambda m: m.start)
        spans.append((start_char, end_char, actor.id))
    spans.sort()


def _role_actor(actors: list[Actor], role: str, text: str) -> Actor:
    """The article's actor standing for ``role`` while nobody is named as holding it."""
    for actor in actors:
        if actor.role == role:
            return actor
    name = " ".join(text.split())
    actor = Actor(id=actor_slug(name), name=name, kind="role", role=role)
    if any(a.id == actor.id for a in actors):
        actor.id = actor_slug(f"{name} role")
    actors.append(actor)
    return actor
