"""Feedback: buyers' ratings and comments on orders with their screening, sellers' reports
of a comment, and the reminders sent to buyers who have not rated

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 13:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', BigId, nullable=False),
    sa.Column('marketplace_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('buyer_id', BigId, nullable=False),
    sa.Column('seller_id', BigId, nullable=False),
    sa.Column('rating', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hits', sa.JSON(), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_by', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_feedback_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_feedback_order_id_orders')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_feedback_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('marketplace_id', name=op.f('uq_feedback_marketplace_id')),
    sa.UniqueConstraint('order_id', name=op.f('uq_feedback_order_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index('ix_feedback_seller_created', ['seller_id', 'created_at'], unique=False, postgresql_where=sa.text("status = 'published'"), sqlite_where=sa.text("status = 'published'"))

    op.create_table('feedback_reports',
    sa.Column('id', BigId, nullable=False),
    sa.Column('feedback_id', BigId, nullable=False),
    sa.Column('case_id', BigId, nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feedback_reports_case_id_cases')),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_reports_feedback_id_feedback')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_reports')),
    sa.UniqueConstraint('case_id', name=op.f('uq_feedback_reports_case_id'))
    )
    with op.batch_alter_table('feedback_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_reports_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('feedback_reminders',
    sa.Column('id', BigId, nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('outbox_id', BigId, nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_feedback_reminders_order_id_orders')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_feedback_reminders_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_reminders')),
    sa.UniqueConstraint('order_id', name=op.f('uq_feedback_reminders_order_id'))
    )


def downgrade() -> None:
    op.drop_table('feedback_reminders')
    with op.batch_alter_table('feedback_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_reports_feedback_id'))

    op.drop_table('feedback_reports')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_seller_created', postgresql_where=sa.text("status = 'published'"), sqlite_where=sa.text("status = 'published'"))
        batch_op.drop_index(batch_op.f('ix_feedback_buyer_id'))

    op.drop_table('feedback')
