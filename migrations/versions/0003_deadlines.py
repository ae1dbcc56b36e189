"""deadlines: stage limits per campaign, calendar overrides, the nominations' clock

Revision ID: 0003_deadlines
Revises: 0002_outbox
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_deadlines"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

STAGE_DEFAULTS = {"appraisal_days": 10, "council_days": 7, "signature_days": 3, "resubmission_days": 5}
NOMINATION_COUNTERS = ("returned_working_days", "early_stages", "on_time_stages", "late_stages")


def upgrade():
    op.create_table(
        "calendar_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_calendar_overrides_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_overrides")),
        sa.UniqueConstraint("day", name=op.f("uq_calendar_overrides_day")),
    )
    with op.batch_alter_table("campaigns") as batch_op:
        for name, days in STAGE_DEFAULTS.items():
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default=str(days)))
    with op.batch_alter_table("nominations") as batch_op:
        batch_op.add_column(sa.Column("paused_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("paused_days_left", sa.Integer(), nullable=True))
        for name in NOMINATION_COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("elapsed_working_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("timeliness", sa.String(length=10), nullable=True))
    # The defaults served existing rows; new rows get theirs from the application.
    with op.batch_alter_table("campaigns") as batch_op:
        for name in STAGE_DEFAULTS:
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("nominations") as batch_op:
        for name in NOMINATION_COUNTERS:
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table("nominations") as batch_op:
        for name in ("timeliness", "elapsed_working_days", *NOMINATION_COUNTERS, "paused_days_left", "paused_on"):
            batch_op.drop_column(name)
    with op.batch_alter_table("campaigns") as batch_op:
        for name in STAGE_DEFAULTS:
            batch_op.drop_column(name)
    op.drop_table("calendar_overrides")
