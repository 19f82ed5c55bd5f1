"""Facet counts beside the timeline's filters: how many of the matching events have each type, actor, outlet and
start month (or year), each counted by the rule the filter it links to applies, so a link shows what it says."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce, union
from sqlalchemy.orm import Session, aliased

from app.models import Actor, Article, Event, EventSource, EventTarget, Source
from app.queries import counters
from app.queries.cache import cached
from app.queries.common import MONTHS, id_in
from app.queries.timeline import (
    COUNT_CAP,
    TimelineFilters,
    counted_view,
    filtered_events,
    newest_ids,
    resolve_actors,
    timeline_count,
)
from app.vocab import PLOVER_LABELS

TOP = 8  # values shown per facet
FACET_SAMPLE = 2_000  # a filter matching more events than COUNT_CAP has its facets counted over its newest this many
MONTHS_SHOWN = 18  # more distinct months than this and the 'when' facet counts years instead


def timeline_facets(session: Session, f: TimelineFilters) -> dict[str, Any]:
    """The facets of a timeline filter, cached like the other aggregates (see facets)."""
    actors = resolve_actors(session, f.actor) if f.actor else []
    return cached(session, ("facets", repr(f)), lambda: facets(session, f, actors))


def facets(session: Session, f: TimelineFilters, actors: list[Actor]) -> dict[str, Any]:
    """Each facet's values, most events first (the 'when' facet newest first), each with its count and the
    filter values that select it: ``{"type": "CONSULT"}``, ``{"actor": "russia"}``, ``{"since": …, "until": …}``.

    Four GROUP BYs under the filter's own WHERE (the live partial indexes serve the unfiltered case); no event
    row is read into Python. An actor counts an event it is the source or a target of, as the actor filter does; an
    outlet counts an event any of whose reports it published, as the source filter does.
    """
    view, sampled = _view(session, f, actors)
    by_type = session.execute(view.with_only_columns(Event.type, func.count()).group_by(Event.type)
                              .order_by(func.count().desc()).limit(TOP + 1)).all()
    types = [{"value": t or "untyped", "label": PLOVER_LABELS.get(t, t.title()) if t else "Unclassified",
              "count": n, "params": {"type": t or "untyped"}} for t, n in by_type if (t or "untyped") != f.type]
    roles = union(view.with_only_columns(Event.id.label("e"), Event.source_actor_id.label("a"))
                  .where(Event.source_actor_id.is_not(None)),
                  view.join(EventTarget, EventTarget.event_id == Event.id)
                  .with_only_columns(Event.id.label("e"), EventTarget.actor_id.label("a"))).subquery()
    by_actor = session.execute(select(roles.c.a, func.count()).group_by(roles.c.a)
                               .order_by(func.count().desc()).limit(TOP + len(actors))).all()
    names = {a.id: a for a in session.scalars(select(Actor).where(Actor.id.in_([a for a, _ in by_actor])))}
    selected_order = [a.slug for a in actors]
    selected = set(selected_order)
    actor_values = [{"value": names[a].slug, "label": names[a].name, "count": n,
                     "params": {"actor": [*selected_order, names[a].slug]}}
                    for a, n in by_actor if a in names and names[a].slug not in selected][:TOP]
    report, paper, outlet = aliased(EventSource), aliased(Article), aliased(Source)  # apart from the source filter's
    reports = (view.join(report, report.event_id == Event.id).join(paper, paper.id == report.article_id)
               .join(outlet, outlet.id == paper.source_id))
    per_source = func.count(func.distinct(Event.id))
    by_source = session.execute(reports.with_only_columns(outlet.name, per_source).group_by(outlet.name)
                                .order_by(per_source.desc()).limit(TOP + 1)).all()
    sources = [{"value": name, "label": name, "count": n, "params": {"source": name}}
               for name, n in by_source if name != f.source]
    exact, negated = counted_view(f)
    per_day = counters.day_counts(session, negated=negated) if exact else _days(session, view)
    return {"type": types[:TOP], "actor": actor_values, "source": sources[:TOP], "when": _when(per_day),
            "sampled": sampled}


def _view(session: Session, f: TimelineFilters, actors: list[Actor]) -> tuple[Select[Any], int | None]:
    """(the events to count, None) — or, when the filter matches more than COUNT_CAP events, its newest
    FACET_SAMPLE (timeline.newest_ids) and that number: the facets then say what the newest matches hold,
    at a bounded cost, instead of grouping a million rows per request."""
    total, exact = timeline_count(session, f, actors)
    if exact and total <= COUNT_CAP:
        return filtered_events(session, f, actors), None  # the filter's WHERE, grouped directly
    ids = newest_ids(session, f, actors, FACET_SAMPLE)  # found once, then each facet groups these ids
    return select(Event).where(id_in(session, Event.id, ids)), FACET_SAMPLE


def _days(session: Session, view: Select[Any]) -> dict[dt.date, int]:
    """Events of ``view`` per first day, grouped in SQL (ISO text on SQLite: no date parsing per row)."""
    day = type_coerce(Event.first_day, String).label("d")
    days = view.with_only_columns(day).subquery()
    out: dict[dt.date, int] = {}
    for row in session.execute(select(days.c.d, func.count()).group_by(days.c.d)):
        d = row[0]
        out[d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])] = int(row[1])
    return out


def _when(per_day: dict[dt.date, int]) -> list[dict[str, Any]]:
    """Events per month they start in (per year when they span more than MONTHS_SHOWN months), newest first;
    the loop runs over distinct days, not events."""
    per_month: Counter[tuple[int, int]] = Counter()
    for when, n in per_day.items():
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
