"""What the timeline's exports (CSV, Atom, TimelineJS) hold: one page of events with their evidence, and the total."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Event
from app.queries.timeline import TimelineFilters, timeline_page


def export_page(session: Session, f: TimelineFilters, cursor: str | None, limit: int) -> dict[str, Any]:
    """Up to ``limit`` events of the filter, newest first, each with its evidence ``sentence``; the filter's
    ``total`` and the ``next_cursor`` of the following part (None on the last one).

    The sentences are read in one query for the page's ids (the list rows leave the wide column out).
    """
    data = timeline_page(session, f, cursor=cursor, limit=limit, with_density=False)
    events = [e for day in data["days"] for e in day["events"]]
    ids = [e["id"] for e in events]
    rows = session.execute(select(Event.id, Event.sentence).where(Event.id.in_(ids)))
    sentences: dict[int, str] = {ident: text for ident, text in rows}  # noqa: C416  (rows, not pairs, for mypy)
    return {"events": [{**e, "sentence": sentences.get(e["id"], "")} for e in events], "total": data["total"],
            "next_cursor": data["next_cursor"]}


def actor_line(names: list[str]) -> str:
    """Names joined as a reader writes them: 'Russia', 'Russia and NATO', 'Russia, NATO and the United States'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
