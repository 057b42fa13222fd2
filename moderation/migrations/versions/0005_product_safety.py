"""product safety

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:57:41.766464
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('offer_keys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=140), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_keys_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_keys')),
    sa.UniqueConstraint('offer_id', 'key', name=op.f('uq_offer_keys_offer_id_key'))
    )
    with op.batch_alter_table('offer_keys', schema=None) as batch_op:
        # Newest offers of a key first, straight from the index (brand blocks are capped).
        batch_op.create_index('ix_offer_keys_key_offer', ['key', 'offer_id'], unique=False)

    op.create_table('safety_alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('submitted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('product', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('brand', sa.String(length=200), nullable=False),
    sa.Column('model', sa.String(length=300), nullable=False),
    sa.Column('brand_key', sa.String(length=120), nullable=False),
    sa.Column('model_key', sa.String(length=120), nullable=False),
    sa.Column('batch', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=200), nullable=False),
    sa.Column('risk_type', sa.String(length=300), nullable=False),
    sa.Column('risk_level', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('country_of_origin', sa.String(length=200), nullable=False),
    sa.Column('counterfeit', sa.Boolean(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_safety_alerts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['submitted_by'], ['staff.id'], name=op.f('fk_safety_alerts_submitted_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_alerts')),
    sa.UniqueConstraint('source', 'number', name=op.f('uq_safety_alerts_source_number'))
    )
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_alerts_brand_key'), ['brand_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_alerts_model_key'), ['model_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_alerts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('alert_codes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('alert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['safety_alerts.id'], name=op.f('fk_alert_codes_alert_id_safety_alerts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_codes'))
    )
    with op.batch_alter_table('alert_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_codes_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_codes_value'), ['value'], unique=False)

    op.create_table('safety_matches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('alert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('confidence', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['safety_alerts.id'], name=op.f('fk_safety_matches_alert_id_safety_alerts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_safety_matches_case_id_cases')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_safety_matches_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_matches')),
    sa.UniqueConstraint('alert_id', 'offer_id', name=op.f('uq_safety_matches_alert_id_offer_id'))
    )
    with op.batch_alter_table('safety_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_matches_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_matches_offer_id'), ['offer_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('safety_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_matches_offer_id'))
        batch_op.drop_index(batch_op.f('ix_safety_matches_alert_id'))

    op.drop_table('safety_matches')
    with op.batch_alter_table('alert_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_codes_value'))
        batch_op.drop_index(batch_op.f('ix_alert_codes_alert_id'))

    op.drop_table('alert_codes')
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_alerts_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_safety_alerts_model_key'))
        batch_op.drop_index(batch_op.f('ix_safety_alerts_brand_key'))

    op.drop_table('safety_alerts')
    with op.batch_alter_table('offer_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_keys_key_offer')

    op.drop_table('offer_keys')

