"""actor roles with the dates the corpus supports; role actors (a role named without its holder); product makers

Revision ID: 0012
Revises: 0011

`actor_roles` holds, per person and canonical role (`United States president`), the title as written and
the first and last publication dates of the articles that give it; `actors.role` marks an actor that is a
role named without its holder (`the US President`), resolved to the holder at each article's date.
`product_makers` links a product actor (`Airbus A380`) to its maker's actor (`Airbus`).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('actors', sa.Column('role', sa.String(length=300), nullable=True))
    op.create_index('ix_actors_role', 'actors', ['role'], unique=False)
    op.create_table(
        'actor_roles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=300), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('actor_id', 'role', name='uq_actor_roles_actor_role'),
    )
    op.create_index('ix_actor_roles_role', 'actor_roles', ['role'], unique=False)
    op.create_table(
        'product_makers',
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('maker_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['product_id'], ['actors.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['maker_id'], ['actors.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('product_id'),
    )
    op.create_index('ix_product_makers_maker_id', 'product_makers', ['maker_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_product_makers_maker_id', table_name='product_makers')
    op.drop_table('product_makers')
    op.drop_index('ix_actor_roles_role', table_name='actor_roles')
    op.drop_table('actor_roles')
    op.drop_index('ix_actors_role', table_name='actors')
    with op.batch_alter_table('actors') as batch:
        batch.drop_column('role')
