"""accounts and audit for level-3 protection: second factor, forced password change,
password history, per-source login throttling, a keyed audit head

Revision ID: 0010
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import portal.crypto
import portal.db
from portal.audit import reseal_plain_chain


revision = '0010'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('totp_secret', portal.crypto.EncryptedText(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recovery_codes', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.alter_column('must_change_password', server_default=None)
        batch_op.alter_column('recovery_codes', server_default=None)

    op.create_table('password_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('set_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_password_history_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history'))
    )
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_history_user_id'), ['user_id'], unique=False)

    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('username', 'source', name=op.f('uq_login_throttle_username_source'))
    )

    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('base_seq', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('base_hash', sa.String(length=64), nullable=False,
                                      server_default='0' * 64))
    # The chain so far was unkeyed SHA-256: reseal its intact part with the audit key.
    reseal_plain_chain(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('base_hash')
        batch_op.drop_column('base_seq')
        batch_op.drop_column('mac')
    op.drop_table('login_throttle')
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_history_user_id'))
    op.drop_table('password_history')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_column('recovery_codes')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('must_change_password')
