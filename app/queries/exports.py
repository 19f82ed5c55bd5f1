"""What the timeline's exports (CSV, Atom, TimelineJS) hold: one page of events with their evidence, and the total."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from app.models import Event
from app.queries.common import actor_line, day_label, event_rows, group_by_period, running_name
from app.queries.timeline import (
    TYPE_GROUPS,
    TimelineFilters,
    filtered_events,
    page_events,
    resolve_actors,
    timeline_total,
)
from app.vocab import PLOVER_LABELS


def export_page(session: Session, f: TimelineFilters, cursor: str | None, limit: int) -> dict[str, Any]:
    """Up to ``limit`` events of the filter, newest first, each with its evidence ``sentence``; the filter's
    ``total`` and the ``next_cursor`` of the following part (None on the last one).

    The sentences come with the page's rows (the list pages leave the wide column out), in the order of the
    timeline's period headings (on one first day, finer dates first).
    """
    actors = resolve_actors(session, f.actor) if f.actor else []
    events, next_cursor = page_events(session, f, actors, cursor, limit, extra=(Event.sentence,))
    sentences = {e.id: e.sentence for e in events}
    rows = [e for day in group_by_period(event_rows(session, events)) for e in day["events"]]
    return {"events": [{**e, "sentence": sentences.get(e["id"]) or ""} for e in rows],
            "total": timeline_total(session, f, actors), "next_cursor": next_cursor}



def describe_filters(filters: dict[str, Any], actor_names: list[str]) -> str:
    """A timeline filter in words: 'Events with Russia and the United States, of type Assault, since 1 Dec 2021'."""
    parts = []
    if actor_names:
        parts.append("with " + actor_line(actor_names))
    kind = filters.get("type") or ""
    if kind:
        parts.append(TYPE_GROUPS[kind].lower() if kind in TYPE_GROUPS else f"of type {PLOVER_LABELS.get(kind, kind)}")
    if filters.get("modality"):
        parts.append(f"{filters['modality']} only")
    if filters.get("source"):
        parts.append(f"reported by {filters['source']}")
    for key, word in (("since", "since"), ("until", "until")):
        if filters.get(key):
            parts.append(f"{word} {day_label(dt.date.fromisoformat(str(filters[key])))}")
    if filters.get("q"):
        parts.append(f"mentioning “{filters['q']}”")
    return "All events" if not parts else "Events " + ", ".join(parts)


def timeline_card_data(session: Session, f: TimelineFilters) -> dict[str, Any]:
    """What a timeline view's preview card shows: the filter in words, the total, the dates it spans, the newest."""
    actors = resolve_actors(session, f.actor) if f.actor else []
    first, last = session.execute(filtered_events(session, f, actors)
                                  .with_only_columns(func.min(Event.first_day), func.max(Event.first_day))).one()
    span = "" if first is None or last is None else (
        day_label(first) if first == last else f"{day_label(first)} – {day_label(last)}")
    newest = export_page(session, f, None, 3)
    params = {**f.params(), "actor": [a.slug for a in actors]}
    return {"filters": params, "total": newest["total"], "span": span, "newest": newest["events"],
            "badge": PLOVER_LABELS.get(f.type) if f.type in PLOVER_LABELS else None,
            "description": describe_filters(params, [running_name(a.name, a.kind) for a in actors])}
