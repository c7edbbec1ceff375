"""jobs: long work (annual report workbook, big imports and exports) queued in the database,
run by a worker thread of any process, its progress and result readable by every worker;
replaces the scores import's own progress table (as_import_progress)

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-05 18:00:00
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0050'
down_revision = '0040'
branch_labels = None
depends_on = '0100'  # drops the assessment chain's as_import_progress


def upgrade() -> None:
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('upload', sa.LargeBinary(), nullable=True),
        sa.Column('lang', sa.String(length=5), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('result_type', sa.String(length=100), nullable=True),
        sa.Column('result', sa.LargeBinary(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_job_owner_kind', 'job', ['owner_id', 'kind', 'id'])
    op.create_index('ix_job_status', 'job', ['status', 'id'])
    op.drop_table('as_import_progress')


def downgrade() -> None:
    op.create_table(
        'as_import_progress',
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_as_import_progress')),
    )
    op.drop_index('ix_job_status', table_name='job')
    op.drop_index('ix_job_owner_kind', table_name='job')
    op.drop_table('job')
