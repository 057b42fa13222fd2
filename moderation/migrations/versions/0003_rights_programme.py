"""rights programme: rights, documents, notices, case sources, counter-notices, strikes, sanctions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:25:34.391345
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('rights',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('office', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('territory', sa.String(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('brands', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('reference_price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('agent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('verified_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_rights_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['verified_by'], ['staff.id'], name=op.f('fk_rights_verified_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights')),
    sa.UniqueConstraint('organisation_id', 'office', 'number', name=op.f('uq_rights_organisation_id_office_number'))
    )
    with op.batch_alter_table('rights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rights_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('right_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submitted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('notifier_name', sa.String(length=200), nullable=False),
    sa.Column('notifier_email', sa.String(length=254), nullable=False),
    sa.Column('good_faith', sa.Boolean(), nullable=False),
    sa.Column('fast_track', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_notices_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['right_id'], ['rights.id'], name=op.f('fk_notices_right_id_rights')),
    sa.ForeignKeyConstraint(['submitted_by'], ['staff.id'], name=op.f('fk_notices_submitted_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('reference', name=op.f('uq_notices_reference'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('right_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('right_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['right_id'], ['rights.id'], name=op.f('fk_right_documents_right_id_rights')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['staff.id'], name=op.f('fk_right_documents_uploaded_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_right_documents'))
    )
    with op.batch_alter_table('right_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_right_documents_right_id'), ['right_id'], unique=False)

    op.create_table('case_sources',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('notice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_sources_case_id_cases')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_case_sources_notice_id_notices')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_case_sources_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_sources'))
    )
    with op.batch_alter_table('case_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_sources_case_id'), ['case_id'], unique=False)

    op.create_table('notice_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('notice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('manifestly_unfounded', sa.Boolean(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notice_items_case_id_cases')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_items_notice_id_notices')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_notice_items_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_items')),
    sa.UniqueConstraint('notice_id', 'offer_id', name=op.f('uq_notice_items_notice_id_offer_id'))
    )
    with op.batch_alter_table('notice_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_items_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_items_offer_id'), ['offer_id'], unique=False)

    op.create_table('counter_notices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('decision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_counter_notices_case_id_cases')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_counter_notices_decision_id_decisions')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_counter_notices_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter_notices')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_counter_notices_decision_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_counter_notices_reference'))
    )
    with op.batch_alter_table('counter_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_notices_offer_id'), ['offer_id'], unique=False)

    op.create_table('strikes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seller_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('notice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_strikes_decision_id_decisions')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_strikes_notice_id_notices')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_strikes_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strikes')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_strikes_decision_id'))
    )
    with op.batch_alter_table('strikes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strikes_seller_id'), ['seller_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_for_staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_not_for_staff_id_staff'), 'staff', ['not_for_staff_id'], ['id'])

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_until', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('terminated_at', sa.DateTime(timezone=True), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.drop_column('terminated_at')
        batch_op.drop_column('suspended_until')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('suspended_until')
        batch_op.drop_column('warned_at')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_not_for_staff_id_staff'), type_='foreignkey')
        batch_op.drop_column('not_for_staff_id')

    with op.batch_alter_table('strikes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strikes_seller_id'))

    op.drop_table('strikes')
    with op.batch_alter_table('counter_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_notices_offer_id'))

    op.drop_table('counter_notices')
    with op.batch_alter_table('notice_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_items_offer_id'))
        batch_op.drop_index(batch_op.f('ix_notice_items_notice_id'))
        batch_op.drop_index(batch_op.f('ix_notice_items_case_id'))

    op.drop_table('notice_items')
    with op.batch_alter_table('case_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_sources_case_id'))

    op.drop_table('case_sources')
    with op.batch_alter_table('right_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_right_documents_right_id'))

    op.drop_table('right_documents')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_organisation_id'))

    op.drop_table('notices')
    with op.batch_alter_table('rights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rights_organisation_id'))

    op.drop_table('rights')

