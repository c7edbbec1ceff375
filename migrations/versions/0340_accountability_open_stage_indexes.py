"""accountability: indexes for the scoped questions the desk, the to-do list and the overdue
notices ask (open stages by time limit, applications by status, open follow-ups by date)

Revision ID: 0340
Revises: 0330
Create Date: 2026-12-05 18:00:00
"""
from alembic import op

revision = '0340'
down_revision = '0330'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_ac_case_stage_due_on': ('ac_case', ['stage', 'due_on']),
    'ix_ac_tolerance_status_unit_id': ('ac_tolerance', ['status', 'unit_id']),
    'ix_ac_correction_action_done_on_due_on': ('ac_correction_action', ['done_on', 'due_on']),
    'ix_ac_name_clearing_done_on_due_on': ('ac_name_clearing', ['done_on', 'due_on']),
    'ix_ac_follow_up_visit_visited_on_earliest_on': ('ac_follow_up_visit',
                                                     ['visited_on', 'earliest_on']),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    # the stage alone is the new index's first column
    op.drop_index('ix_ac_case_stage', table_name='ac_case')


def downgrade() -> None:
    op.create_index('ix_ac_case_stage', 'ac_case', ['stage'], unique=False)
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
