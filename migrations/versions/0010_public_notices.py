"""public notices: a campaign may require its list of nominees to be posted publicly for some
working days before the council considers them; the lists posted, with their nominations

Revision ID: 0010_public_notices
Revises: 0009_pools_open_on_recognition
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_public_notices"
down_revision = "0009_pools_open_on_recognition"
branch_labels = None
depends_on = None


def upgrade():
    # Existing campaigns require no notice (null).
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_notice_days", sa.Integer(), nullable=True))
    op.create_table(
        "public_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_public_notices_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_public_notices_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_notices")),
    )
    op.create_table(
        "public_notice_nominations",
        sa.Column("public_notice_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_public_notice_nominations_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["public_notice_id"],
            ["public_notices.id"],
            name=op.f("fk_public_notice_nominations_public_notice_id_public_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("public_notice_id", "nomination_id", name=op.f("pk_public_notice_nominations")),
    )


def downgrade():
    op.drop_table("public_notice_nominations")
    op.drop_table("public_notices")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("public_notice_days")
