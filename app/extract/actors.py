"""Actors: people, organisations, countries, groups and places, one actor per entity within an article.

The component sets ``doc._.dl_actors`` (``records.Actor`` with aliases, titles and mentions) and
``doc._.dl_actor_spans`` (sorted ``(start, end, actor_id)`` character spans).  Actor ids are slugs of
the canonical name, so the same name gives the same id in every article.  ``actor_at`` and
``person_before`` let the quote and event components look actors up by position.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from app.extract.actors_core import extract
from app.extract.actors_lexicon import Lexicon, lexicon, slugify

__all__ = ["ActorFinder", "actor_at", "person_before", "slugify"]


class ActorFinder:
    """The pipeline component; holds the loaded lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex

    def __call__(self, doc: Doc) -> Doc:
        doc._.dl_actors, doc._.dl_actor_spans = extract(doc, self.lex)
        return doc


@Language.factory(
    "dateline_actors_v1",
    requires=["doc.ents", "token.dep", "token.pos"],
    assigns=["doc._.dl_actors", "doc._.dl_actor_spans"],
)
def make_actor_finder(nlp: Language, name: str) -> ActorFinder:
    return ActorFinder(lexicon())


def actor_at(doc: Doc, start: int, end: int) -> str | None:
    """The id of the actor whose mention overlaps the character span [start, end) the most."""
    best, best_overlap = None, 0
    for s, e, actor_id in doc._.dl_actor_spans or []:
        if s >= end:
            break
        overlap = min(e, end) - max(s, start)
        if overlap > best_overlap:
            best, best_overlap = actor_id, overlap
    return best


def person_before(doc: Doc, char_pos: int) -> str | None:
    """The person actor mentioned most recently before ``char_pos`` (for resolving `he` / `she`)."""
    spans = doc._.dl_actor_spans or []
    people = {a.id for a in doc._.dl_actors or [] if a.kind == "person"}
    i = bisect_left(spans, (char_pos, -1, "")) - 1
    while i >= 0:
        _s, e, actor_id = spans[i]
        if e <= char_pos and actor_id in people:
            return actor_id
        i -= 1
    return None
