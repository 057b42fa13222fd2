"""accounts: passwords, lockout, locale, organisations; browser sessions; case source

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('id', BigId, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', BigId, nullable=True))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=False,
                                      server_default='pl'))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('api_key_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_staff_organisation_id_organisations'),
                                    'organisations', ['organisation_id'], ['id'])
    with op.batch_alter_table('staff', schema=None) as batch_op:
        # Defaults were for the rows already there; the application sets both from now on.
        batch_op.alter_column('locale', server_default=None)
        batch_op.alter_column('failed_logins', server_default=None)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=False,
                                      server_default='rules'))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('source', server_default=None)
    op.create_table('web_sessions',
    sa.Column('id', BigId, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', BigId, nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'],
                            name=op.f('fk_web_sessions_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_staff_id'))
    op.drop_table('web_sessions')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_organisation_id_organisations'),
                                 type_='foreignkey')
        batch_op.alter_column('api_key_hash', existing_type=sa.String(length=64), nullable=False)
        for column in ('last_login_at', 'locked_until', 'failed_logins', 'locale',
                       'password_hash', 'organisation_id'):
            batch_op.drop_column(column)
    op.drop_table('organisations')
