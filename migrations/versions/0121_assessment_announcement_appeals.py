"""assessment: the announcement (公示) of a period's results and appeals (申诉) (issue 15)

Revision ID: 0121
Revises: 0120
Create Date: 2026-12-05 15:00:00
"""
from alembic import op
import sqlalchemy as sa
import portal.db


revision = '0121'
down_revision = '0120'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('as_period') as batch:
        batch.add_column(sa.Column('announced_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('announced_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('announced_by', sa.String(length=64), nullable=False,
                                   server_default=''))
    op.create_table('as_appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'upheld', 'rejected', name='appealstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('original_value', sa.Double(), nullable=True),
    sa.Column('original_points', sa.Double(), nullable=True),
    sa.Column('evidence_name', sa.String(length=200), nullable=False),
    sa.Column('evidence_type', sa.String(length=40), nullable=False),
    sa.Column('evidence_size', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('corrected_value', sa.Double(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['as_period.id'], name=op.f('fk_as_appeal_period_id_as_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_as_appeal_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_appeal'))
    )
    op.create_index('ix_as_appeal_period_status', 'as_appeal', ['period_id', 'status'], unique=False)
    op.create_index(op.f('ix_as_appeal_unit_id'), 'as_appeal', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_as_appeal_unit_id'), table_name='as_appeal')
    op.drop_index('ix_as_appeal_period_status', table_name='as_appeal')
    op.drop_table('as_appeal')
    with op.batch_alter_table('as_period') as batch:
        batch.drop_column('announced_by')
        batch.drop_column('announced_until')
        batch.drop_column('announced_on')
