"""cadres: saved condition searches of the roster (条件检索 → 花名册)

Revision ID: 0280
Revises: 0230
"""
from alembic import op
import sqlalchemy as sa
import portal.db


revision = '0280'
down_revision = '0230'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roster_saved_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_roster_saved_search_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_saved_search')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_roster_saved_search_user_id_name'))
    )
    with op.batch_alter_table('roster_saved_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_saved_search_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('roster_saved_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_saved_search_user_id'))
    op.drop_table('roster_saved_search')
