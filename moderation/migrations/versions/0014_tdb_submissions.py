"""tdb_submissions: each statement of reasons on its way to the DSA Transparency Database

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'tdb_submissions',
        sa.Column('id', BigId, nullable=False),
        sa.Column('statement_id', BigId, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('uuid', sa.String(length=64), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sending_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('queued_job', sa.String(length=64), nullable=True),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'],
                                name='fk_tdb_submissions_statement_id_statements'),
        sa.PrimaryKeyConstraint('id', name='pk_tdb_submissions'),
        sa.UniqueConstraint('statement_id', name='uq_tdb_submissions_statement_id'),
    )
    op.create_index('ix_tdb_submissions_status_created', 'tdb_submissions',
                    ['status', 'created_at'])


def downgrade() -> None:
    op.drop_table('tdb_submissions')
