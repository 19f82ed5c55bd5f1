"""The audit log: every correction in the order it was made, and the history of one actor, event or quote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from app.models import Correction
from app.queries.common import Prepared
from app.queries.errors import BadInput

ACTION_WORDS = {
    "merge_actors": "merged actors", "split_alias": "split an alias off", "rename_actor": "renamed",
    "set_actor_kind": "changed the kind", "add_alias": "added an alias", "remove_alias": "removed an alias",
    "merge_events": "merged events", "split_event_source": "split a report off", "retype_event": "changed the type", "set_event_modality": "changed the modality",
    "set_event_actors": "changed the actors", "set_event_date": "changed the date", "not_an_event": "not an event",
    "reassign_speaker": "changed the speaker", "set_quote_kind": "changed direct/indirect",
    "not_a_quote": "not a quote", "link_quote_event": "linked to an event", "unlink_quote_event": "unlinked its event",
    "undo": "undid a correction",
}
PAGE_SIZE = 200


def correction_row(c: Correction | Any) -> dict[str, Any]:
    """One correction as the log, the pages and ``dateline corrections`` show it."""
    return {
        "id": c.id, "action": c.action, "words": ACTION_WORDS.get(c.action, c.action.replace("_", " ")),
        "subject": {"kind": c.subject_kind, "key": c.subject_key, "id": c.subject_id, "other_id": c.object_id,
                    "slug": _slug(c)},
        "before": c.before, "after": c.after, "by": c.by, "note": c.note, "at": c.at,
        "undone": c.undone_at, "undo_of": c.undo_of, "problem": c.problem,
    }


def _slug(c: Correction) -> str | None:
    """The slug a link to the subject needs: an actor's key, or the summary slug the event had."""
    if c.subject_kind == "actor":
        return c.subject_key
    state = c.after or {}
    for value in (state, state.get("keep") or {}):
        if isinstance(value, dict) and isinstance(value.get("slug"), str):
            return value["slug"]
    return None


def corrections_list(session: Session, after: str | None = None, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """Every change in order, oldest first (``after`` is the last id already seen), and those that no longer apply."""
    stmt = select(Correction).order_by(Correction.id).limit(limit + 1)
    if after:
        if not after.isdigit():
            raise BadInput(f"'after' must be a correction number, not '{after[:40]}'.")
        stmt = stmt.where(Correction.id > int(after))
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    failing = session.scalars(select(Correction).where(Correction.problem.is_not(None), Correction.undone_at.is_(None))
                              .order_by(Correction.id)).all()
    return {"corrections": [correction_row(c) for c in rows],
            "next": str(rows[-1].id) if more and rows else None, "after": after,
            "not_applied": [correction_row(c) for c in failing]}


def newest_corrections(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The newest changes first, for the Atom feed."""
    return [correction_row(c) for c in session.scalars(select(Correction).order_by(Correction.id.desc()).limit(limit))]


HISTORY = Prepared(lambda d: select(*Correction.__table__.c).where(
    Correction.subject_kind == bindparam("kind"),
    or_(Correction.subject_id == bindparam("row"), Correction.object_id == bindparam("row")),
).order_by(Correction.id).limit(100))


def history(session: Session, kind: str, row_id: int) -> list[dict[str, Any]]:
    """The corrections of one actor, event or quote (either side of a merge), oldest first; read as rows, since
    every permalink page asks and almost always finds none."""
    return [correction_row(c) for c in HISTORY(session, kind=kind, row=row_id)]


def removal_reason(session: Session, kind: str, row_id: int) -> dict[str, Any] | None:
    """The correction in force that took an event or quote off the pages ('not an event'), if one did."""
    action = "not_an_event" if kind == "event" else "not_a_quote"
    c = session.scalar(select(Correction).where(Correction.subject_kind == kind, Correction.subject_id == row_id,
                                                Correction.action == action,
                                                Correction.undone_at.is_(None)).order_by(Correction.id.desc()))
    return correction_row(c) if c is not None else None
