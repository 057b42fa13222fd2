"""rights catches: offers caught at screening by a rights holder's verified brands; wider outbox recipients

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('rights_catches',
    sa.Column('id', BigId, nullable=False),
    sa.Column('right_id', BigId, nullable=False),
    sa.Column('organisation_id', BigId, nullable=False),
    sa.Column('offer_id', BigId, nullable=False),
    sa.Column('screening_id', BigId, nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                            name=op.f('fk_rights_catches_offer_id_offers')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_rights_catches_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['right_id'], ['rights.id'],
                            name=op.f('fk_rights_catches_right_id_rights')),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'],
                            name=op.f('fk_rights_catches_screening_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_catches')),
    sa.UniqueConstraint('screening_id', 'rule_id',
                        name=op.f('uq_rights_catches_screening_id_rule_id'))
    )
    with op.batch_alter_table('rights_catches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rights_catches_organisation_id'),
                              ['organisation_id'], unique=False)
    # Notifiers' e-mail addresses may have 254 characters, plus the "email:" prefix.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('recipient', existing_type=sa.String(length=200),
                              type_=sa.String(length=300), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('recipient', existing_type=sa.String(length=300),
                              type_=sa.String(length=200), existing_nullable=False)
    with op.batch_alter_table('rights_catches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rights_catches_organisation_id'))
    op.drop_table('rights_catches')
