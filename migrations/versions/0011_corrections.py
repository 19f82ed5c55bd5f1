"""corrections: editors' fixes as rows of their own, and quotes an editor removed

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('subject_kind', sa.String(length=10), nullable=False),
        sa.Column('subject_key', sa.String(length=300), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('applied', sa.JSON(), nullable=False),
        sa.Column('by', sa.String(length=100), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.Column('undo_of', sa.Integer(), nullable=True),
        sa.Column('problem', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['undo_of'], ['corrections.id'], name=op.f('fk_corrections_undo_of_corrections'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections')),
    )
    op.create_index(op.f('ix_corrections_action'), 'corrections', ['action'], unique=False)
    op.create_index('ix_corrections_subject', 'corrections', ['subject_kind', 'subject_id'], unique=False)
    op.create_index('ix_corrections_object', 'corrections', ['subject_kind', 'object_id'], unique=False)
    # a plain ADD COLUMN: a batch rebuild of quotes would drop its full-text triggers (see 0009)
    op.add_column('quotes', sa.Column('removed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('quotes', 'removed_at')
    op.drop_index('ix_corrections_object', table_name='corrections')
    op.drop_index('ix_corrections_subject', table_name='corrections')
    op.drop_index(op.f('ix_corrections_action'), table_name='corrections')
    op.drop_table('corrections')
