"""Support standards: ratings of support, the "close the loop" follow-up tasks a negative
rating opens, and survey answers (NPS)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 13:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# Written out, not imported: a migration keeps the types it was written with.
BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('support_ratings',
    sa.Column('id', BigId, nullable=False),
    sa.Column('marketplace_id', sa.String(length=64), nullable=False),
    sa.Column('rater_kind', sa.String(length=16), nullable=False),
    sa.Column('rater_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', BigId, nullable=True),
    sa.Column('contact_id', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('negative', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_support_ratings_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_ratings')),
    sa.UniqueConstraint('marketplace_id', name=op.f('uq_support_ratings_marketplace_id'))
    )
    with op.batch_alter_table('support_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_ratings_case_id'), ['case_id'], unique=False)

    op.create_table('follow_up_tasks',
    sa.Column('id', BigId, nullable=False),
    sa.Column('rating_id', BigId, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', BigId, nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff.id'], name=op.f('fk_follow_up_tasks_done_by_id_staff')),
    sa.ForeignKeyConstraint(['rating_id'], ['support_ratings.id'], name=op.f('fk_follow_up_tasks_rating_id_support_ratings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_tasks')),
    sa.UniqueConstraint('rating_id', name=op.f('uq_follow_up_tasks_rating_id'))
    )
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_tasks_open_due', ['due_at'], unique=False, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('survey_answers',
    sa.Column('id', BigId, nullable=False),
    sa.Column('marketplace_id', sa.String(length=64), nullable=False),
    sa.Column('respondent_kind', sa.String(length=16), nullable=False),
    sa.Column('respondent_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('used_programme', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('marketplace_id', name=op.f('uq_survey_answers_marketplace_id'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_answered_at'), ['answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answers_respondent_id'), ['respondent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_respondent_id'))
        batch_op.drop_index(batch_op.f('ix_survey_answers_answered_at'))

    op.drop_table('survey_answers')
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_tasks_open_due', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.drop_table('follow_up_tasks')
    with op.batch_alter_table('support_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_ratings_case_id'))

    op.drop_table('support_ratings')
