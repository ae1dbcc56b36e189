"""campaign rounds: a campaign's review rounds (sơ kết, tổng kết), each with its own submission
window; a nomination belongs to one round of a campaign that has rounds

Revision ID: 0008_campaign_rounds
Revises: 0007_decision_legal_bases
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_campaign_rounds"
down_revision = "0007_decision_legal_bases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("submission_opens_on", sa.Date(), nullable=False),
        sa.Column("submission_closes_on", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_rounds_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_rounds")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_campaign_rounds_campaign_id_code")),
    )
    # Existing nominations stay without a round: their campaigns have none yet.
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_nominations_round_id_campaign_rounds"), "campaign_rounds", ["round_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_nominations_round_id_campaign_rounds"), type_="foreignkey")
        batch_op.drop_column("round_id")
    op.drop_table("campaign_rounds")
