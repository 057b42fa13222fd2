"""offers and safety_alerts: the job their pending work was queued in, and when

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The sweep told "queued and waiting" from "lost" by age alone, and queued offers that
    # only waited behind a long import a second time; it now asks the queue about this job.
    for table in ('offers', 'safety_alerts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('queued_job', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True),
                                          nullable=True))
    # Alerts waiting for matching are few and found by the sweep on every tick.
    op.create_index('ix_safety_alerts_unmatched', 'safety_alerts', ['received_at'],
                    postgresql_where=sa.text('matched_at IS NULL'),
                    sqlite_where=sa.text('matched_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_safety_alerts_unmatched', table_name='safety_alerts')
    for table in ('safety_alerts', 'offers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('queued_at')
            batch_op.drop_column('queued_job')
