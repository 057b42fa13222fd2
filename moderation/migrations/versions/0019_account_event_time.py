"""Accounts: the time of the last account event applied to a buyer or a seller, so that an
older event arriving late does not overwrite a newer one

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 13:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('buyers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_event_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_event_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.drop_column('account_event_at')
    with op.batch_alter_table('buyers', schema=None) as batch_op:
        batch_op.drop_column('account_event_at')
