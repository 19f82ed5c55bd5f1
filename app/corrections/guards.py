"""What consolidation must not undo behind an editor's back: actors split apart, evidence that is no event.

Read by ``app.consolidate`` before it merges; only the models are imported, so consolidation depends on
nothing else of the corrections package.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Correction


def kept_apart(session: Session) -> set[frozenset[int]]:
    """Pairs of actor ids an editor split: never merged again automatically (until the split is undone)."""
    rows = session.execute(select(Correction.subject_id, Correction.object_id)
                           .where(Correction.action == "split_alias", Correction.undone_at.is_(None)))
    return {frozenset((a, b)) for a, b in rows if a is not None and b is not None}


def not_events(session: Session, article_id: int) -> set[tuple[int, int]]:
    """(start, end) of the evidence sentences in this article an editor said hold no event."""
    found: set[tuple[int, int]] = set()
    args: dict[str, Any]
    for args in session.scalars(select(Correction.args).where(Correction.action == "not_an_event",
                                                              Correction.undone_at.is_(None))):
        ref: dict[str, Any] = (args or {}).get("event") or {}
        if ref.get("article_id") == article_id:
            found.add((ref["start"], ref["end"]))
    return found
