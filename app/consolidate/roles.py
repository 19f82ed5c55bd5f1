"""Roles held in time: who the articles say held `US President` when, and who `the US President` is in each.

Store records each person's roles with the first and last publication dates of the articles that give
them (``record_roles``). A role named without its holder (a role actor, ``Actor.role``) is resolved per
article (``resolve_roles``) to the holder at that article's date: the one person seen holding it on a range
containing the date, or else the person seen holding it last before the date, when that sighting is at most
``ROLE_CARRY_DAYS`` old (a holder is presumed to stay until the articles show another). Nobody seen, two
holders at once, or a date before the role's first holder: the corpus does not settle it, and the role
actor stays the speaker and source. A later article that settles it resolves the waiting ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import insert_missing, one_of
from app.models import Actor, ActorRole, Article, Event, EventTarget, Mention, Quote

__all__ = ["ROLE_CARRY_DAYS", "article_roles", "holder_at", "record_roles", "resolve_roles"]

ROLE_CARRY_DAYS = 1461  # four years: a holder last seen longer ago than a usual term is not presumed to hold on


def record_roles(session: Session, article: Article, records: Sequence[Any], actor_ids: dict[str, int]) -> None:
    """Extend each person's roles (``records[i].roles``) to this article's date (nothing without a date)."""
    day = article.published
    wanted = {(actor_ids[a.id], r.role): r.title for a in records for r in getattr(a, "roles", ()) or ()
              if a.id in actor_ids}
    if day is None or not wanted:
        return
    def held(actors: set[int]) -> dict[tuple[int, str], ActorRole]:
        return {(r.actor_id, r.role): r for r in session.scalars(select(ActorRole).where(one_of(session, ActorRole.actor_id, actors)))}

    known = held({k[0] for k in wanted})
    missing = [key for key in wanted if key not in known]
    if missing:  # one another writer records meanwhile is skipped by the insert and widened below
        insert_missing(session, ActorRole, [{"actor_id": actor_id, "role": role, "title": wanted[actor_id, role][:300],
                                             "first_day": day, "last_day": day} for actor_id, role in missing],
                       ["actor_id", "role"])
        known |= held({actor_id for actor_id, _ in missing})
    for key in wanted:
        row = known[key]
        row.first_day, row.last_day = min(row.first_day, day), max(row.last_day, day)
    session.flush()


def _root(session: Session, actor_id: int) -> int:
    actor = session.get(Actor, actor_id)
    return actor.merged_into_id if actor is not None and actor.merged_into_id else actor_id


def holder_at(session: Session, role: str, day: dt.date) -> ActorRole | None:
    """The role's holder at ``day`` as the corpus shows it (see the module docstring), or None if unsettled."""
    rows = list(session.scalars(select(ActorRole).where(ActorRole.role == role)))
    holding = {_root(session, r.actor_id): r for r in rows if r.first_day <= day <= r.last_day}
    if holding:
        return next(iter(holding.values())) if len(holding) == 1 else None
    before = [r for r in rows if r.last_day < day]
    if not before:
        return None
    latest = max(before, key=lambda r: (r.last_day, -r.id))
    return latest if (day - latest.last_day).days <= ROLE_CARRY_DAYS else None


def article_roles(session: Session, ids: Sequence[int]) -> set[str]:
    """The roles an article's actors hold or stand for: the ones its storing may have settled."""
    held = session.scalars(select(ActorRole.role).where(one_of(session, ActorRole.actor_id, ids)))
    named = session.scalars(select(Actor.role).where(one_of(session, Actor.id, ids), Actor.role.is_not(None)))
    return {r for r in [*held, *named] if r}


def resolve_roles(session: Session, roles: Iterable[str]) -> int:
    """Resolve every article still waiting on one of ``roles`` whose date the corpus now settles; returns
    how many articles were resolved. Mentions, quotes and events of the role actor move to the holder."""
    roles = sorted(set(roles))
    if not roles:
        return 0
    role_actors = list(session.scalars(select(Actor).where(one_of(session, Actor.role, roles))))
    if not role_actors:
        return 0
    by_id = {a.id: a for a in role_actors}
    waiting = session.execute(
        select(Mention.actor_id, Article.id, Article.published).join(Article, Article.id == Mention.article_id)
        .where(one_of(session, Mention.actor_id, by_id)).distinct().order_by(Article.published, Article.id)).all()
    session.flush()
    resolved = 0
    for role_actor_id, article_id, day in waiting:
        role = by_id[role_actor_id].role
        holder = holder_at(session, role, day) if day is not None and role else None
        if holder is None or day is None:
            continue
        _move(session, article_id, role_actor_id, _root(session, holder.actor_id))
        holder.first_day, holder.last_day = min(holder.first_day, day), max(holder.last_day, day)
        resolved += 1
    session.flush()
    return resolved


def _move(session: Session, article_id: int, old: int, new: int) -> None:
    """The role actor's mentions, quotes and events in one article become the holder's."""
    session.execute(update(Mention).where(Mention.article_id == article_id, Mention.actor_id == old)
                    .values(actor_id=new))
    session.execute(update(Quote).where(Quote.article_id == article_id, Quote.speaker_actor_id == old)
                    .values(speaker_actor_id=new))
    session.execute(update(Event).where(Event.article_id == article_id, Event.source_actor_id == old)
                    .values(source_actor_id=new))
    session.execute(update(Event).where(Event.article_id == article_id, Event.reported_by_id == old)
                    .values(reported_by_id=new))
    for target in session.scalars(select(EventTarget).join(Event, Event.id == EventTarget.event_id)
                                  .where(Event.article_id == article_id, EventTarget.actor_id == old)):
        has_new = session.get(EventTarget, (target.event_id, new)) is not None
        session.delete(target)
        if not has_new:
            session.add(EventTarget(event_id=target.event_id, actor_id=new))
