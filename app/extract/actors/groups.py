"""Nominal group actors: `US officials said`, `NATO diplomats warned`, `analysts said`, `protesters gathered`.

A plural noun of data/group_nouns.tsv that is a clause's subject (or the agent of a passive) names a body
of people the reader understands as one source. It becomes an actor of kind ``group`` tied to the country
or organisation the phrase names (`US officials` -> `United States officials`, parent United States;
`officials of NATO` -> `NATO officials`); without one it keeps its capitalised modifiers (`Western
diplomats`) or is the bare noun (`analysts`). Its slug is that name's, so every article's `US officials`
is one actor. The parent rides in ``Actor.maker`` (stored as the product-to-maker link, here group to
parent), so the parent's page lists its groups.

The phrase is a span of the actor index, so quotes find the group as their speaker, and events find a
group without a parent (`analysts`) as their source; an event of a group with a parent is the parent's
(the index's token map leaves such phrases out), as event coders give `Russian troops`. The phrase is no
mention of the record: a common noun phrase is not a name, and the names in it (`US`) stay mentions of
their own actors.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.extract.actors.lexicon import DATA_DIR
from app.extract.lexicon import word_set
from app.extract.records import Actor
from app.keys import actor_slug

__all__ = ["GROUP_NOUNS", "find_groups"]

_WORDS = word_set(DATA_DIR / "group_nouns.tsv", classes=("group", "bloc"))
GROUP_NOUNS, _BLOCS = _WORDS["group"], _WORDS["bloc"]
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_MODIFIERS = frozenset({"compound", "amod", "nmod", "poss", "nummod", "det", "quantmod", "advmod"})
_PARENT_KINDS = frozenset({"country", "organization", "place"})
_OF = frozenset({"of", "from", "at", "in"})


def _is_group_head(tok: Token) -> bool:
    if tok.lower_ not in GROUP_NOUNS or tok.tag_ not in ("NNS", "NNPS", "NN"):
        return False
    if tok.dep_ in _SUBJECTS:
        return True
    return tok.dep_ == "pobj" and tok.head.dep_ == "agent"  # `was criticised by analysts`


def _left_edge(tok: Token) -> int:
    """The first token of the head's own modifiers (`senior US defence officials`)."""
    start = tok.i
    for child in tok.lefts:
        if child.dep_ in _MODIFIERS:
            start = min(start, child.left_edge.i)
    return start


def _parent(doc: Doc, start: int, head: Token, actor_at: dict[int, Actor]) -> tuple[Actor | None, str]:
    """The country or organisation the phrase names and the name the group takes from it (always the
    canonical one, so `Chinese officials` and `officials from China` are one group of one slug): among the
    phrase's modifiers (nearest the head first), else in an of/from-phrase right after the head."""
    for i in range(head.i - 1, start - 1, -1):
        actor = actor_at.get(i)
        if actor is not None and actor.kind in _PARENT_KINDS:
            return actor, actor.name
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in _OF:
            for obj in child.children:
                actor = actor_at.get(obj.i)
                if obj.dep_ == "pobj" and actor is not None and actor.kind in _PARENT_KINDS:
                    return actor, actor.name
    return None, ""


def _token_actors(doc: Doc, actors: list[Actor], spans: list[tuple[int, int, str]]) -> dict[int, Actor]:
    by_id = {a.id: a for a in actors}
    out: dict[int, Actor] = {}
    for s, e, aid in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None and aid in by_id:
            for tok in span:
                out.setdefault(tok.i, by_id[aid])
    return out


def _name(doc: Doc, start: int, head: Token, called: str) -> str:
    noun = head.lower_
    if called:
        return f"{called} {noun}"
    caps = [t.text for t in doc[start:head.i] if t.dep_ in ("amod", "compound") and t.is_title
            and (t.lower_ in _BLOCS or not t.is_sent_start)]
    return " ".join([*caps, noun])


def find_groups(doc: Doc, actors: list[Actor],
                spans: list[tuple[int, int, str]]) -> tuple[list[Actor], list[tuple[int, int, str]]]:
    """The group actors of the doc (new ones only) and their phrase spans ``(start, end, actor_id)``."""
    actor_at = _token_actors(doc, actors, spans)
    known = {a.id for a in actors}
    groups: dict[str, Actor] = {}
    out_spans: list[tuple[int, int, str]] = []
    for tok in doc:
        if tok.i in actor_at or not _is_group_head(tok):
            continue
        start = _left_edge(tok)
        while start < tok.i and (doc[start].is_punct or doc[start].like_num
                                 or doc[start].dep_ in ("det", "nummod", "quantmod", "advmod")):
            start += 1  # `nearly 14,000 employees` are `employees`
        parent, called = _parent(doc, start, tok, actor_at)
        name = _name(doc, start, tok, called)
        slug = actor_slug(name)
        if not slug or slug in known:
            continue
        group = groups.get(slug)
        if group is None:
            group = groups[slug] = Actor(id=slug, name=name, kind="group",
                                         maker=parent.id if parent is not None else None)
        text = doc[start:tok.i + 1].text
        if tok.i > start and text != group.name and text not in group.aliases:  # never the bare noun
            group.aliases.append(text)
        out_spans.append((doc[start].idx, tok.idx + len(tok.text), slug))
    return list(groups.values()), out_spans
