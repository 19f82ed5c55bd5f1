"""event clauses: trigger offsets, lemma, sense, mood and reporter of an event; events by sense, precision and first day

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = (('trigger_start', sa.Integer()), ('trigger_end', sa.Integer()), ('lemma', sa.String(length=60)),
         ('sense', sa.String(length=60)), ('mood', sa.String(length=12)))
FK_NAME = 'fk_events_reported_by_id_actors'
FK_CLAUSE = (f'\n\tCONSTRAINT {FK_NAME} FOREIGN KEY(reported_by_id) REFERENCES actors (id) ON DELETE SET NULL')


def upgrade() -> None:
    for name, type_ in PLAIN:
        op.add_column('events', sa.Column(name, type_, nullable=True))
    op.add_column('events', sa.Column('reported_by_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_set_constraint(FK_CLAUSE)
    else:
        op.create_foreign_key(FK_NAME, 'events', 'actors', ['reported_by_id'], ['id'], ondelete='SET NULL')
    # consolidation looks up earlier reports of the same action near a date, and coarse dates further back
    # (consolidate.events._found)
    op.create_index('ix_events_sense_precision_first_day', 'events', ['sense', 'precision', 'first_day'], unique=False)


def _sqlite_set_constraint(clause: str | None) -> None:
    """Add (or, with None, take out) the reported_by foreign key in the table's stored definition.

    SQLite adds a table constraint only by rebuilding the table, and a rebuild of events would fire the
    ON DELETE CASCADE of its evidence rows and drop its full-text triggers. The new column holds only
    NULLs, so the constraint changes nothing on disk: SQLite's documented procedure for such changes
    (lang_altertable.html, "other kinds of table schema changes") edits the stored CREATE TABLE instead.
    """
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'").scalar_one()
    body = sql.rstrip().removesuffix(')').rstrip().removesuffix(',' + FK_CLAUSE).removesuffix(FK_CLAUSE).rstrip()
    new = body + (f',{clause}' if clause else '') + '\n)'
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar_one()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'events'", (new,))
    bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def downgrade() -> None:
    op.drop_index('ix_events_sense_precision_first_day', table_name='events')
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_set_constraint(None)  # SQLite drops no column a constraint names
    else:
        op.drop_constraint(FK_NAME, 'events', type_='foreignkey')
    op.drop_column('events', 'reported_by_id')
    for name, _ in reversed(PLAIN):
        op.drop_column('events', name)
