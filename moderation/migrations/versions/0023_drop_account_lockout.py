"""Accounts: the old lockout's columns (failed_logins, locked_until) dropped; failed logins
are counted by the login throttle in Redis (moderation/accounts/throttle.py) and nothing
read them any more; password_must_change added: a password an administrator set (an
account created, a password reset) works once, then its owner sets their own

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.add_column(sa.Column('password_must_change', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('password_must_change')
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('staff', schema=None) as batch_op:
        # As 0002 left it: the default was for the rows already there.
        batch_op.alter_column('failed_logins', server_default=None)
