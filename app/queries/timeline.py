"""The timeline: live events, newest first, filtered by the URL's query and paged by a keyset cursor."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from app.fts import fts_filter
from app.models import Actor, Article, Event, EventSource, EventTarget, Source
from app.queries.cache import cached
from app.queries.common import MODALITIES, PLOVER_LABELS, day_label, event_rows, live_events, parse_day
from app.queries.errors import BadInput

PAGE_SIZE = 30  # keeps a first load (page + CSS + htmx) under 100 KB uncompressed


@dataclass(slots=True)
class TimelineFilters:
    """Everything that narrows the timeline; each field is one query parameter of the same name."""

    actor: list[str] = field(default_factory=list)
    type: str = ""
    modality: str = ""
    source: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, actor: list[str] | None, type: str | None, modality: str | None, source: str | None,
                   since: str | None, until: str | None, q: str | None) -> TimelineFilters:
        """Checked filters, or BadInput naming the parameter that was wrong."""
        kind = (type or "").strip().upper()
        if kind and kind not in PLOVER_LABELS:
            raise BadInput(f"'type' must be a PLOVER event type, not '{type}'.",
                           hint="One of: " + ", ".join(PLOVER_LABELS) + ".")
        mod = (modality or "").strip().lower()
        if mod and mod not in MODALITIES:
            raise BadInput(f"'modality' must be one of {', '.join(MODALITIES)}, not '{modality}'.")
        first, last = parse_day(since, "since"), parse_day(until, "until")
        if first and last and first > last:
            raise BadInput(f"'since' ({first}) is after 'until' ({last}).", hint="Swap the two dates.")
        return cls(actor=[a.strip() for a in actor or [] if a.strip()][:5], type=kind, modality=mod,
                   source=(source or "").strip(), since=first, until=last, q=(q or "").strip()[:200])

    def params(self) -> dict[str, Any]:
        """The filters as URL query values (for links that keep them)."""
        d = asdict(self)
        d["since"] = self.since.isoformat() if self.since else None
        d["until"] = self.until.isoformat() if self.until else None
        return d

    @property
    def active(self) -> bool:
        return any((self.actor, self.type, self.modality, self.source, self.since, self.until, self.q))


def encode_cursor(day: dt.date, event_id: int) -> str:
    return f"{day.isoformat()}.{event_id}"


def decode_cursor(cursor: str | None) -> tuple[dt.date, int] | None:
    if not cursor:
        return None
    try:
        day, _, ident = cursor.partition(".")
        return dt.date.fromisoformat(day), int(ident)
    except ValueError:
        raise BadInput(f"'cursor' '{cursor}' is not a timeline position.",
                       hint="Follow the 'Older events' link instead of editing it.") from None


def filtered_events(session: Session, f: TimelineFilters):
    """The SELECT of live, dated events matching ``f`` (unordered, unpaged)."""
    stmt = live_events().where(Event.first_day.is_not(None))
    if f.actor:
        ids = list(session.scalars(select(Actor.id).where(Actor.slug.in_(f.actor))))
        if len(ids) < len(set(f.actor)):
            known = set(session.scalars(select(Actor.slug).where(Actor.slug.in_(f.actor))))
            missing = ", ".join(sorted(set(f.actor) - known))
            raise BadInput(f"No actor is called '{missing}'.", hint="Pick actors from the actor list.")
        for actor_id in ids:  # every chosen actor takes part (as source or target)
            stmt = stmt.where(or_(
                Event.source_actor_id == actor_id,
                exists().where(EventTarget.event_id == Event.id, EventTarget.actor_id == actor_id),
            ))
    if f.type:
        stmt = stmt.where(Event.type == f.type)
    if f.modality:
        stmt = stmt.where(Event.modality == f.modality)
    if f.source:
        stmt = stmt.where(exists().where(
            EventSource.event_id == Event.id, EventSource.article_id == Article.id,
            Article.source_id == Source.id, Source.name == f.source,
        ))
    if f.since:
        stmt = stmt.where(Event.last_day >= f.since)
    if f.until:
        stmt = stmt.where(Event.first_day <= f.until)
    if f.q:
        clause = fts_filter(session, "events", Event.id, f.q)
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt


def density(session: Session, f: TimelineFilters, bins: int = 60) -> dict[str, Any]:
    """Events per day binned into at most ``bins`` bars, each a link target for jumping along the timeline."""
    base = filtered_events(session, f).with_only_columns(Event.first_day).subquery()
    counts = session.execute(select(base.c.first_day, func.count()).group_by(base.c.first_day)).all()
    if not counts:
        return {"bars": [], "max": 0, "first": None, "last": None}
    days = sorted((d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)), n) for d, n in counts)
    first, last = days[0][0], days[-1][0]
    span = (last - first).days + 1
    width = max(1, -(-span // bins))
    bars: dict[int, int] = {}
    for day, n in days:
        k = (day - first).days // width
        bars[k] = bars.get(k, 0) + n
    out = []
    for k in range(-(-span // width)):
        start = first + dt.timedelta(days=k * width)
        end = min(last, start + dt.timedelta(days=width - 1))
        label = day_label(start) if start == end else f"{day_label(start)} – {day_label(end)}"
        out.append({"first": start, "last": end, "count": bars.get(k, 0), "label": label})
    return {"bars": out, "max": max(b["count"] for b in out), "first": first, "last": last, "days_per_bar": width}


def timeline_page(session: Session, f: TimelineFilters, cursor: str | None = None,
                  limit: int = PAGE_SIZE, with_density: bool = True) -> dict[str, Any]:
    """One page of the timeline grouped by day, the cursor of the next page, and the density strip."""
    if not 1 <= limit <= 500:
        raise BadInput(f"'limit' must be between 1 and 500, not {limit}.")
    stmt = filtered_events(session, f)
    position = decode_cursor(cursor)
    if position:
        day, ident = position
        stmt = stmt.where(tuple_(Event.first_day, Event.id) < tuple_(day, ident))
    events = list(session.scalars(stmt.order_by(Event.first_day.desc(), Event.id.desc()).limit(limit + 1)))
    more = len(events) > limit
    events = events[:limit]
    rows = event_rows(session, events)
    days = [
        {"day": day, "label": day_label(day), "events": list(items)}
        for day, items in groupby(rows, key=lambda r: r["first_day"])
    ]
    next_cursor = encode_cursor(events[-1].first_day, events[-1].id) if more and events[-1].first_day else None
    return {
        "filters": f.params(), "filters_active": f.active, "days": days, "count": len(rows),
        "next_cursor": next_cursor, "cursor": cursor,
        "density": cached(session, ("density", repr(f)), lambda: density(session, f)) if with_density else None,
        "choices": {"types": list(PLOVER_LABELS), "modalities": list(MODALITIES),
                    "sources": list(session.scalars(select(Source.name).order_by(Source.name).limit(200)))},
        "selected_actors": [
            {"slug": a.slug, "name": a.name}
            for a in session.scalars(select(Actor).where(Actor.slug.in_(f.actor)))
        ] if f.actor else [],
    }
