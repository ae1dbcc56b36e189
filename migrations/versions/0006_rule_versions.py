"""rule versions: campaign rules snapshotted per edit and pinned by nominations at first submit;
eligibility criteria as data (attestations, minimum contribution) and the proposers' answers

Revision ID: 0006_rule_versions
Revises: 0005_attachments
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_rule_versions"
down_revision = "0005_attachments"
branch_labels = None
depends_on = None

# Until this revision every campaign required 50,000,000 VND of citizens (category
# individual_citizen), households and organisations; existing campaigns keep that rule as data.
CONTRIBUTION_MINIMUM = 50_000_000
CONTRIBUTION_CRITERIA = [
    ("min_contribution_citizen", "Người dân đóng góp từ 50.000.000 đồng", "individual_citizen", None),
    ("min_contribution_household", "Hộ gia đình đóng góp từ 50.000.000 đồng", None, "household"),
    ("min_contribution_organisation", "Tổ chức, doanh nghiệp đóng góp từ 50.000.000 đồng", None, "organisation"),
]


def upgrade():
    criteria = op.create_table(
        "eligibility_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("nominee_type", sa.String(length=20), nullable=True),
        sa.Column("award_form_id", sa.Integer(), nullable=True),
        sa.Column("min_vnd", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_form_id"],
            ["award_forms.id"],
            name=op.f("fk_eligibility_criteria_award_form_id_award_forms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_eligibility_criteria_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_criteria")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_eligibility_criteria_campaign_id_code")),
    )
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_rule_versions_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_rule_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_versions")),
        sa.UniqueConstraint("campaign_id", "number", name=op.f("uq_rule_versions_campaign_id_number")),
    )
    op.create_table(
        "nomination_attestations",
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("criterion_code", sa.String(length=60), nullable=False),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_nomination_attestations_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nomination_id", "criterion_code", name=op.f("pk_nomination_attestations")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_nominations_rule_version_id_rule_versions"), "rule_versions", ["rule_version_id"], ["id"]
        )
    campaign_ids = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM campaigns"))]
    rows = [
        {
            "campaign_id": campaign_id,
            "code": code,
            "kind": "min_contribution",
            "name": name,
            "category": category,
            "nominee_type": nominee_type,
            "min_vnd": CONTRIBUTION_MINIMUM,
            "position": position,
        }
        for campaign_id in campaign_ids
        for position, (code, name, category, nominee_type) in enumerate(CONTRIBUTION_CRITERIA, start=1)
    ]
    if rows:
        op.bulk_insert(criteria, rows)


def downgrade():
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_nominations_rule_version_id_rule_versions"), type_="foreignkey")
        batch_op.drop_column("rule_version_id")
    op.drop_table("nomination_attestations")
    op.drop_table("rule_versions")
    op.drop_table("eligibility_criteria")
