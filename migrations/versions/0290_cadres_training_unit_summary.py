"""cadres training unit summary: completion and hours per unit, year and day, with the stamps
that tell a stale row (training_summary_stamp)

Revision ID: 0290
Revises: 0280
Create Date: 2026-12-05 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0290'
down_revision = '0280'
branch_labels = None
depends_on = None

CELLS = [f"{category}_{mode}" for category in ("knowledge", "party_spirit", "professional", "theory")
         for mode in ("offline", "online")]
MONTHS = [f"month_{number:02d}_{mode}" for number in range(1, 13) for mode in ("offline", "online")]


def upgrade() -> None:
    op.create_table('training_summary_stamp',
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_training_summary_stamp'))
    )
    op.create_table('training_unit_summary',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('basis', sa.String(length=64), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('cadres', sa.Integer(), nullable=False),
    sa.Column('complete', sa.Integer(), nullable=False),
    sa.Column('behind', sa.Integer(), nullable=False),
    sa.Column('five_year_cadres', sa.Integer(), nullable=False),
    sa.Column('five_year_behind', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Float(), nullable=False),
    sa.Column('online', sa.Float(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    *(sa.Column(name, sa.Float(), nullable=True) for name in CELLS + MONTHS),
    sa.PrimaryKeyConstraint('year', 'as_of', 'unit_id', name=op.f('pk_training_unit_summary'))
    )


def downgrade() -> None:
    op.drop_table('training_unit_summary')
    op.drop_table('training_summary_stamp')
