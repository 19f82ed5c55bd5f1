"""An actor's consolidated timeline: the events it takes part in, in date order, with every source.

An actor takes part in an event when it is the event's source or target, or when one of the event's
evidence sentences names it (the extractor may miss an actor the sentence plainly mentions). A name that
no actor carries (a product such as 'Boeing 777') is looked up in the evidence sentences themselves.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.consolidate.text import STOPWORDS, date_string
from app.keys import normalise_alias
from app.models import Actor, Alias, Article, Event, EventSource, EventTarget, Mention


@dataclass(slots=True)
class TimelineSource:
    article: str
    start: int
    end: int
    sentence: str


@dataclass(slots=True)
class TimelineEvent:
    id: int
    date: str | None
    type: str | None
    summary: str
    actors: list[str]
    sources: list[TimelineSource] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve_actor_ids(session: Session, name: str) -> set[int]:
    """Every actor row standing for NAME: canonical name or alias, case-insensitive, with merged ones."""
    key = normalise_alias(name)
    if not key:
        return set()
    found = set(session.scalars(select(Alias.actor_id).where(Alias.normalized == key)))
    found |= set(session.scalars(select(Actor.id).where(func.lower(Actor.name) == name.strip().lower())))
    if not found:
        return set()
    roots = {r if r is not None else a for a, r in session.execute(
        select(Actor.id, Actor.merged_into_id).where(Actor.id.in_(found)))}
    members = set(roots) | set(session.scalars(select(Actor.id).where(Actor.merged_into_id.in_(roots))))
    return members


_PRODUCT_AFTER = re.compile(r"^(?: 's)? (?:[A-Z]{1,4}-?\d{2,4}|\d{3}(?!\d))")


def _names_a_product(after: str) -> bool:
    """'Airbus A380', 'Boeing 's 787': the maker's name is part of a product's name, not an actor at work."""
    return bool(_PRODUCT_AFTER.match(after))


def _name_pattern(session: Session, name: str) -> re.Pattern[str] | None:
    """Words of a name no actor carries: the full name, or its distinctive words ('777', 'Dreamliner')."""
    tokens = [t for t in name.split() if t.lower() not in STOPWORDS]
    known = set(session.scalars(select(Alias.normalized).where(Alias.normalized.in_([t.lower() for t in tokens]))))
    distinctive = [t for t in tokens if t.lower() not in known and (len(t) >= 3 or any(c.isdigit() for c in t))]
    parts = [re.escape(name.strip())] + ([re.escape(t) for t in distinctive] if len(tokens) > 1 else [])
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?:s|'s)?(?!\w)", re.IGNORECASE)


def actor_timeline(session: Session, name: str) -> list[TimelineEvent]:
    """The consolidated events NAME takes part in, oldest first; undated ones last."""
    ids = resolve_actor_ids(session, name)
    event_ids: set[int] = set()
    if ids:
        event_ids |= set(session.scalars(select(Event.id).where(or_(
            Event.source_actor_id.in_(ids),
            Event.id.in_(select(EventTarget.event_id).where(EventTarget.actor_id.in_(ids)))))))
        rows = session.execute(
            select(EventSource.event_id, EventSource.start, EventSource.sentence, Mention.end).join(Mention, and_(
                Mention.article_id == EventSource.article_id,
                Mention.start >= EventSource.start,
                Mention.end <= EventSource.end,
            )).where(Mention.actor_id.in_(ids))
        ).all()
        event_ids |= {e for e, start, sentence, end in rows if not _names_a_product(sentence[end - start:])}
    else:
        pattern = _name_pattern(session, name)
        if pattern is not None:
            words = [w for w in re.findall(r"\w+", name) if w.lower() not in STOPWORDS] or [name]
            like = or_(*(func.lower(EventSource.sentence).contains(w.lower()) for w in words))
            for event_id, sentence in session.execute(select(EventSource.event_id, EventSource.sentence).where(like)):
                if pattern.search(sentence):
                    event_ids.add(event_id)
    if not event_ids:
        return []
    # sources sit on the surviving event; follow merges so a merged event shows as its survivor
    rows = session.execute(select(Event.id, Event.merged_into_id).where(Event.id.in_(event_ids))).all()
    roots = {m if m is not None else e for e, m in rows}
    if ids:
        canonical = session.scalars(select(Actor.name).where(Actor.id.in_(ids), Actor.merged_into_id.is_(None))).all()
    else:
        canonical = [name.strip()]
    events = session.scalars(
        select(Event).where(Event.id.in_(roots), Event.removed_at.is_(None), Event.merged_into_id.is_(None))
    ).all()
    out = []
    for event in events:
        sources = session.execute(
            select(EventSource, Article.external_id, Article.id).join(Article, EventSource.article_id == Article.id)
            .where(EventSource.event_id == event.id).order_by(Article.published, Article.id, EventSource.start)
        ).all()
        actor_ids = [event.source_actor_id] + [t.actor_id for t in event.targets]
        names = list(dict.fromkeys([*canonical, *session.scalars(
            select(Actor.name).where(Actor.id.in_([a for a in actor_ids if a])).order_by(Actor.name))]))
        out.append(TimelineEvent(
            id=event.id,
            date=date_string(event.date_value, event.first_day),
            type=event.type,
            summary=event.summary,
            actors=names,
            sources=[TimelineSource(article=ext or str(aid), start=s.start, end=s.end, sentence=s.sentence)
                     for s, ext, aid in sources],
        ))
    out.sort(key=lambda e: (e.date is None, e.date or "", e.id))
    return out
