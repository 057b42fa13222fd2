"""claim indexes: free open cases in queue order (all kinds and per kind), leased ones by expiry

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:30:00

Claims used to walk ix_cases_queue (every case not closed) past each leased case. They now take
the first entry of an index of free open cases; a lapsed lease is found among the few leased
ones. No data changes: a case whose lease lapsed keeps its holder until it is claimed again.

On PostgreSQL the indexes build CONCURRENTLY (moderation/migrations/online_index.py): cases is
written to all day, and a plain build holds its writers for as long as it takes.
"""

from moderation.migrations.online_index import create_index, drop_index

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# Written out, not imported: a migration keeps the predicates it was written with.
CLAIMABLE = "status = 'open' AND lease_holder_id IS NULL"
LEASED = "status = 'open' AND lease_holder_id IS NOT NULL"


def upgrade() -> None:
    create_index('ix_cases_claimable', 'cases', ['priority', 'due_at', 'id'], where=CLAIMABLE)
    create_index('ix_cases_claimable_kind', 'cases', ['kind', 'priority', 'due_at', 'id'],
                 where=CLAIMABLE)
    create_index('ix_cases_leased', 'cases', ['lease_expires_at'], where=LEASED)


def downgrade() -> None:
    drop_index('ix_cases_leased', 'cases')
    drop_index('ix_cases_claimable_kind', 'cases')
    drop_index('ix_cases_claimable', 'cases')
