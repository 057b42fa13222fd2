"""claim indexes: free open cases in queue order (all kinds and per kind), leased ones by expiry

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:30:00

Claims used to walk ix_cases_queue (every case not closed) past each leased case. They now take
the first entry of an index of free open cases; a lapsed lease is found among the few leased
ones. No data changes: a case whose lease lapsed keeps its holder until it is claimed again.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# Written out, not imported: a migration keeps the predicates it was written with.
CLAIMABLE = "status = 'open' AND lease_holder_id IS NULL"
LEASED = "status = 'open' AND lease_holder_id IS NOT NULL"


def upgrade() -> None:
    op.create_index('ix_cases_claimable', 'cases', ['priority', 'due_at', 'id'],
                    postgresql_where=sa.text(CLAIMABLE), sqlite_where=sa.text(CLAIMABLE))
    op.create_index('ix_cases_claimable_kind', 'cases', ['kind', 'priority', 'due_at', 'id'],
                    postgresql_where=sa.text(CLAIMABLE), sqlite_where=sa.text(CLAIMABLE))
    op.create_index('ix_cases_leased', 'cases', ['lease_expires_at'],
                    postgresql_where=sa.text(LEASED), sqlite_where=sa.text(LEASED))


def downgrade() -> None:
    op.drop_index('ix_cases_leased', table_name='cases')
    op.drop_index('ix_cases_claimable_kind', table_name='cases')
    op.drop_index('ix_cases_claimable', table_name='cases')
