"""statements: every statement of reasons as the person affected got it (DSA art. 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 08:00:00
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'statements',
        sa.Column('id', BigId, nullable=False),
        sa.Column('puid', sa.String(length=500), nullable=False),
        sa.Column('subject', sa.String(length=16), nullable=False),
        sa.Column('restriction', sa.String(length=32), nullable=False),
        sa.Column('decision_id', BigId, nullable=True),
        sa.Column('offer_id', BigId, nullable=True),
        sa.Column('seller_id', BigId, nullable=False),
        sa.Column('strike_id', BigId, nullable=True),
        sa.Column('appeal_id', BigId, nullable=True),
        sa.Column('territorial_scope', sa.JSON(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ground', sa.String(length=16), nullable=False),
        sa.Column('category', sa.String(length=80), nullable=False),
        sa.Column('category_specification', sa.JSON(), nullable=False),
        sa.Column('source_type', sa.String(length=32), nullable=False),
        sa.Column('automated_detection', sa.Boolean(), nullable=False),
        sa.Column('automated_decision', sa.String(length=16), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('facts', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'],
                                name='fk_statements_decision_id_decisions'),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name='fk_statements_offer_id_offers'),
        sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'],
                                name='fk_statements_seller_id_sellers'),
        sa.ForeignKeyConstraint(['strike_id'], ['strikes.id'],
                                name='fk_statements_strike_id_strikes'),
        sa.PrimaryKeyConstraint('id', name='pk_statements'),
        sa.UniqueConstraint('puid', name='uq_statements_puid'),
    )
    op.create_index('ix_statements_decision_id', 'statements', ['decision_id'])
    op.create_index('ix_statements_offer_id', 'statements', ['offer_id'])
    op.create_index('ix_statements_seller_id', 'statements', ['seller_id'])
    op.create_index('ix_statements_created_at', 'statements', ['created_at'])
    op.create_index('ix_statements_seller_created', 'statements', ['seller_id', 'created_at'])


def downgrade() -> None:
    op.drop_table('statements')
