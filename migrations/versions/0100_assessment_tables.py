"""assessment tables: schemes, indicators, periods, scores, results, supervision items

Revision ID: 0100
Revises: 0001
Create Date: 2026-11-26 21:16:11.169278
"""
from alembic import op
import sqlalchemy as sa
import portal.db


revision = '0100'
down_revision = '0001'
branch_labels = ('assessment',)
depends_on = None


def upgrade() -> None:
    op.create_table('as_import_progress',
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_as_import_progress'))
    )
    op.create_table('as_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.Enum('quarter', 'year', name='periodkind', native_enum=False, length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'collecting', 'reviewing', 'published', 'archived', name='periodstatus', native_enum=False, length=32), nullable=False),
    sa.Column('published_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_period')),
    sa.UniqueConstraint('code', name=op.f('uq_as_period_code'))
    )
    op.create_table('as_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('city', 'district', 'street', 'community', name='unitlevel', native_enum=False, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_scheme')),
    sa.UniqueConstraint('year', 'level', 'version', name=op.f('uq_as_scheme_year_level_version'))
    )
    op.create_table('as_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('direction', sa.Enum('higher', 'lower', name='direction', native_enum=False, length=32), nullable=False),
    sa.Column('method', sa.Enum('group', 'direct', 'ratio', 'banded', 'deduction', 'bonus', 'veto', name='method', native_enum=False, length=32), nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('bands', sa.JSON(), nullable=True),
    sa.Column('cap', sa.Double(), nullable=True),
    sa.Column('per_item', sa.Double(), nullable=True),
    sa.Column('unit_label', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['as_scheme.id'], name=op.f('fk_as_indicator_scheme_id_as_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_indicator')),
    sa.UniqueConstraint('scheme_id', 'code', name=op.f('uq_as_indicator_scheme_id_code'))
    )
    with op.batch_alter_table('as_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_as_indicator_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('as_period_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('city', 'district', 'street', 'community', name='unitlevel', native_enum=False, length=32), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('unit_count', sa.Integer(), nullable=False),
    sa.Column('median_composite', sa.Double(), nullable=True),
    sa.Column('medians', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['as_period.id'], name=op.f('fk_as_period_level_period_id_as_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['as_scheme.id'], name=op.f('fk_as_period_level_scheme_id_as_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_period_level')),
    sa.UniqueConstraint('period_id', 'level', name=op.f('uq_as_period_level_period_id_level'))
    )
    op.create_table('as_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('city', 'district', 'street', 'community', name='unitlevel', native_enum=False, length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('composite', sa.Double(), nullable=False),
    sa.Column('bonus', sa.Double(), nullable=False),
    sa.Column('rank_in_level', sa.Integer(), nullable=False),
    sa.Column('count_in_level', sa.Integer(), nullable=False),
    sa.Column('rank_in_parent', sa.Integer(), nullable=False),
    sa.Column('count_in_parent', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('good', 'fair', 'average', 'poor', name='grade', native_enum=False, length=32), nullable=False),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('veto_codes', sa.JSON(), nullable=False),
    sa.Column('robust_z', sa.Double(), nullable=True),
    sa.Column('computed_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['as_period.id'], name=op.f('fk_as_result_period_id_as_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['as_scheme.id'], name=op.f('fk_as_result_scheme_id_as_scheme')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_as_result_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_result')),
    sa.UniqueConstraint('period_id', 'unit_id', name=op.f('uq_as_result_period_id_unit_id'))
    )
    with op.batch_alter_table('as_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_as_result_unit_id'), ['unit_id'], unique=False)

    op.create_table('as_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['as_period.id'], name=op.f('fk_as_score_period_id_as_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_as_score_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_score')),
    sa.UniqueConstraint('period_id', 'unit_id', 'indicator_code', name=op.f('uq_as_score_period_id_unit_id_indicator_code'))
    )
    with op.batch_alter_table('as_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_as_score_unit_id'), ['unit_id'], unique=False)

    op.create_table('as_supervision_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'in_progress', 'overdue', 'rectified', 'verified', 'failed', name='supervisionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('rectification', sa.Text(), nullable=False),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('indicator_code', sa.String(length=32), nullable=True),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_as_supervision_item_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_supervision_item'))
    )
    with op.batch_alter_table('as_supervision_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_as_supervision_item_unit_id'), ['unit_id'], unique=False)

    op.create_table('as_result_item',
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('fraction', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['result_id'], ['as_result.id'], name=op.f('fk_as_result_item_result_id_as_result'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('result_id', 'indicator_code', name=op.f('pk_as_result_item'))
    )
    with op.batch_alter_table('as_result_item', schema=None) as batch_op:
        batch_op.create_index('ix_as_result_item_period_indicator', ['period_id', 'indicator_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('as_result_item', schema=None) as batch_op:
        batch_op.drop_index('ix_as_result_item_period_indicator')

    op.drop_table('as_result_item')
    with op.batch_alter_table('as_supervision_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_as_supervision_item_unit_id'))

    op.drop_table('as_supervision_item')
    with op.batch_alter_table('as_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_as_score_unit_id'))

    op.drop_table('as_score')
    with op.batch_alter_table('as_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_as_result_unit_id'))

    op.drop_table('as_result')
    op.drop_table('as_period_level')
    with op.batch_alter_table('as_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_as_indicator_scheme_id'))

    op.drop_table('as_indicator')
    op.drop_table('as_scheme')
    op.drop_table('as_period')
    op.drop_table('as_import_progress')
