"""offers.barcode_flags: barcodes given that are not valid GTINs, kept as written

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A wrong check digit or a code that is no GTIN used to refuse the whole offer (422); it
    # is now kept beside the valid GTINs, flagged, and never used to match safety alerts.
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('barcode_flags', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_column('barcode_flags')
