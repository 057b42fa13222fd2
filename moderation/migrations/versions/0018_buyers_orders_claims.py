"""Buyer Protection Programme: buyers, orders, tracking events, discussions and their
messages, claims, compensations; sellers' activation date and accepted terms, and an
activation the marketplace did not send is unknown (NULL), not true

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 13:04:31.181089
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('buyers',
    sa.Column('id', BigId, nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('account_created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('activated', sa.Boolean(), nullable=True),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('terms_version', sa.String(length=32), nullable=True),
    sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('subscription_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyers')),
    sa.UniqueConstraint('external_id', name=op.f('uq_buyers_external_id'))
    )
    op.create_table('orders',
    sa.Column('id', BigId, nullable=False),
    sa.Column('marketplace_id', sa.String(length=64), nullable=False),
    sa.Column('buyer_id', BigId, nullable=False),
    sa.Column('seller_id', BigId, nullable=False),
    sa.Column('offer_id', BigId, nullable=False),
    sa.Column('offer_version', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('fast_track', sa.Boolean(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_orders_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_orders_offer_id_offers')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_orders_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('marketplace_id', name=op.f('uq_orders_marketplace_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_seller_id'), ['seller_id'], unique=False)

    op.create_table('discussions',
    sa.Column('id', BigId, nullable=False),
    sa.Column('marketplace_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seller_answer_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seller_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seller_refused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_discussions_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussions')),
    sa.UniqueConstraint('marketplace_id', name=op.f('uq_discussions_marketplace_id'))
    )
    with op.batch_alter_table('discussions', schema=None) as batch_op:
        batch_op.create_index('ix_discussions_open_due', ['seller_answer_due_at'], unique=False, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.create_index(batch_op.f('ix_discussions_order_id'), ['order_id'], unique=False)

    op.create_table('tracking_events',
    sa.Column('id', BigId, nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_tracking_events_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_events')),
    sa.UniqueConstraint('order_id', 'event_id', name=op.f('uq_tracking_events_order_id_event_id'))
    )
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_events_order_id'), ['order_id'], unique=False)

    op.create_table('discussion_messages',
    sa.Column('id', BigId, nullable=False),
    sa.Column('discussion_id', BigId, nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['discussion_id'], ['discussions.id'], name=op.f('fk_discussion_messages_discussion_id_discussions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_messages')),
    sa.UniqueConstraint('discussion_id', 'message_id', name=op.f('uq_discussion_messages_discussion_id_message_id'))
    )
    with op.batch_alter_table('discussion_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_messages_discussion_id'), ['discussion_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', BigId, nullable=False),
    sa.Column('discussion_id', BigId, nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('case_id', BigId, nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('fast_track', sa.Boolean(), nullable=False),
    sa.Column('fraud_signals', sa.JSON(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_id', BigId, nullable=True),
    sa.Column('upheld', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_claims_case_id_cases')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_claims_decision_id_decisions')),
    sa.ForeignKeyConstraint(['discussion_id'], ['discussions.id'], name=op.f('fk_claims_discussion_id_discussions')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_claims_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('case_id', name=op.f('uq_claims_case_id')),
    sa.UniqueConstraint('discussion_id', name=op.f('uq_claims_discussion_id'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_order_id'), ['order_id'], unique=False)

    op.create_table('compensations',
    sa.Column('id', BigId, nullable=False),
    sa.Column('claim_id', BigId, nullable=False),
    sa.Column('decision_id', BigId, nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_reference', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_compensations_claim_id_claims')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_compensations_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensations')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_compensations_decision_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_compensations_idempotency_key'))
    )
    with op.batch_alter_table('compensations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensations_claim_id'), ['claim_id'], unique=False)

    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('terms_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('activated',
               existing_type=sa.BOOLEAN(),
               nullable=True)



def downgrade() -> None:
    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.alter_column('activated',
               existing_type=sa.BOOLEAN(),
               nullable=False)
        batch_op.drop_column('terms_accepted_at')
        batch_op.drop_column('terms_version')
        batch_op.drop_column('activated_at')

    with op.batch_alter_table('compensations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensations_claim_id'))

    op.drop_table('compensations')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_order_id'))

    op.drop_table('claims')
    with op.batch_alter_table('discussion_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_messages_discussion_id'))

    op.drop_table('discussion_messages')
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_events_order_id'))

    op.drop_table('tracking_events')
    with op.batch_alter_table('discussions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussions_order_id'))
        batch_op.drop_index('ix_discussions_open_due', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.drop_table('discussions')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_seller_id'))
        batch_op.drop_index(batch_op.f('ix_orders_offer_id'))
        batch_op.drop_index(batch_op.f('ix_orders_buyer_id'))

    op.drop_table('orders')
    op.drop_table('buyers')
