"""offer_keys keyed by (offer_id, key): no surrogate id, one index fewer

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    # The unique (offer_id, key) becomes the primary key: the surrogate id and its index
    # cost a tenth of the table's size and a write per key, and nothing refers to them.
    with op.batch_alter_table('offer_keys', schema=None) as batch_op:
        batch_op.drop_constraint('pk_offer_keys', type_='primary')
        batch_op.drop_constraint('uq_offer_keys_offer_id_key', type_='unique')
        batch_op.drop_column('id')
        batch_op.create_primary_key('pk_offer_keys', ['offer_id', 'key'])


def downgrade() -> None:
    with op.batch_alter_table('offer_keys', schema=None) as batch_op:
        batch_op.drop_constraint('pk_offer_keys', type_='primary')
        batch_op.add_column(sa.Column('id', BigId, sa.Identity(), nullable=False))
        batch_op.create_primary_key('pk_offer_keys', ['id'])
        batch_op.create_unique_constraint('uq_offer_keys_offer_id_key', ['offer_id', 'key'])
