"""Shared pieces of the page queries: date labels at their precision and event rows with their actors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Actor, Article, Event, EventTarget, Source
from app.queries.errors import BadInput

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEASONS = {3: "Spring", 6: "Summer", 9: "Autumn", 12: "Winter"}
PLOVER_LABELS = {
    "AGREE": "Agree", "CONSULT": "Consult", "SUPPORT": "Support", "CONCEDE": "Concede", "COOPERATE": "Cooperate",
    "AID": "Aid", "RETREAT": "Retreat", "REQUEST": "Request", "ACCUSE": "Accuse", "REJECT": "Reject",
    "THREATEN": "Threaten", "PROTEST": "Protest", "SANCTION": "Sanction", "MOBILIZE": "Mobilize",
    "COERCE": "Coerce", "ASSAULT": "Assault",
}
MODALITIES = ("asserted", "planned", "possible", "negated")


def day_label(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_label(first: dt.date | None, last: dt.date | None, precision: str | None) -> str:
    """A date written at the precision it is known: '13–19 Dec 2021' for a week, 'Dec 2021' for a month."""
    if first is None:
        return "undated"
    last = last or first
    if precision == "day" or (precision is None and first == last):
        return day_label(first)
    if precision == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if precision == "quarter":
        return f"Q{(first.month - 1) // 3 + 1} {first.year}"
    if precision == "half":
        return f"H{1 if first.month <= 6 else 2} {first.year}"
    if precision == "season":
        return f"{SEASONS.get(first.month, 'Season')} {first.year}"
    if precision == "year":
        return str(first.year)
    if precision == "decade":
        return f"{first.year}s"
    if precision == "century":
        return f"{first.year}–{last.year}"
    if first.year != last.year:
        return f"{day_label(first)} – {day_label(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTHS[first.month - 1]} – {day_label(last)}"
    return f"{first.day}–{last.day} {MONTHS[first.month - 1]} {first.year}"


def actor_ref(actor: Actor | Any) -> dict[str, Any]:
    return {"id": actor.id, "slug": actor.slug, "name": actor.name, "kind": actor.kind}


def event_rows(session: Session, events: Sequence[Event]) -> list[dict[str, Any]]:
    """Events as page rows, their actors and outlets loaded in three batched queries (no N+1)."""
    if not events:
        return []
    ids = [e.id for e in events]
    actor_ids = {e.source_actor_id for e in events if e.source_actor_id}
    targets: dict[int, list[int]] = defaultdict(list)
    for event_id, actor_id in session.execute(
        select(EventTarget.event_id, EventTarget.actor_id).where(EventTarget.event_id.in_(ids))
    ):
        targets[event_id].append(actor_id)
        actor_ids.add(actor_id)
    actors = {a.id: a for a in session.scalars(select(Actor).where(Actor.id.in_(actor_ids)))} if actor_ids else {}
    article_ids = {e.article_id for e in events}
    articles = {
        row.id: row for row in session.execute(
            select(Article.id, Article.title, Article.published, Source.name.label("source"))
            .outerjoin(Source, Source.id == Article.source_id).where(Article.id.in_(article_ids))
        )
    }
    rows = []
    for e in events:
        art = articles.get(e.article_id)
        src = actors.get(e.source_actor_id) if e.source_actor_id else None
        rows.append({
            "id": e.id, "slug": e.slug, "summary": e.summary, "type": e.type,
            "type_label": PLOVER_LABELS.get(e.type or "", (e.type or "").title()),
            "modality": e.modality, "place": e.place,
            "first_day": e.first_day, "last_day": e.last_day, "precision": e.precision,
            "date_label": date_label(e.first_day, e.last_day, e.precision), "date_text": e.date_text,
            "source_actor": actor_ref(src) if src else None,
            "targets": [actor_ref(actors[t]) for t in targets.get(e.id, []) if t in actors],
            "source_count": e.source_count or 1,
            "article": {"id": e.article_id, "title": art.title if art else None,
                        "source": art.source if art else None, "published": art.published if art else None},
        })
    return rows


def live_events():
    """Events a reader may see: neither merged into another nor removed."""
    return select(Event).where(Event.merged_into_id.is_(None), Event.removed_at.is_(None))


def parse_day(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD query value, or BadInput saying which parameter was wrong."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"'{name}' must be a date written YYYY-MM-DD, not '{value}'.",
                       hint=f"For example {name}=2021-12-17.") from None


def newest_first(session: Session, column: Any) -> Any:
    """Descending with undated rows last; SQLite already sorts NULLs last (and then can use the index)."""
    if session.get_bind().dialect.name == "sqlite":
        return column.desc()
    return column.desc().nulls_last()
