"""Making, undoing and re-applying corrections: each is a row of its own, applied in order (flush only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.corrections import actors, events, quotes
from app.corrections.common import Action, Args, Conflict, FieldError, NotApplicable, text_field
from app.models import Correction, utcnow

ACTIONS: dict[str, Action] = {a.name: a for a in (*actors.ACTIONS, *events.ACTIONS, *quotes.ACTIONS)}
UNDO = "undo"
DEFAULT_EDITOR = "editor"


def action_named(name: Any) -> Action:
    if not isinstance(name, str) or not name.strip():
        raise FieldError("action", f"is required: one of {', '.join([*ACTIONS, UNDO])}.")
    key = name.strip().lower().replace("-", "_")
    if key not in ACTIONS:
        raise FieldError("action", f"'{name[:40]}' is not a correction; one of {', '.join([*ACTIONS, UNDO])}.")
    return ACTIONS[key]


def correct(session: Session, body: Args) -> Correction:
    """Check the request, apply it and record it with before and after; ``body`` holds the action's fields,
    ``by`` (the editor's name) and ``note``. Undo is ``{"action": "undo", "correction": ID}``."""
    by = text_field(body, "by", required=False, limit=100) or DEFAULT_EDITOR
    note = text_field(body, "note", required=False, limit=2000)
    if isinstance(body.get("action"), str) and body["action"].strip().lower() == UNDO:
        return undo(session, body.get("correction"), by=by, note=note)
    action = action_named(body.get("action"))
    prepared = action.prepare(session, body)
    try:
        change = action.apply(session, prepared.args, {})
    except NotApplicable as exc:
        raise Conflict(f"The {action.name} correction cannot be made: {exc}.") from None
    row = Correction(action=action.name, subject_kind=prepared.subject_kind, subject_key=prepared.subject_key,
                     subject_id=change.subject_id, object_id=change.object_id, args=prepared.args,
                     before=change.before, after=change.after, applied=change.applied, by=by, note=note, at=utcnow())
    session.add(row)
    session.flush()
    return row


def _correction_id(value: Any) -> int:
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise FieldError("correction", "must be the number of a correction." if text else "is required.")
    return int(text)


def undo(session: Session, ident: Any, *, by: str = DEFAULT_EDITOR, note: str = "") -> Correction:
    """Put back what correction ``ident`` changed and record the undo; refused (409) while a later live
    correction touches the same rows, since undoing under it would silently change its result too."""
    target = session.get(Correction, _correction_id(ident))
    if target is None:
        raise FieldError("correction", f"there is no correction {ident}.")
    if target.action == UNDO:
        raise Conflict(f"Correction {target.id} is itself an undo; make the correction {target.undo_of} again instead.")
    if target.undone_at is not None:
        raise Conflict(f"Correction {target.id} was already undone on {target.undone_at:%d %b %Y %H:%M} UTC.")
    later = _later_on_same_rows(session, target)
    if later is not None:
        raise Conflict(f"Correction {later.id} ({later.action}) changed the same {target.subject_kind} later; "
                       f"undo it first.")
    try:
        ACTIONS[target.action].revert(session, target.args, target.applied or {})
    except NotApplicable as exc:
        raise Conflict(f"Correction {target.id} cannot be undone: {exc}.") from None
    target.undone_at = utcnow()
    row = Correction(action=UNDO, subject_kind=target.subject_kind, subject_key=target.subject_key,
                     subject_id=target.subject_id, object_id=target.object_id, args={"correction": target.id},
                     before=target.after, after=target.before, applied={}, by=by, note=note, at=utcnow(),
                     undo_of=target.id)
    session.add(row)
    session.flush()
    return row


def _later_on_same_rows(session: Session, target: Correction) -> Correction | None:
    rows = {i for i in (target.subject_id, target.object_id) if i is not None}
    if not rows:
        return None
    return session.scalar(
        select(Correction).where(Correction.id > target.id, Correction.undone_at.is_(None),
                                 Correction.action != UNDO, Correction.subject_kind == target.subject_kind,
                                 or_(Correction.subject_id.in_(rows), Correction.object_id.in_(rows)))
        .order_by(Correction.id).limit(1))


def live_corrections(session: Session) -> list[Correction]:
    """The corrections in force, in the order they were made (the order they are re-applied in)."""
    return list(session.scalars(select(Correction).where(Correction.undone_at.is_(None), Correction.action != UNDO)
                                .order_by(Correction.id)))


def reapply(session: Session, rows: Iterable[Correction] | None = None) -> list[Correction]:
    """Apply the corrections in force again, in order, finding their subjects by stable keys; returns the ones
    whose subject is gone (each keeps the reason in ``problem``, listed by the CLI and /-/corrections)."""
    failed = []
    for row in live_corrections(session) if rows is None else rows:
        try:
            change = ACTIONS[row.action].apply(session, row.args, dict(row.applied or {}))
        except NotApplicable as exc:
            row.problem = str(exc)
            failed.append(row)
            continue
        row.subject_id, row.object_id, row.applied, row.problem = (change.subject_id, change.object_id,
                                                                    change.applied, None)
    session.flush()
    return failed


def _articles_of(args: Args) -> set[int]:
    """The articles an event or quote correction's stable refs point into."""
    return {ref["article_id"] for ref in args.values() if isinstance(ref, dict) and "article_id" in ref}


def reapply_for_article(session: Session, article_id: int, actor_ids: set[int],
                        actions: tuple[str, ...] | None = None,
                        live: list[Correction] | None = None) -> list[Correction]:
    """Re-apply what an article just (re)stored can undo: actor corrections about the actors it names, event
    and quote corrections about its own rows. One query when there are no corrections; none when the caller
    passes the corrections in force (``live``, as ``live_corrections`` read them in this transaction)."""
    rows = []
    for row in live_corrections(session) if live is None else live:
        if actions is not None and row.action not in actions:
            continue
        if row.subject_kind == "actor":
            if {row.subject_id, row.object_id} & actor_ids:
                rows.append(row)
        elif article_id in _articles_of(row.args):
            rows.append(row)
    return reapply(session, rows) if rows else []
