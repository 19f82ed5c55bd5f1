"""Facet counts beside the timeline's filters: how many of the matching events have each type, actor, outlet and
start month (or year), each counted by the rule the filter it links to applies, so a link shows what it says."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import String, func, select, type_coerce, union_all
from sqlalchemy.orm import Session

from app.models import Actor, Article, Event, EventSource, EventTarget, Source
from app.queries.cache import cached
from app.queries.common import MONTHS
from app.queries.timeline import TimelineFilters, filtered_events, resolve_actors
from app.vocab import PLOVER_LABELS

TOP = 8  # values shown per facet
MONTHS_SHOWN = 18  # more distinct months than this and the 'when' facet counts years instead


def timeline_facets(session: Session, f: TimelineFilters) -> dict[str, list[dict[str, Any]]]:
    """The facets of a timeline filter, cached like the other aggregates (see facets)."""
    actors = resolve_actors(session, f.actor) if f.actor else []
    return cached(session, ("facets", repr(f)), lambda: facets(session, f, actors))


def facets(session: Session, f: TimelineFilters, actors: list[Actor]) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values, most events first (the 'when' facet newest first), each with its count and the
    filter values that select it: ``{"type": "CONSULT"}``, ``{"actor": "russia"}``, ``{"since": …, "until": …}``.

    Four GROUP BYs over the filter's ids (the live partial indexes serve the unfiltered case); no event row is
    read into Python. An actor counts an event it is the source or a target of, as the actor filter does; an
    outlet counts an event any of whose reports it published, as the source filter does.
    """
    ids = filtered_events(session, f, actors).with_only_columns(Event.id).subquery()
    in_view = Event.id.in_(select(ids.c.id))
    by_type = session.execute(select(Event.type, func.count()).where(in_view).group_by(Event.type)
                              .order_by(func.count().desc()).limit(TOP + 1)).all()
    types = [{"value": t or "untyped", "label": PLOVER_LABELS.get(t, t.title()) if t else "Unclassified",
              "count": n, "params": {"type": t or "untyped"}} for t, n in by_type if (t or "untyped") != f.type]
    both = union_all(select(Event.source_actor_id.label("a")).where(in_view, Event.source_actor_id.is_not(None)),
                     select(EventTarget.actor_id.label("a")).where(EventTarget.event_id.in_(select(ids.c.id)))
                     ).subquery()
    by_actor = session.execute(select(Actor.slug, Actor.name, func.count()).join(both, both.c.a == Actor.id)
                               .group_by(Actor.id, Actor.slug, Actor.name)
                               .order_by(func.count().desc(), Actor.name).limit(TOP + len(actors))).all()
    selected_order = [a.slug for a in actors]
    selected = set(selected_order)
    actor_values = [{"value": slug, "label": name, "count": n, "params": {"actor": [*selected_order, slug]}}
                    for slug, name, n in by_actor if slug not in selected][:TOP]
    by_source = session.execute(
        select(Source.name, func.count(func.distinct(EventSource.event_id)))
        .join(Article, Article.id == EventSource.article_id).join(Source, Source.id == Article.source_id)
        .where(EventSource.event_id.in_(select(ids.c.id))).group_by(Source.name)
        .order_by(func.count(func.distinct(EventSource.event_id)).desc()).limit(TOP + 1)).all()
    sources = [{"value": name, "label": name, "count": n, "params": {"source": name}}
               for name, n in by_source if name != f.source]
    return {"type": types[:TOP], "actor": actor_values, "source": sources[:TOP], "when": _when(session, ids)}


def _when(session: Session, ids: Any) -> list[dict[str, Any]]:
    """Events per month they start in (per year when they span more than MONTHS_SHOWN months), newest first.

    Grouped by day in SQL (ISO text on SQLite: no date parsing per row), folded into months here: the
    loop runs over distinct days, not events.
    """
    day = type_coerce(Event.first_day, String).label("d")
    days = select(day).where(Event.id.in_(select(ids.c.id))).subquery()
    per_month: Counter[tuple[int, int]] = Counter()
    for row in session.execute(select(days.c.d, func.count()).group_by(days.c.d)):
        d, n = row[0], int(row[1])
        when = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])
        per_month[(when.year, when.month)] += n
    if len(per_month) > MONTHS_SHOWN:
        per_year: Counter[int] = Counter()
        for (year, _), n in per_month.items():
            per_year[year] += n
        return [{"value": str(y), "label": str(y), "count": n,
                 "params": {"since": f"{y:04d}-01-01", "until": f"{y:04d}-12-31"}}
                for y, n in sorted(per_year.items(), reverse=True)][:MONTHS_SHOWN]
    out = []
    for (y, m), n in sorted(per_month.items(), reverse=True):
        end = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        out.append({"value": f"{y:04d}-{m:02d}", "label": f"{MONTHS[m - 1]} {y}", "count": n,
                    "params": {"since": f"{y:04d}-{m:02d}-01", "until": end}})
    return out
