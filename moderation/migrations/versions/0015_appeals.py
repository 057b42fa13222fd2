"""appeals: the internal complaint-handling system (DSA art. 20)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'appeals',
        sa.Column('id', BigId, nullable=False),
        sa.Column('reference', sa.String(length=32), nullable=False),
        sa.Column('appellant_kind', sa.String(length=16), nullable=False),
        sa.Column('appellant', sa.String(length=64), nullable=False),
        sa.Column('seller_id', BigId, nullable=True),
        sa.Column('organisation_id', BigId, nullable=True),
        sa.Column('filed_by', BigId, nullable=True),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('decision_id', BigId, nullable=True),
        sa.Column('statement_id', BigId, nullable=True),
        sa.Column('offer_id', BigId, nullable=False),
        sa.Column('contested', sa.String(length=32), nullable=False),
        sa.Column('explanation', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=False),
        sa.Column('case_id', BigId, nullable=True),
        sa.Column('outcome_decision_id', BigId, nullable=True),
        sa.Column('told_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'],
                                name='fk_appeals_seller_id_sellers'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name='fk_appeals_organisation_id_organisations'),
        sa.ForeignKeyConstraint(['filed_by'], ['staff.id'], name='fk_appeals_filed_by_staff'),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'],
                                name='fk_appeals_decision_id_decisions'),
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'],
                                name='fk_appeals_statement_id_statements'),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name='fk_appeals_offer_id_offers'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_appeals_case_id_cases'),
        sa.ForeignKeyConstraint(['outcome_decision_id'], ['decisions.id'],
                                name='fk_appeals_outcome_decision_id_decisions'),
        sa.PrimaryKeyConstraint('id', name='pk_appeals'),
        sa.UniqueConstraint('reference', name='uq_appeals_reference'),
        sa.UniqueConstraint('appellant', 'target', name='uq_appeals_appellant_target'),
    )
    op.create_index('ix_appeals_seller_id', 'appeals', ['seller_id'])
    op.create_index('ix_appeals_organisation_id', 'appeals', ['organisation_id'])
    op.create_index('ix_appeals_decision_id', 'appeals', ['decision_id'])
    op.create_index('ix_appeals_offer_id', 'appeals', ['offer_id'])
    op.create_index('ix_appeals_case_id', 'appeals', ['case_id'])


def downgrade() -> None:
    op.drop_table('appeals')
