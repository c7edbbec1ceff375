"""user text size (适老化: the header's text-size switch, remembered per user)

Revision ID: 0020
Revises: 0010
Create Date: 2026-12-05 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('text_size', sa.Enum('standard', 'large', 'extra_large', name='textsize',
                                                        native_enum=False, length=32),
                                   nullable=False, server_default='standard'))


def downgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('text_size')
