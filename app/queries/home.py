"""The front page: recent events, the most active actors lately, newest quotes and articles, corpus numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from app.models import Actor, Article, Event, EventTarget, Quote, Source, live
from app.queries import counters
from app.queries.cache import cached
from app.queries.common import actor_ref, date_label, event_rows, live_events, newest_rows
from app.queries.counts import corpus_counts
from app.queries.events import quote_ref


def home_page(session: Session) -> dict[str, Any]:
    latest_day = counters.latest_day(session)  # one step down the day counters' key
    recent = list(session.scalars(live_events().where(Event.first_day.is_not(None))
                                  .order_by(Event.first_day.desc(), Event.id.desc()).limit(12)))
    active = cached(session, ("home-active", latest_day), lambda: _active_actors(session, latest_day))
    quotes = session.execute(
        select(Quote, Actor).outerjoin(Actor, Actor.id == Quote.speaker_actor_id)
        .where(live(Quote), Quote.date.is_not(None))
        .order_by(Quote.date.desc(), Quote.id.desc()).limit(6)).all()
    articles = newest_rows(session, select(Article.id, Article.title, Article.published, Source.name)
                           .outerjoin(Source, Source.id == Article.source_id), Article.published, Article.id, 12)
    counts = cached(session, "home-counts", lambda: corpus_counts(session))
    return {
        "total": counts["articles"], "counts": counts, "latest_day": latest_day,
        "recent_events": event_rows(session, recent), "active_actors": active,
        "quotes": [quote_ref(q, a) for q, a in quotes],
        "articles": [{"id": i, "title": t or f"Article {i}", "published": p, "source": s,
                      "published_label": date_label(p, p, "day") if p else None} for i, t, p, s in articles],
    }


def _active_actors(session: Session, latest_day: dt.date | None) -> list[dict[str, Any]]:
    """Who took part in most events in the 30 days up to the newest event."""
    if latest_day is None:
        return []
    since = latest_day - dt.timedelta(days=30)
    window = select(Event.id).where(Event.first_day >= since, live(Event)).subquery()
    parts = union_all(
        select(Event.source_actor_id.label("a")).where(Event.id.in_(select(window.c.id))),
        select(EventTarget.actor_id.label("a")).where(EventTarget.event_id.in_(select(window.c.id))),
    ).subquery()
    return [{**actor_ref(a), "events": n} for a, n in session.execute(
        select(Actor, func.count()).join(parts, parts.c.a == Actor.id).group_by(Actor.id)
        .order_by(func.count().desc(), Actor.name).limit(10))]
