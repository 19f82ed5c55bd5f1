"""What every correction shares: refusals that name the field, finding the rows an editor names, stable refs.

An editor names an actor by slug, name or alias and an event or quote by its number; a correction stores
them by keys that survive re-extraction (an actor's slug; an event's article, extractor key and evidence
offsets; a quote's article and key), so it can find its subject again after ``dateline reextract --all``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, DateTime, func, select
from sqlalchemy.orm import Session

from app.keys import normalise_alias
from app.models import Actor, Alias, Event, EventSource, Quote, QuoteSource, survivor
from app.queries.errors import AppError, BadInput

Args = dict[str, Any]


class FieldError(BadInput):
    """A 422 that names the field of the request that was wrong."""

    def __init__(self, name: str, detail: str, *, hint: str | None = None) -> None:
        super().__init__(f"'{name}': {detail}", hint=hint)
        self.field = name


class Conflict(AppError):
    """The correction cannot be made in the state things are in (undoing what a later correction changed)."""

    status = 409
    title = "That correction cannot be made now"


class NotApplicable(Exception):
    """Re-application found the subject gone; the message says which and is listed for the editors."""


@dataclass(slots=True)
class Prepared:
    """A request checked and turned into stable args, with the subject they are about."""

    args: Args
    subject_kind: str
    subject_key: str


@dataclass(slots=True)
class Change:
    """What applying a correction did: the rows touched, what a reader sees changed, what undo needs."""

    subject_id: int | None
    object_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]
    applied: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Action:
    """One kind of correction: its fields (for forms and the CLI), how to check, apply and revert it."""

    name: str
    kind: str  # actor | event | quote
    fields: tuple[str, ...]
    prepare: Callable[[Session, Args], Prepared]
    apply: Callable[[Session, Args, dict[str, Any]], Change]  # (args, what the previous application moved)
    revert: Callable[[Session, dict[str, Any], dict[str, Any]], None]  # (args, applied)
    describe: str


def text_field(body: Args, name: str, *, required: bool = True, limit: int = 300) -> str:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(name, "is required.")
        return ""
    if not isinstance(value, str):
        raise FieldError(name, f"must be a string, not {type(value).__name__}.")
    value = " ".join(value.split())
    if len(value) > limit:
        raise FieldError(name, f"is longer than {limit} characters.")
    return value


def choice_field(body: Args, name: str, choices: tuple[str, ...], *, upper: bool = False) -> str:
    value = text_field(body, name)
    value = value.upper() if upper else value.lower()
    if value not in choices:
        raise FieldError(name, f"must be one of {', '.join(choices)}, not '{value}'.")
    return value


# --- actors ---------------------------------------------------------------------------------------------------

def find_actor(session: Session, body: Args, name: str) -> Actor:
    """The actor a field names by slug, name or alias (case-insensitive), merges followed; else a 422."""
    ref = text_field(body, name)
    actor = session.scalar(select(Actor).where(Actor.slug == ref.lower()))
    if actor is not None:
        return survivor(session, actor)
    key = normalise_alias(ref)
    ids = set(session.scalars(select(Actor.id).where(func.lower(Actor.name) == ref.lower())))
    if not ids:
        ids = set(session.scalars(select(Alias.actor_id).where(Alias.normalized == key)))
    roots = {r.id: r for r in (survivor(session, a) for a in session.scalars(select(Actor).where(Actor.id.in_(ids))))}
    if not roots:
        raise FieldError(name, f"no actor is called '{ref}'.", hint="Give a slug, name or alias from the actor list.")
    if len(roots) > 1:
        named = ", ".join(f"{a.name} ({a.slug})" for a in sorted(roots.values(), key=lambda a: a.slug))
        raise FieldError(name, f"'{ref}' could be {named}; give the slug of the one you mean.")
    return next(iter(roots.values()))


def actor_by_slug(session: Session, slug: str, *, follow: bool = True) -> Actor:
    actor = session.scalar(select(Actor).where(Actor.slug == slug))
    if actor is None:
        raise NotApplicable(f"actor '{slug}' no longer exists")
    return survivor(session, actor) if follow else actor


def reason_field(body: Args) -> str | None:
    """Why an editor takes something off the pages: the ``reason`` field, else the correction's ``note``."""
    return text_field(body, "reason", required=False, limit=500) or text_field(body, "note", required=False, limit=500)


def actor_view(actor: Actor) -> dict[str, Any]:
    return {"slug": actor.slug, "name": actor.name}


# --- events ---------------------------------------------------------------------------------------------------

def _number(body: Args, name: str) -> int:
    value = body.get(name)
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    head = text.split("-", 1)[0]  # '12-russia-warns' (a permalink's last part) names event 12
    if not head.isdigit() or not 0 < int(head) < 2**31:
        if value is None or text == "":
            raise FieldError(name, "is required.")
        raise FieldError(name, f"must be a number, not {str(value)[:40]!r}.")
    return int(head)


def find_event(session: Session, body: Args, name: str) -> Event:
    """The live event a field names by number (a merged one's survivor); a 422 for one nobody can see."""
    ident = _number(body, name)
    event = session.get(Event, ident)
    if event is None:
        raise FieldError(name, f"there is no event {ident}.")
    event = survivor(session, event)
    if event.removed_at is not None:
        raise FieldError(name, f"event {ident} has been removed.")
    return event


def event_ref(session: Session, event: Event) -> dict[str, Any]:
    """An event as re-extraction can find it again: id, its own evidence's article and key, and offsets."""
    sources = list(session.scalars(select(EventSource).where(EventSource.event_id == event.id)
                                   .order_by(EventSource.id)))
    own = next((s for s in sources if s.article_id == event.article_id and (s.start, s.end) == (event.start, event.end)),
               sources[0] if sources else None)
    return {"id": event.id, "article_id": event.article_id, "key": own.key if own else None,
            "start": event.start, "end": event.end, "trigger_start": event.trigger_start}


def resolve_event(session: Session, ref: dict[str, Any], *, follow: bool = True) -> Event:
    """The event a stored ref means now: by id while it stands, else by its evidence key, else by its offsets."""
    event = session.get(Event, ref["id"])
    found = event if event is not None and event.removed_at is None else None
    if found is None and ref.get("key"):
        src = session.scalar(select(EventSource).where(EventSource.article_id == ref["article_id"],
                                                       EventSource.key == ref["key"]))
        found = src.event if src is not None else None
    if found is None:
        found = _event_at(session, ref)
    found = found or event  # removed, and nothing else holds its evidence: the row itself (an editor removed it)
    if found is None:
        raise NotApplicable(f"event {ref['id']} no longer exists")
    return survivor(session, found) if follow else found


def _event_at(session: Session, ref: dict[str, Any]) -> Event | None:
    """A new event on the same evidence sentence (same trigger when several clauses share the sentence)."""
    events = list(session.scalars(
        select(Event).join(EventSource, EventSource.event_id == Event.id)
        .where(EventSource.article_id == ref["article_id"], EventSource.start == ref["start"],
               EventSource.end == ref["end"]).distinct()))
    if ref.get("trigger_start") is not None:
        same = [e for e in events if e.trigger_start == ref["trigger_start"]]
        events = same or events
    return events[0] if len(events) == 1 else None


def event_view(event: Event) -> dict[str, Any]:
    return {"id": event.id, "slug": event.slug, "summary": event.summary}


# --- quotes ---------------------------------------------------------------------------------------------------

def find_quote(session: Session, body: Args, name: str) -> Quote:
    ident = _number(body, name)
    quote = session.get(Quote, ident)
    quote = survivor(session, quote) if quote is not None else None
    if quote is None:
        raise FieldError(name, f"there is no quote {ident}.")
    if quote.removed_at is not None:
        raise FieldError(name, f"quote {ident} has been removed.")
    return quote


def quote_ref(quote: Quote) -> dict[str, Any]:
    return {"id": quote.id, "article_id": quote.article_id, "key": quote.key}


def resolve_quote(session: Session, ref: dict[str, Any]) -> Quote:
    """The quote a stored ref means now: by id, else by its article and key (its own row or another's evidence)."""
    quote = session.get(Quote, ref["id"])
    if quote is None:
        quote = session.scalar(select(Quote).where(Quote.article_id == ref["article_id"], Quote.key == ref["key"]))
    if quote is None:
        src = session.scalar(select(QuoteSource).where(QuoteSource.article_id == ref["article_id"],
                                                       QuoteSource.key == ref["key"]))
        quote = src.quote if src is not None else None
    quote = survivor(session, quote) if quote is not None else None
    if quote is None:
        raise NotApplicable(f"quote {ref['id']} no longer exists")
    return quote


def set_fields(row: Any, values: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Set ``values`` on ``row``; returns what undo restores: the values they replaced (kept from the last
    application when this one changed nothing, so undo after a no-op re-application still knows them)."""
    old = {name: getattr(row, name) for name in values}
    changed = any(old[name] != value for name, value in values.items())
    for name, value in values.items():
        setattr(row, name, value)
    if not changed and previous.get("was") is not None:
        return dict(previous)
    return {"was": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in old.items()}}


def restore_fields(row: Any, applied: dict[str, Any]) -> None:
    """Put back what ``set_fields`` replaced, dates read back from their ISO text."""
    columns = type(row).__table__.c
    for name, value in (applied.get("was") or {}).items():
        kind = columns[name].type
        if value is not None and isinstance(kind, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = dt.date.fromisoformat(value)
        setattr(row, name, value)
