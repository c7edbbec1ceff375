"""accountability: confidential texts encrypted at rest (AES-GCM, key outside the database)

Revision ID: 0330
Revises: 0300
"""
from alembic import op
import sqlalchemy as sa

from portal.crypto import seal_existing


revision = '0330'
down_revision = '0300'
branch_labels = None
depends_on = None

SEALED = {
    'ac_case': ('title', 'summary'),
    'ac_case_event': ('reason',),
    'ac_measure': ('note',),
    'ac_tolerance': ('statement', 'verification_notes', 'reasons'),
    'ac_name_clearing': ('note',),
    'ac_follow_up_visit': ('note',),
}


def upgrade() -> None:
    with op.batch_alter_table('ac_case', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=False)
    connection = op.get_bind()
    for table, columns in SEALED.items():
        seal_existing(connection, table, columns)


def downgrade() -> None:
    raise NotImplementedError("decrypting the confidential texts back to plain text is not offered")
