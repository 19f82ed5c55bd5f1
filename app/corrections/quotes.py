"""Quote corrections: who said it, direct or indirect, 'not a quote', the event it speaks about."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.corrections.common import (
    Action,
    Args,
    Change,
    Prepared,
    actor_by_slug,
    actor_view,
    choice_field,
    event_ref,
    find_actor,
    find_event,
    find_quote,
    quote_ref,
    reason_field,
    resolve_event,
    resolve_quote,
    restore_fields,
    set_fields,
)
from app.models import Actor, Quote, utcnow
from app.vocab import QUOTE_KINDS


def _key(ref: dict[str, Any]) -> str:
    return f"{ref['article_id']}/{ref['key']}"


def _view(quote: Quote) -> dict[str, Any]:
    return {"id": quote.id, "text": quote.text[:200]}


def _subject(session: Session, body: Args) -> dict[str, Any]:
    return quote_ref(find_quote(session, body, "quote"))


def _revert(session: Session, args: Args, applied: dict[str, Any]) -> None:
    restore_fields(resolve_quote(session, args["quote"]), applied)
    session.flush()


def prepare_speaker(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    return Prepared({"quote": ref, "speaker": find_actor(session, body, "speaker").slug}, "quote", _key(ref))


def apply_speaker(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The quote is said by SPEAKER, whatever the attribution found."""
    quote = resolve_quote(session, args["quote"])
    speaker = actor_by_slug(session, args["speaker"])
    old = session.get(Actor, previous["was"]["speaker_actor_id"]) if previous.get("was", {}).get(
        "speaker_actor_id") else (session.get(Actor, quote.speaker_actor_id) if quote.speaker_actor_id else None)
    applied = set_fields(quote, {"speaker_actor_id": speaker.id, "speaker_text": speaker.name[:300]}, previous)
    session.flush()
    return Change(quote.id, None, {**_view(quote), "speaker": actor_view(old) if old else None},
                  {**_view(quote), "speaker": actor_view(speaker)}, applied)


def prepare_kind(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    return Prepared({"quote": ref, "kind": choice_field(body, "kind", QUOTE_KINDS)}, "quote", _key(ref))


def apply_kind(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    quote = resolve_quote(session, args["quote"])
    was = (previous.get("was") or {}).get("kind", quote.kind)
    applied = set_fields(quote, {"kind": args["kind"]}, previous)
    session.flush()
    return Change(quote.id, None, {**_view(quote), "kind": was}, {**_view(quote), "kind": quote.kind}, applied)


def prepare_not_quote(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    reason = reason_field(body)
    return Prepared({"quote": ref, "reason": reason}, "quote", _key(ref))


def apply_not_quote(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The quote leaves every page; its permalink answers 410 with the reason."""
    quote = resolve_quote(session, args["quote"])
    if quote.removed_at is None:
        quote.removed_at = utcnow()
    session.flush()
    return Change(quote.id, None, {**_view(quote), "shown": True},
                  {**_view(quote), "shown": False, "reason": args["reason"]}, {})


def revert_not_quote(session: Session, args: Args, applied: dict[str, Any]) -> None:
    resolve_quote(session, args["quote"]).removed_at = None
    session.flush()


def prepare_link(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    event = find_event(session, body, "event")
    return Prepared({"quote": ref, "event": event_ref(session, event)}, "quote", _key(ref))


def apply_link(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The quote speaks about EVENT (shown on the event's page)."""
    quote = resolve_quote(session, args["quote"])
    event = resolve_event(session, args["event"])
    was = (previous.get("was") or {}).get("event_id", quote.event_id)
    applied = set_fields(quote, {"event_id": event.id}, previous)
    session.flush()
    return Change(quote.id, event.id, {**_view(quote), "event": was}, {**_view(quote), "event": event.id}, applied)


def prepare_unlink(session: Session, body: Args) -> Prepared:
    ref = _subject(session, body)
    return Prepared({"quote": ref}, "quote", _key(ref))


def apply_unlink(session: Session, args: Args, previous: dict[str, Any]) -> Change:
    """The quote speaks about no event (consolidation may link it again; re-application unlinks it)."""
    quote = resolve_quote(session, args["quote"])
    was = (previous.get("was") or {}).get("event_id", quote.event_id)
    applied = set_fields(quote, {"event_id": None}, previous)
    session.flush()
    return Change(quote.id, None, {**_view(quote), "event": was}, {**_view(quote), "event": None}, applied)


ACTIONS = (
    Action("reassign_speaker", "quote", ("quote", "speaker"), prepare_speaker, apply_speaker, _revert,
           "the quote was said by SPEAKER"),
    Action("set_quote_kind", "quote", ("quote", "kind"), prepare_kind, apply_kind, _revert,
           f"direct or indirect ({', '.join(QUOTE_KINDS)})"),
    Action("not_a_quote", "quote", ("quote", "reason"), prepare_not_quote, apply_not_quote, revert_not_quote,
           "take it off every page; its permalink answers 410 with the reason"),
    Action("link_quote_event", "quote", ("quote", "event"), prepare_link, apply_link, _revert,
           "the quote speaks about EVENT"),
    Action("unlink_quote_event", "quote", ("quote",), prepare_unlink, apply_unlink, _revert,
           "the quote speaks about no event"),
)
