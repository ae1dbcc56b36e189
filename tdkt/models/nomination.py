"""Nominations and the office batches they travel in: submissions, council meetings, decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .campaign import AwardForm, Campaign, CampaignRound, Pool, RuleVersion
from .org import Unit, User


class Submission(db.Model):
    """A unit's Tờ trình: the letter under which it sends nominations to the next office."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "level", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    level: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[str] = mapped_column(String(60))
    date: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()


class CouncilMeeting(db.Model):
    __tablename__ = "council_meetings"
    __table_args__ = (UniqueConstraint("council_unit_id", "minutes_number", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    council_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    level: Mapped[int] = mapped_column(Integer, default=1)
    date: Mapped[date] = mapped_column(Date)
    minutes_number: Mapped[str] = mapped_column(String(60))
    members_total: Mapped[int] = mapped_column(Integer)
    members_present: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    council_unit: Mapped[Unit] = relationship()
    votes: Mapped[list[CouncilVote]] = relationship(
        back_populates="meeting", order_by="CouncilVote.nomination_id", cascade="all, delete-orphan"
    )


class CouncilVote(db.Model):
    __tablename__ = "council_votes"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("council_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), primary_key=True)
    votes_for: Mapped[int] = mapped_column(Integer)

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="votes")


class Decision(db.Model):
    """A signed Quyết định khen thưởng; one decision may award many nominations."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("issuer_unit_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40))
    date: Mapped[date] = mapped_column(Date)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    capacity: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issuer_unit: Mapped[Unit] = relationship()
    signer: Mapped[User] = relationship(foreign_keys=[signer_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="decision", order_by="Nomination.id"
    )

    @property
    def reference(self) -> str:
        return f"{self.number:02d}/{self.symbol}"


class IssuedNumber(db.Model):
    """The register of document numbers: one row per number ever taken, so none is reused."""

    __tablename__ = "issued_numbers"
    __table_args__ = (UniqueConstraint("issuer_unit_id", "doc_type", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    doc_type: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NumberSeries(db.Model):
    """The lockable head of one register (issuer, type, year): serialises number reservation."""

    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("issuer_unit_id", "doc_type", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    doc_type: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Nomination(db.Model):
    __tablename__ = "nominations"
    __table_args__ = (
        Index("ix_nominations_created", "created_at", "id"),
        Index("ix_nominations_state_unit", "state", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    # The campaign's review round, for a campaign that has rounds (chosen at creation).
    round_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_rounds.id"))
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id"))
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pools.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    nominee_kind: Mapped[str] = mapped_column(String(20))
    nominee_type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(60))
    nominee_name: Mapped[str] = mapped_column(String(255))
    # Accent- and case-folded name for search ("nguyen van a").
    search_text: Mapped[str] = mapped_column(String(600), default="")
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(255))
    id_number: Mapped[str | None] = mapped_column(String(20))
    tax_code: Mapped[str | None] = mapped_column(String(20))
    achievement_summary: Mapped[str | None] = mapped_column(Text)
    contribution_vnd: Mapped[int | None] = mapped_column(BigInteger)

    state: Mapped[str] = mapped_column(String(30), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    level: Mapped[int] = mapped_column(Integer, default=1)
    holder_role: Mapped[str | None] = mapped_column(String(30))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stage_entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stage_due_on: Mapped[date | None] = mapped_column(Date)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deadlines: the office's clock pauses while the proposer holds a returned dossier.
    paused_on: Mapped[date | None] = mapped_column(Date)
    paused_days_left: Mapped[int | None] = mapped_column(Integer)
    returned_working_days: Mapped[int] = mapped_column(Integer, default=0)
    # How each office stage ended against its deadline, and the dossier's verdict at close.
    early_stages: Mapped[int] = mapped_column(Integer, default=0)
    on_time_stages: Mapped[int] = mapped_column(Integer, default=0)
    late_stages: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_working_days: Mapped[int | None] = mapped_column(Integer)
    timeliness: Mapped[str | None] = mapped_column(String(10))

    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    council_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meetings.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    # The campaign's rules as they stood at the first submit (DESIGN §4).
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("rule_versions.id"))
    revocation_number: Mapped[str | None] = mapped_column(String(60))
    revocation_date: Mapped[date | None] = mapped_column(Date)

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    round: Mapped[CampaignRound | None] = relationship()
    award_form: Mapped[AwardForm] = relationship()
    pool: Mapped[Pool | None] = relationship()
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submission: Mapped[Submission | None] = relationship()
    council_meeting: Mapped[CouncilMeeting | None] = relationship()
    decision: Mapped[Decision | None] = relationship(back_populates="nominations")
    rule_version: Mapped[RuleVersion | None] = relationship()

    # Optimistic locking: every UPDATE checks the version it read, as a second line behind
    # the row lock, so a stale write can never pass silently on SQLite either. The engine
    # bumps the version itself, once per operation, however many flushes that takes.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def __repr__(self) -> str:
        return f"<Nomination {self.id} {self.state}>"
