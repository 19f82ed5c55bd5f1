"""Actors: people, organisations, countries, groups and places, one actor per entity within an article.

The component ``dateline_actors_v1`` (factory.py) finds candidate mentions (mentions.py), joins them
into actors (clusters.py), gives people their titles (titles.py) using the alias table and pycountry
(lexicon.py), and sets ``doc._.dl_actors`` (``records.Actor`` with aliases, titles and mentions),
``doc._.dl_actor_spans`` (sorted ``(start, end, actor_id)`` character spans) and ``doc._.dl_actor_index``
(an ``ActorIndex`` over both, index.py).  Actor ids are ``app.keys.actor_slug`` of the canonical name,
so the same name gives the same id in every article.
"""

from __future__ import annotations

from spacy.tokens import Doc

from app.extract.actors.factory import ActorFinder
from app.extract.actors.index import ActorIndex
from app.extract.actors.lexicon import Entry, Lexicon, lexicon, read_table, slugify

__all__ = ["ActorFinder", "ActorIndex", "Entry", "Lexicon", "actor_at", "actor_index", "lexicon", "person_before",
           "read_table", "slugify"]


def actor_index(doc: Doc) -> ActorIndex:
    """The doc's ActorIndex (set by the component; built from ``dl_actors``/``dl_actor_spans`` if absent)."""
    index = doc._.dl_actor_index
    if index is None:
        index = ActorIndex(doc._.dl_actors or [], doc._.dl_actor_spans or [])
    return index


def actor_at(doc: Doc, start: int, end: int) -> str | None:
    """The id of the actor whose mention overlaps the character span [start, end) the most."""
    return actor_index(doc).at(start, end)


def person_before(doc: Doc, char_pos: int) -> str | None:
    """The person actor mentioned most recently before ``char_pos`` (for resolving `he` / `she`)."""
    return actor_index(doc).person_before(char_pos)
