"""documents: legal basis, base salary, reward coefficients, issuers, templates and their pins,
certificate register and print offsets, background document jobs

Revision ID: 0004_documents
Revises: 0003_deadlines
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_documents"
down_revision = "0003_deadlines"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "legal_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_bases")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_bases_code")),
    )
    op.create_table(
        "base_salaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_salaries")),
        sa.UniqueConstraint("valid_from", name=op.f("uq_base_salaries_valid_from")),
    )
    op.create_table(
        "reward_coefficients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_form_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("coefficient_milli", sa.Integer(), nullable=False),
        sa.Column("multiplier_milli", sa.Integer(), nullable=False),
        sa.Column("article", sa.String(length=255), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_form_id"],
            ["award_forms.id"],
            name=op.f("fk_reward_coefficients_award_form_id_award_forms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_coefficients")),
        sa.UniqueConstraint(
            "award_form_id",
            "recipient",
            "valid_from",
            name=op.f("uq_reward_coefficients_award_form_id_recipient_valid_from"),
        ),
    )
    op.create_table(
        "document_issuers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("parent_line", sa.String(length=255), nullable=True),
        sa.Column("body_lines", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("abbreviation", sa.String(length=40), nullable=False),
        sa.Column("place_name", sa.String(length=120), nullable=False),
        sa.Column("authority", sa.String(length=120), nullable=True),
        sa.Column("head_title", sa.String(length=120), nullable=False),
        sa.Column("head_name", sa.String(length=255), nullable=False),
        sa.Column("fund_source", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_document_issuers_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_issuers")),
        sa.UniqueConstraint("unit_id", "role", name=op.f("uq_document_issuers_unit_id_role")),
    )
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_document_templates_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_templates")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_document_templates_kind_version")),
    )
    op.create_table(
        "document_pins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_kind", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"], ["document_templates.id"], name=op.f("fk_document_pins_template_id_document_templates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_pins")),
        sa.UniqueConstraint(
            "template_kind",
            "object_type",
            "object_id",
            name=op.f("uq_document_pins_template_kind_object_type_object_id"),
        ),
    )
    op.create_table(
        "certificate_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_certificate_entries_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_certificate_entries_nomination_id_nominations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_entries")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_certificate_entries_nomination_id")),
    )
    with op.batch_alter_table("certificate_entries") as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_entries_decision_id"), ["decision_id"], unique=False)
    op.create_table(
        "certificate_layouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_unit_id", sa.Integer(), nullable=False),
        sa.Column("offset_x_mm", sa.Float(), nullable=False),
        sa.Column("offset_y_mm", sa.Float(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_unit_id"], ["units.id"], name=op.f("fk_certificate_layouts_issuer_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_certificate_layouts_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_layouts")),
        sa.UniqueConstraint("issuer_unit_id", name=op.f("uq_certificate_layouts_issuer_unit_id")),
    )
    op.create_table(
        "document_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("finished_at", NOW, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_document_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_jobs")),
    )
    with op.batch_alter_table("document_jobs") as batch_op:
        batch_op.create_index(batch_op.f("ix_document_jobs_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("document_jobs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_jobs_user_id"))
    op.drop_table("document_jobs")
    op.drop_table("certificate_layouts")
    with op.batch_alter_table("certificate_entries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_entries_decision_id"))
    op.drop_table("certificate_entries")
    op.drop_table("document_pins")
    op.drop_table("document_templates")
    op.drop_table("document_issuers")
    op.drop_table("reward_coefficients")
    op.drop_table("base_salaries")
    op.drop_table("legal_bases")
