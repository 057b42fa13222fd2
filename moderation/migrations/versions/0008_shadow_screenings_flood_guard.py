"""shadow screenings, the flood guard's counts and trips

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:01:22
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('flood_counts',
    sa.Column('bucket_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=190), nullable=False),
    sa.Column('shard', sa.SmallInteger(), nullable=False),
    sa.Column('offers', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket_start', 'kind', 'name', 'shard', name=op.f('pk_flood_counts'))
    )
    op.create_table('flood_trips',
    sa.Column('id', BigId, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=190), nullable=False),
    sa.Column('tripped_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recent_flagged', sa.Integer(), nullable=False),
    sa.Column('recent_offers', sa.Integer(), nullable=False),
    sa.Column('recent_rate', sa.Float(), nullable=False),
    sa.Column('baseline_flagged', sa.Integer(), nullable=False),
    sa.Column('baseline_offers', sa.Integer(), nullable=False),
    sa.Column('baseline_rate', sa.Float(), nullable=False),
    sa.Column('threshold_rate', sa.Float(), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', BigId, nullable=True),
    sa.Column('lift_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lifted_by'], ['staff.id'], name=op.f('fk_flood_trips_lifted_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flood_trips'))
    )
    with op.batch_alter_table('flood_trips', schema=None) as batch_op:
        # One active trip per subject: concurrent workers agree on one trip and one message.
        batch_op.create_index('ix_flood_trips_active', ['kind', 'name'], unique=True,
                              postgresql_where=sa.text('lifted_at IS NULL'),
                              sqlite_where=sa.text('lifted_at IS NULL'))

    op.create_table('shadow_screenings',
    sa.Column('id', BigId, nullable=False),
    sa.Column('offer_id', BigId, nullable=False),
    sa.Column('offer_version', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('route', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('reason_code', sa.String(length=64), nullable=False),
    sa.Column('hits', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('live_route', sa.String(length=16), nullable=False),
    sa.Column('live_reason_code', sa.String(length=64), nullable=False),
    sa.Column('live_flags', sa.JSON(), nullable=False),
    sa.Column('differs', sa.Boolean(), nullable=False),
    sa.Column('rules_version', sa.String(length=80), nullable=False),
    sa.Column('model_version', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_shadow_screenings_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shadow_screenings')),
    sa.UniqueConstraint('offer_id', 'offer_version', 'origin', name=op.f('uq_shadow_screenings_offer_id_offer_version_origin'))
    )
    with op.batch_alter_table('shadow_screenings', schema=None) as batch_op:
        batch_op.create_index('ix_shadow_screenings_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_table('shadow_screenings')
    op.drop_table('flood_trips')
    op.drop_table('flood_counts')
