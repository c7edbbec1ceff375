"""assessment submissions: reported figures per period, unit and reporting set, their
evidence attachments and the deadlines of the sets

Revision ID: 0111
Revises: 0110
Create Date: 2026-12-05 15:10:00
"""
from alembic import op
import sqlalchemy as sa
import portal.db


revision = '0111'
down_revision = '0110'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('as_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('set_key', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'accepted', 'locked', name='submissionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('returned_count', sa.Integer(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('exception_reason', sa.Text(), nullable=False),
    sa.Column('submitted_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['as_lead_department.id'], name=op.f('fk_as_submission_department_id_as_lead_department')),
    sa.ForeignKeyConstraint(['period_id'], ['as_period.id'], name=op.f('fk_as_submission_period_id_as_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_as_submission_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_submission')),
    sa.UniqueConstraint('period_id', 'unit_id', 'set_key', name=op.f('uq_as_submission_period_id_unit_id_set_key'))
    )
    with op.batch_alter_table('as_submission') as batch:
        batch.create_index('ix_as_submission_period_status', ['period_id', 'status'], unique=False)
        batch.create_index('ix_as_submission_period_department', ['period_id', 'department_id'], unique=False)
        batch.create_index(batch.f('ix_as_submission_unit_id'), ['unit_id'], unique=False)
    op.create_table('as_submission_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['as_submission.id'], name=op.f('fk_as_submission_figure_submission_id_as_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_submission_figure')),
    sa.UniqueConstraint('submission_id', 'indicator_code', name=op.f('uq_as_submission_figure_submission_id_indicator_code'))
    )
    op.create_table('as_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['as_submission.id'], name=op.f('fk_as_evidence_submission_id_as_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_evidence'))
    )
    with op.batch_alter_table('as_evidence') as batch:
        batch.create_index(batch.f('ix_as_evidence_submission_id'), ['submission_id'], unique=False)
    op.create_table('as_report_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('set_key', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['as_period.id'], name=op.f('fk_as_report_deadline_period_id_as_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_report_deadline')),
    sa.UniqueConstraint('period_id', 'set_key', name=op.f('uq_as_report_deadline_period_id_set_key'))
    )


def downgrade() -> None:
    op.drop_table('as_report_deadline')
    op.drop_table('as_evidence')
    op.drop_table('as_submission_figure')
    op.drop_table('as_submission')
