"""assessment: parameters of the rank and imported scoring methods (issue 15)

Revision ID: 0120
Revises: 0111
Create Date: 2026-12-05 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0120'
down_revision = '0111'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('as_indicator') as batch:
        batch.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('as_indicator') as batch:
        batch.drop_column('params')
