"""cadres training plans indexed by year and deadline: the year's few deadlines are read from
the index (a loose index scan), not from 52,000 plans (the year index it replaces is its prefix)

Revision ID: 0293
Revises: 0292
Create Date: 2026-12-05 18:10:00
"""
from alembic import op

revision = '0293'
down_revision = '0292'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_training_plan_year_deadline', 'training_plan', ['year', 'deadline'],
                    unique=False)
    op.drop_index('ix_training_plan_year', table_name='training_plan')


def downgrade() -> None:
    op.create_index('ix_training_plan_year', 'training_plan', ['year'], unique=False)
    op.drop_index('ix_training_plan_year_deadline', table_name='training_plan')
