"""assessment lead departments (牵头部门) and the indicator's lead department

Revision ID: 0110
Revises: 0100
Create Date: 2026-12-05 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0110'
down_revision = '0100'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('as_lead_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_lead_department')),
    sa.UniqueConstraint('code', name=op.f('uq_as_lead_department_code'))
    )
    with op.batch_alter_table('as_indicator') as batch:
        batch.add_column(sa.Column('lead_department_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_as_indicator_lead_department_id_as_lead_department'),
                                 'as_lead_department', ['lead_department_id'], ['id'])
        batch.create_index(batch.f('ix_as_indicator_lead_department_id'), ['lead_department_id'],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table('as_indicator') as batch:
        batch.drop_index(batch.f('ix_as_indicator_lead_department_id'))
        batch.drop_constraint(batch.f('fk_as_indicator_lead_department_id_as_lead_department'),
                              type_='foreignkey')
        batch.drop_column('lead_department_id')
    op.drop_table('as_lead_department')
