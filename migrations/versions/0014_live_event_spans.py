"""live events by precision and span (last day minus first day), so a date window reads only what can overlap it

Revision ID: 0014
Revises: 0013

An event overlaps since..until when it starts by `until` and ends on or after `since`. Read through the first-day
index alone, `since=2024-03-01` visited every event that starts before 2024-03-31 (nine in ten at a million
events) to check its last day. With the longest span of the live events known, only events that start at most
that many days before `since` can overlap, and per precision the bound is tighter still (single days need none).
This index makes those longest spans one index step each (app.queries.spans). The expression is the engine's own
day difference, so it is written per engine (and autogenerate, which skips expression indexes, does not see it).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_events_live_span"
LIVE = "merged_into_id IS NULL AND removed_at IS NULL"
SPAN = {"sqlite": "julianday(last_day) - julianday(first_day)", "postgresql": "last_day - first_day"}


def upgrade() -> None:
    span = SPAN.get(op.get_bind().dialect.name)
    if span is not None:
        op.execute(f"CREATE INDEX {INDEX} ON events (precision, ({span})) WHERE {LIVE}")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
