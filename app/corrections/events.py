"""Event corrections: merge two events, change the type, modality, actors or date, mark 'not an event'.

Re-extraction rewrites an event's own fields from the extractor (same id, same key), so each ``apply_*``
sets them again; ``applied['was']`` keeps what the machine said last, which is what undo restores.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session

from app.corrections.common import (
    Action,
    Args,
    Change,
    FieldError,
    NotApplicable,
    Prepared,
    actor_by_slug,
    actor_view,
    choice_field,
    event_ref,
    event_view,
    find_actor,
    find_event,
    reason_field,
    resolve_event,
    restore_fields,
    set_fields,
    text_field,
)
from app.extract.timex import timex_interval
from app.models import Actor, Event, EventSource, EventTarget, utcnow
from app.vocab import MODALITIES, PLOVER_LABELS, PLOVER_TYPES

UNTYPED = "NONE"  # what a form or the CLI sends to take the type away
MOODS = {"planned", "possible", "negated"}  # the modalities that are also a mood the pages name


def _subject(session: Session, body: Args) -> dict[str, Any]:
    return event_ref(session, find_event(session, body, "event"))


def _key(ref: dict[str, Any]) -> str:
    return f"{ref['article_id']}/{ref.get('key') or ref['id']}"


def _set(session: Session, args: Args, previous: dict[str, Any], values: dict[str, Any],
         shown: tuple[str, ...]) -> Change:
    event = resolve_event(session, args["event"])
    before = {name: _plain(getattr(event, name)) for name in shown}
    if previous.get("was"):
        before = {name: previous["was"].get(name, before[name]) for name in shown}
    applied = set_fields(event, values, previous)
    session.flush()
    return Change(event.id, None, {**event_view(event), **before},
                  {**event_view(event), **{n: _plain(getattr(event, n)) for n in shown}}, applied)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _revert(session: Session, args: Args, applied: dict[str, Any]) -> None:
    restore_fields(resolve_event(session, args["event"]), applied)
    session.flush()


# --- type, modality, date -------------------------------------------------------------------------------------

def prepare_retype(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    kind = choice_field(body, "type", (*PLOVER_TYPES, UNTYPED), upper=True)
    return Prepared({"event": ref, "type": None if kind == UNTYPED else kind}, "event", _key(ref))


def apply_retype(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    return _set(session, args, previous, {"type": args["type"]}, ("type",))


def prepare_modality(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    return Prepared({"event": ref, "modality": choice_field(body, "modality", MODALITIES)}, "event", _key(ref))


def apply_modality(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The modality, and the mood the pages say ('planned', 'denied or not done'; none for asserted)."""
    modality = args["modality"]
    return _set(session, args, previous, {"modality": modality, "mood": modality if modality in MOODS else None},
                ("modality",))


def prepare_date(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    value = text_field(body, "date", limit=40)
    if timex_interval(value) is None:
        raise FieldError("date", f"'{value}' is not a date; write 2021-12-17, 2021-W50, 2021-12 or 2021.",
                         hint="The precision follows from how much is written: a day, a week, a month, a year.")
    return Prepared({"event": ref, "date": value}, "event", _key(ref))


def apply_date(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    interval = timex_interval(args["date"])
    if interval is None:
        raise NotApplicable(f"'{args['date']}' is not a date")
    first, last, precision = interval
    return _set(session, args, previous, {"date_value": args["date"], "first_day": first, "last_day": last,
                                          "precision": precision}, ("date_value", "precision"))


# --- actors ---------------------------------------------------------------------------------------------------

def prepare_actors(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    source = find_actor(session, body, "source").slug if text_field(body, "source", required=False) else None
    raw = body.get("targets") or []
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
    if not isinstance(raw, list):
        raise FieldError("targets", f"must be a list of actor names or slugs, not {type(raw).__name__}.")
    targets = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, str):
            raise FieldError("targets", f"item {n} must be a string, not {type(item).__name__}.")
        slug = find_actor(session, {"targets": item}, "targets").slug
        if slug != source and slug not in targets:
            targets.append(slug)
    return Prepared({"event": ref, "source": source, "targets": targets}, "event", _key(ref))


def apply_actors(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """Who did it (or nobody) and to whom, replacing what extraction said."""
    event = resolve_event(session, args["event"])
    source = actor_by_slug(session, args["source"]) if args.get("source") else None
    targets = [actor_by_slug(session, slug) for slug in args["targets"]]
    now: dict[str, Any] = {"source_actor_id": event.source_actor_id, "targets": sorted(
        session.scalars(select(EventTarget.actor_id).where(EventTarget.event_id == event.id)))}
    wanted: dict[str, Any] = {"source_actor_id": source.id if source else None,
                              "targets": sorted({t.id for t in targets})}
    was: dict[str, Any] = previous["was"] if now == wanted and previous.get("was") else now
    before = _actor_names(session, was)
    event.source_actor_id = wanted["source_actor_id"]
    _set_targets(session, event, wanted["targets"])
    return Change(event.id, None, {**event_view(event), **before},
                  {**event_view(event), **_actor_names(session, wanted)}, {"was": was})


def _set_targets(session: Session, event: Event, ids: list[int]) -> None:
    event.targets = [EventTarget(actor_id=i) for i in ids]
    session.flush()


def _actor_names(session: Session, state: dict[str, Any]) -> dict[str, Any]:
    ids = [i for i in [state["source_actor_id"], *state["targets"]] if i]
    names = {a.id: actor_view(a) for a in session.scalars(select(Actor).where(Actor.id.in_(ids)))} if ids else {}
    return {"source": names.get(state["source_actor_id"]), "targets": [names[i] for i in state["targets"] if i in names]}


def revert_actors(session: Session, args: Args, applied: dict[str, Any]) -> None:
    event = resolve_event(session, args["event"])
    event.source_actor_id = applied["was"]["source_actor_id"]
    _set_targets(session, event, applied["was"]["targets"])


# --- not an event ---------------------------------------------------------------------------------------------

def prepare_not_event(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    reason = reason_field(body)
    return Prepared({"event": ref, "reason": reason}, "event", _key(ref))


def apply_not_event(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The event leaves every page; its permalink answers 410 with the reason."""
    event = resolve_event(session, args["event"])
    was = previous.get("was_removed") if "was_removed" in previous else _plain(event.removed_at)
    if event.removed_at is None:
        event.removed_at = utcnow()
    session.flush()
    return Change(event.id, None, {**event_view(event), "shown": True},
                  {**event_view(event), "shown": False, "reason": args["reason"]}, {"was_removed": was})


def revert_not_event(session: Session, args: Args, applied: dict[str, Any]) -> None:
    event = resolve_event(session, args["event"])
    event.removed_at = None
    session.flush()


# --- merge ----------------------------------------------------------------------------------------------------

def prepare_merge(session: Session, body: Args) -> Prepared:
    keep, other = find_event(session, body, "keep"), find_event(session, body, "other")
    if keep.id == other.id:
        raise FieldError("other", f"event {other.id} is already event {keep.id}.")
    ref = event_ref(session, keep)
    return Prepared({"keep": ref, "other": event_ref(session, other)}, "event", _key(ref))


def apply_merge(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """One happening: OTHER's evidence moves to KEEP and its permalink redirects there."""
    keep = resolve_event(session, args["keep"])
    other = resolve_event(session, args["other"], follow=False)
    if other.merged_into_id not in (None, keep.id):
        other = resolve_event(session, args["other"])
    if other.id == keep.id:
        raise NotApplicable(f"event {args['other']['id']} is now event {keep.id} itself")
    before = {"keep": event_view(keep), "other": {**event_view(other), "merged_into": None}}
    sources = list(session.scalars(select(EventSource.id).where(EventSource.event_id == other.id)))
    children = list(session.scalars(select(Event.id).where(Event.merged_into_id == other.id)))
    have = {keep.source_actor_id} | {t.actor_id for t in keep.targets}
    added = [a for a in [other.source_actor_id, *(t.actor_id for t in other.targets)] if a and a not in have]
    keep.targets.extend(EventTarget(actor_id=a) for a in dict.fromkeys(added))
    if sources:
        session.execute(update(EventSource).where(EventSource.id.in_(sources)).values(event_id=keep.id))
    if children:
        session.execute(update(Event).where(Event.id.in_(children)).values(merged_into_id=keep.id))
    was = previous.get("was_merged_into", other.merged_into_id)
    other.merged_into_id = keep.id
    session.flush()
    _recount(session, keep, other)
    applied: dict[str, Any] = {"sources": sorted(set(previous.get("sources") or []) | set(sources)),
               "children": sorted(set(previous.get("children") or []) | set(children)),
               "targets": sorted(set(previous.get("targets") or []) | set(added)), "was_merged_into": was}
    after = {"keep": event_view(keep), "other": {**event_view(other), "merged_into": keep.id},
             "moved": {"sources": len(applied["sources"])}}
    return Change(keep.id, other.id, before, after, applied)


def _recount(session: Session, *events: Event) -> None:
    for event in events:
        session.expire(event, ["sources", "targets"])
        event.source_count = session.scalar(select(func.count(distinct(EventSource.article_id)))
                                            .where(EventSource.event_id == event.id)) or 1
    session.flush()


def revert_merge(session: Session, args: Args, applied: dict[str, Any]) -> None:
    keep = resolve_event(session, args["keep"])
    other = session.get(Event, args["other"]["id"]) or resolve_event(session, args["other"], follow=False)
    if ids := applied.get("sources"):
        session.execute(update(EventSource).where(EventSource.id.in_(ids), EventSource.event_id == keep.id)
                        .values(event_id=other.id))
    if ids := applied.get("children"):
        session.execute(update(Event).where(Event.id.in_(ids), Event.merged_into_id == keep.id)
                        .values(merged_into_id=other.id))
    if ids := set(applied.get("targets") or []):
        keep.targets = [t for t in keep.targets if t.actor_id not in ids]
    other.merged_into_id = applied.get("was_merged_into")
    session.flush()
    _recount(session, keep, other)


# --- split a source off ---------------------------------------------------------------------------------------

def prepare_split(session: Session, body: Args) -> Prepared:
    event = find_event(session, body, "event")
    ident = str(body.get("evidence") or "").strip()
    src = session.get(EventSource, int(ident)) if ident.isdigit() and int(ident) < 2**31 else None
    if src is None or src.event_id != event.id:
        raise FieldError("evidence", f"event {event.id} has no evidence {ident[:40]!r}; give the number of one "
                                     "of its sources.")
    if (session.scalar(select(func.count()).where(EventSource.event_id == event.id)) or 0) < 2:
        raise FieldError("evidence", f"it is event {event.id}'s only source; mark the event 'not an event' instead.")
    ref = event_ref(session, event)
    return Prepared({"event": ref, "evidence": {"article_id": src.article_id, "key": src.key}}, "event", _key(ref))


def apply_split(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """One report is another happening: the event it was merged from stands again, or a new event holds it."""
    event = resolve_event(session, args["event"])
    ref = args["evidence"]
    src = session.scalar(select(EventSource).where(EventSource.article_id == ref["article_id"],
                                                   EventSource.key == ref["key"]))
    if src is None:
        raise NotApplicable(f"evidence {ref['key']} of article {ref['article_id']} no longer exists")
    into = session.get(Event, previous["into"]) if previous.get("into") else None
    if into is not None and src.event_id == into.id and into.merged_into_id is None:
        return _split_change(event, into, previous)  # still split: nothing to do
    if src.event_id != event.id:
        raise NotApplicable(f"evidence {ref['key']} is no longer part of event {event.id}")
    origin = session.get(Event, (src.reason or {}).get("merged_from") or 0)
    if into is None and origin is not None and origin.merged_into_id == event.id:
        into = origin  # the report consolidation merged in: its own event stands again
    if into is None:
        into = Event(**{c: getattr(event, c) for c in _COPIED}, article_id=src.article_id, sentence=src.sentence,
                     start=src.start, end=src.end, source_count=1)
        session.add(into)
        session.flush()
        previous = {**previous, "created": True}
    into.merged_into_id, into.removed_at = None, None
    src.event_id = into.id
    session.flush()
    _recount(session, event, into)
    return _split_change(event, into, {**previous, "into": into.id})


_COPIED = ("slug", "date_value", "date_text", "first_day", "last_day", "precision", "type", "modality",
           "source_actor_id", "place", "summary", "trigger", "lemma", "sense", "mood", "reported_by_id")


def _split_change(event: Event, into: Event, applied: dict[str, Any]) -> Change:
    return Change(event.id, into.id, {"event": event_view(event), "evidence_of": event.id},
                  {"event": event_view(event), "evidence_of": into.id, "split": event_view(into)}, applied)


def revert_split(session: Session, args: Args, applied: dict[str, Any]) -> None:
    event = resolve_event(session, args["event"])
    into = session.get(Event, applied["into"])
    ref = args["evidence"]
    src = session.scalar(select(EventSource).where(EventSource.article_id == ref["article_id"],
                                                   EventSource.key == ref["key"]))
    if into is None or src is None:
        raise NotApplicable("the split-off evidence no longer exists")
    src.event_id = event.id
    into.merged_into_id = event.id  # its permalink leads back to the event it was split from
    session.flush()
    _recount(session, event, into)


ACTIONS = (
    Action("split_event_source", "event", ("event", "evidence"), prepare_split, apply_split, revert_split,
           "one of the event's reports is another happening: it becomes an event of its own"),
    Action("merge_events", "event", ("keep", "other"), prepare_merge, apply_merge, revert_merge,
           "one happening: OTHER's evidence moves to KEEP, OTHER's permalink redirects"),
    Action("retype_event", "event", ("event", "type"), prepare_retype, apply_retype, _revert,
           f"change the PLOVER type ({', '.join(PLOVER_LABELS)}, or {UNTYPED})"),
    Action("set_event_modality", "event", ("event", "modality"), prepare_modality, apply_modality, _revert,
           f"change the modality ({', '.join(MODALITIES)})"),
    Action("set_event_actors", "event", ("event", "source", "targets"), prepare_actors, apply_actors, revert_actors,
           "set who acted (SOURCE, or none) and on whom (TARGETS)"),
    Action("set_event_date", "event", ("event", "date"), prepare_date, apply_date, _revert,
           "set the date at its precision: 2021-12-17, 2021-W50, 2021-12 or 2021"),
    Action("not_an_event", "event", ("event", "reason"), prepare_not_event, apply_not_event, revert_not_event,
           "take it off every page; its permalink answers 410 with the reason"),
)
