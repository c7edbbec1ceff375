"""assessment: partial index of the present scores (completeness counts from it alone)

Revision ID: 0160
Revises: 0140
Create Date: 2026-12-05 18:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0160'
down_revision = '0140'
branch_labels = None
depends_on = None

WHERE = sa.text("value IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_as_score_present", "as_score", ["period_id", "unit_id", "indicator_code"],
                    sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_as_score_present", table_name="as_score")
