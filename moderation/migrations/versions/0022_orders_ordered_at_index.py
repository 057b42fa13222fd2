"""orders.ordered_at indexed: the hourly feedback reminders read the orders whose window to
rate closes soon, and the programme's figures the orders of a period, by this time

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 14:30:00
"""

from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_ordered_at', 'orders', ['ordered_at'])


def downgrade() -> None:
    op.drop_index('ix_orders_ordered_at', table_name='orders')
