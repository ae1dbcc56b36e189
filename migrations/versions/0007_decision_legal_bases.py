"""decision legal bases: the legal basis a signed decision cites, recorded when it is signed

Revision ID: 0007_decision_legal_bases
Revises: 0006_rule_versions
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_decision_legal_bases"
down_revision = "0006_rule_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "decision_legal_bases",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("legal_basis_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_legal_bases_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legal_basis_id"], ["legal_bases.id"], name=op.f("fk_decision_legal_bases_legal_basis_id_legal_bases")
        ),
        sa.PrimaryKeyConstraint("decision_id", "legal_basis_id", name=op.f("pk_decision_legal_bases")),
    )
    # Decisions signed before this revision cite what is in force on their date, as the
    # documents read it until now (by position, then code).
    op.execute(
        """
        INSERT INTO decision_legal_bases (decision_id, legal_basis_id, ordinal, citation, valid_from, valid_until)
        SELECT d.id, l.id, ROW_NUMBER() OVER (PARTITION BY d.id ORDER BY l.position, l.code), l.citation,
               l.valid_from, l.valid_until
        FROM decisions d
        JOIN legal_bases l
          ON (l.valid_from IS NULL OR l.valid_from <= d.date)
         AND (l.valid_until IS NULL OR d.date <= l.valid_until)
        """
    )


def downgrade():
    op.drop_table("decision_legal_bases")
