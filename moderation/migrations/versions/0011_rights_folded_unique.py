"""rights: one per organisation, office and number in any letter case

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NAME = 'uq_rights_organisation_id_folded_office_number'


def upgrade() -> None:
    # Registration refuses "euipo 018" beside "EUIPO 018", but only by a check before the
    # insert: two registrations at the same moment could both pass it. Such twins must be
    # merged by hand (documents and notices point at them) before the rule can hold.
    twins = op.get_bind().execute(sa.text(
        "SELECT organisation_id, lower(office), lower(number), count(*) FROM rights "
        "GROUP BY organisation_id, lower(office), lower(number) HAVING count(*) > 1")).all()
    if twins:
        shown = ', '.join(f'organisation {o}: {f} {n} ({c}x)' for o, f, n, c in twins[:20])
        raise RuntimeError(f'rights registered more than once in different letter case: '
                           f'{shown}; merge them, then migrate again')
    op.create_index(NAME, 'rights', ['organisation_id', sa.text('lower(office)'),
                                     sa.text('lower(number)')], unique=True)


def downgrade() -> None:
    op.drop_index(NAME, table_name='rights')
