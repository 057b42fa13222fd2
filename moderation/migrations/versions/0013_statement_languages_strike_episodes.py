"""sellers.language (statements in the seller's language); strikes.counts_as_id (one
infringement, one rung of the repeat-infringer ladder)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sellers') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('strikes') as batch:
        batch.add_column(sa.Column('counts_as_id', BigId, nullable=True))
        batch.create_foreign_key('fk_strikes_counts_as_id_strikes', 'strikes',
                                 ['counts_as_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('strikes') as batch:
        batch.drop_constraint('fk_strikes_counts_as_id_strikes', type_='foreignkey')
        batch.drop_column('counts_as_id')
    with op.batch_alter_table('sellers') as batch:
        batch.drop_column('language')
