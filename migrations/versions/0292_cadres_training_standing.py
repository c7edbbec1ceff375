"""cadres training standing: each serving cadre's day-independent training standing per year,
kept beside the unit summaries under the same stamps, so a new day's unit rows are a grouped
scan (the unit summaries stored before are dropped: they are derived, and were stored without
standings)

Revision ID: 0292
Revises: 0291
Create Date: 2026-12-05 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0292'
down_revision = '0291'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('training_standing',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cadre_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('annual', sa.Float(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('counted', sa.Float(), nullable=False),
    sa.Column('online', sa.Float(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('complete', sa.Integer(), nullable=False),
    sa.Column('has_five', sa.Integer(), nullable=False),
    sa.Column('five', sa.Float(), nullable=True),
    sa.Column('five_done', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'unit_id', 'cadre_id', name=op.f('pk_training_standing'))
    )
    op.execute("DELETE FROM training_unit_summary")


def downgrade() -> None:
    op.drop_table('training_standing')
