"""cadres training tally: class hours per cadre and year, by category and mode, and by month;
the records of a year by completion date

Revision ID: 0220
Revises: 0201
Create Date: 2026-12-05 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0220'
down_revision = '0201'
branch_labels = None
depends_on = None

CATEGORIES = ("knowledge", "party_spirit", "professional", "theory")
MODES = ("offline", "online")
CELLS = [f"{category}_{mode}" for category in CATEGORIES for mode in MODES]
DERIVED = {"offline": [c for c in CELLS if c.endswith("_offline")],
           "online": [c for c in CELLS if c.endswith("_online")], "total": CELLS,
           **{category: [f"{category}_{mode}" for mode in MODES] for category in CATEGORIES}}
MONTHS = [(number, mode) for number in range(1, 13) for mode in MODES]


def upgrade() -> None:
    op.create_table('training_tally',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    *(sa.Column(cell, sa.Float(), nullable=True) for cell in CELLS),
    sa.Column('records', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Float(), nullable=False) for name in DERIVED),
    *(sa.Column(f"month_{number:02d}_{mode}", sa.Float(), nullable=False) for number, mode in MONTHS),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], ),
    sa.PrimaryKeyConstraint('year', 'cadre_id')
    )
    op.create_index('ix_training_record_year_completed', 'training_record', ['year', 'completed_on', 'id'],
                    unique=False)
    # the tallies of the records already there (cadres.training.refresh_tallies keeps them from now on);
    # the derived sums add the cells in the order HoursTally does
    month = "CAST(strftime('%m', completed_on) AS INTEGER)" if op.get_bind().dialect.name == "sqlite" \
        else "EXTRACT(MONTH FROM completed_on)"
    cell_sums = [f"SUM(CASE WHEN category = '{cell.rsplit('_', 1)[0]}' AND mode = '{cell.rsplit('_', 1)[1]}' "
                 f"THEN hours END) AS {cell}" for cell in CELLS]
    month_sums = [f"SUM(CASE WHEN {month} = {number} AND mode = '{mode}' THEN hours END) AS m{number}_{mode}"
                  for number, mode in MONTHS]
    derived = [" + ".join(f"COALESCE({cell}, 0.0)" for cell in cells) for cells in DERIVED.values()]
    months = [f"COALESCE(m{number}_{mode}, 0.0)" for number, mode in MONTHS]
    names = ["cadre_id", "year", *CELLS, "records", *DERIVED, *(f"month_{n:02d}_{m}" for n, m in MONTHS)]
    op.execute(f"INSERT INTO training_tally ({', '.join(names)}) "
               f"SELECT cadre_id, year, {', '.join(CELLS)}, records, {', '.join(derived)}, {', '.join(months)} "
               f"FROM (SELECT cadre_id, year, {', '.join(cell_sums + month_sums)}, COUNT(*) AS records FROM training_record "
               f"GROUP BY cadre_id, year) AS sums")
    # statistics for the new index and table (without them SQLite takes the new index for one
    # cadre's records and scans the whole year)
    op.execute("ANALYZE training_record")
    op.execute("ANALYZE training_tally")


def downgrade() -> None:
    op.drop_index('ix_training_record_year_completed', table_name='training_record')
    op.drop_table('training_tally')
