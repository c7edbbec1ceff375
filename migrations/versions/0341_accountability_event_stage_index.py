"""accountability: case events indexed by the stage they moved to (the overview's funnel counts
the cases that ever reached each stage from the index alone)

Revision ID: 0341
Revises: 0340
Create Date: 2026-12-05 18:05:00
"""
from alembic import op

revision = '0341'
down_revision = '0340'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_ac_case_event_to_stage_case_id', 'ac_case_event', ['to_stage', 'case_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_ac_case_event_to_stage_case_id', table_name='ac_case_event')
