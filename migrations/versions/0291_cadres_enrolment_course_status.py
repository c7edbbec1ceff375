"""cadres enrolments indexed by course and status: the class list counts the places taken from
the index alone (244,000 enrolments at the large scale)

Revision ID: 0291
Revises: 0290
Create Date: 2026-12-05 15:40:00
"""
from alembic import op


revision = '0291'
down_revision = '0290'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_course_enrolment_course_status', 'course_enrolment', ['course_id', 'status'],
                    unique=False)
    op.drop_index('ix_course_enrolment_course_id', table_name='course_enrolment')


def downgrade() -> None:
    op.create_index('ix_course_enrolment_course_id', 'course_enrolment', ['course_id'], unique=False)
    op.drop_index('ix_course_enrolment_course_status', table_name='course_enrolment')
