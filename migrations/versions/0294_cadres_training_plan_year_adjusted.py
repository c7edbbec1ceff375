"""cadres training plans indexed by year and adjustment: the plans page lists and counts the
adjusted plans (a few of the year's 52,000) from the index

Revision ID: 0294
Revises: 0293
Create Date: 2026-12-05 18:15:00
"""
from alembic import op

revision = '0294'
down_revision = '0293'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_training_plan_year_adjusted', 'training_plan', ['year', 'adjusted_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_training_plan_year_adjusted', table_name='training_plan')
