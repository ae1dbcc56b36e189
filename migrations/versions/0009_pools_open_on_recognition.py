"""pools that open on recognition: the town-wide pool opens when its unit is recognised

Revision ID: 0009_pools_open_on_recognition
Revises: 0008_campaign_rounds
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_pools_open_on_recognition"
down_revision = "0008_campaign_rounds"
branch_labels = None
depends_on = None


def upgrade():
    # Existing pools keep being opened and closed by hand: false for each, then no default (the
    # model sets it).
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opens_on_recognition", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.alter_column("opens_on_recognition", server_default=None)


def downgrade():
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_column("opens_on_recognition")
