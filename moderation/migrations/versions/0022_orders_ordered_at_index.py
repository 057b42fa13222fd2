"""orders.ordered_at indexed: the hourly feedback reminders read the orders whose window to
rate closes soon, and the programme's figures the orders of a period, by this time

Built CONCURRENTLY on PostgreSQL (moderation/migrations/online_index.py): orders is a big
table taking writes while the migration runs.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 14:30:00
"""

from moderation.migrations.online_index import create_index, drop_index

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_index('ix_orders_ordered_at', 'orders', ['ordered_at'])


def downgrade() -> None:
    drop_index('ix_orders_ordered_at', 'orders')
