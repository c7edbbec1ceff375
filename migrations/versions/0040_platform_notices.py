"""notices (待办 and 通知): one row per message to a user, read/unread kept per user

Revision ID: 0040
Revises: 0030
Create Date: 2026-12-05 15:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = '0040'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('package', sa.String(length=32), nullable=False),
        sa.Column('href', sa.String(length=300), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=True),
        sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'key', name='uq_notice_user_key'),
    )
    op.create_index('ix_notice_user_unread', 'notice', ['user_id', 'read_at'])
    op.create_index(op.f('ix_notice_created_at'), 'notice', ['created_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_notice_created_at'), table_name='notice')
    op.drop_index('ix_notice_user_unread', table_name='notice')
    op.drop_table('notice')
