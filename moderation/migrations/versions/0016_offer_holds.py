"""offer_holds: an offer kept from buyers until a person decides; safety_matches.agreed

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'offer_holds',
        sa.Column('id', BigId, nullable=False),
        sa.Column('offer_id', BigId, nullable=False),
        sa.Column('case_id', BigId, nullable=True),
        sa.Column('reason_code', sa.String(length=64), nullable=False),
        sa.Column('alert_id', BigId, nullable=True),
        sa.Column('removed_offer_id', BigId, nullable=True),
        sa.Column('previous_status', sa.String(length=16), nullable=False),
        sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_id', BigId, nullable=True),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name='fk_offer_holds_offer_id_offers'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_offer_holds_case_id_cases'),
        sa.ForeignKeyConstraint(['alert_id'], ['safety_alerts.id'],
                                name='fk_offer_holds_alert_id_safety_alerts'),
        sa.ForeignKeyConstraint(['removed_offer_id'], ['offers.id'],
                                name='fk_offer_holds_removed_offer_id_offers'),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'],
                                name='fk_offer_holds_decision_id_decisions'),
        sa.PrimaryKeyConstraint('id', name='pk_offer_holds'),
    )
    op.create_index('ix_offer_holds_offer_id', 'offer_holds', ['offer_id'])
    op.create_index('ix_offer_holds_case_id', 'offer_holds', ['case_id'])
    # One open hold per offer: a second screening or alert finds it and tells nobody twice.
    op.create_index('ix_offer_holds_open', 'offer_holds', ['offer_id'], unique=True,
                    postgresql_where=sa.text('released_at IS NULL'),
                    sqlite_where=sa.text('released_at IS NULL'))
    # What both sides of a safety match shared, for the case page (barcode, model code).
    with op.batch_alter_table('safety_matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('safety_matches', schema=None) as batch_op:
        batch_op.drop_column('agreed')
    op.drop_table('offer_holds')
