"""cadres: personnel decisions' rationale and notes encrypted at rest

Revision ID: 0230
Revises: 0250
"""
from alembic import op

from portal.crypto import seal_existing


revision = '0230'
down_revision = '0250'
branch_labels = None
depends_on = None


def upgrade() -> None:
    seal_existing(op.get_bind(), 'personnel_decision', ('rationale', 'review_note', 'decision_note'))


def downgrade() -> None:
    raise NotImplementedError("decrypting the confidential texts back to plain text is not offered")
