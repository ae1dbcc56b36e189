"""Award forms with their chain of levels, campaigns, pools and quota categories."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .org import Unit, User

if TYPE_CHECKING:
    from .nomination import Nomination

NOMINEE_KINDS = ("collective", "individual")
NOMINEE_TYPES = ("person", "household", "organisation", "collective")
CRITERION_KINDS = ("attestation", "min_contribution")

campaign_award_forms = Table(
    "campaign_award_forms",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("award_form_id", ForeignKey("award_forms.id", ondelete="CASCADE"), primary_key=True),
)

pool_members = Table(
    "pool_members",
    db.metadata,
    Column("pool_id", ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class AwardForm(db.Model):
    __tablename__ = "award_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Share of all council members whose "for" votes pass a proposal, in percent.
    pass_share_percent: Mapped[int] = mapped_column(Integer, default=50)

    levels: Mapped[list[ChainLevel]] = relationship(
        back_populates="award_form", order_by="ChainLevel.position", cascade="all, delete-orphan"
    )

    def level(self, position: int) -> ChainLevel:
        return next(lv for lv in self.levels if lv.position == position)

    def has_level_above(self, position: int) -> bool:
        return any(lv.position > position for lv in self.levels)


class ChainLevel(db.Model):
    """One level of an award form's chain: where the dossier is appraised, reviewed and signed."""

    __tablename__ = "chain_levels"
    __table_args__ = (UniqueConstraint("award_form_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    # Office roles act at this level when their scope covers this unit (e.g. the town).
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    appraising_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    council_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    award_form: Mapped[AwardForm] = relationship(back_populates="levels")
    office_unit: Mapped[Unit] = relationship(foreign_keys=[office_unit_id])
    appraising_unit: Mapped[Unit | None] = relationship(foreign_keys=[appraising_unit_id])
    council_unit: Mapped[Unit | None] = relationship(foreign_keys=[council_unit_id])


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    plan_number: Mapped[str | None] = mapped_column(String(60))
    plan_date: Mapped[date | None] = mapped_column(Date)
    period_starts_on: Mapped[date | None] = mapped_column(Date)
    period_ends_on: Mapped[date | None] = mapped_column(Date)
    submission_opens_on: Mapped[date] = mapped_column(Date)
    submission_closes_on: Mapped[date] = mapped_column(Date)
    # Time limits per stage, in working days (DESIGN §5).
    appraisal_days: Mapped[int] = mapped_column(Integer, default=10)
    council_days: Mapped[int] = mapped_column(Integer, default=7)
    signature_days: Mapped[int] = mapped_column(Integer, default=3)
    resubmission_days: Mapped[int] = mapped_column(Integer, default=5)
    # Working days the list of nominees stays posted (niêm yết công khai) before the council may
    # consider them; None when the campaign requires no public notice.
    public_notice_days: Mapped[int | None] = mapped_column(Integer)

    owner_unit: Mapped[Unit] = relationship()
    award_forms: Mapped[list[AwardForm]] = relationship(
        secondary=campaign_award_forms, order_by="AwardForm.id"
    )
    pools: Mapped[list[Pool]] = relationship(
        back_populates="campaign", order_by="Pool.id", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[EligibilityCriterion]] = relationship(
        back_populates="campaign",
        order_by="(EligibilityCriterion.position, EligibilityCriterion.id)",
        cascade="all, delete-orphan",
    )
    rounds: Mapped[list[CampaignRound]] = relationship(
        back_populates="campaign",
        order_by="(CampaignRound.position, CampaignRound.id)",
        cascade="all, delete-orphan",
    )

    def is_open_on(self, day: date) -> bool:
        """A campaign with rounds takes dossiers only inside a round's window, not between them."""
        if self.rounds:
            return any(r.is_open_on(day) for r in self.rounds)
        return self.submission_opens_on <= day <= self.submission_closes_on

    def round_on(self, day: date) -> CampaignRound | None:
        """The round a new nomination joins by default: the one taking dossiers on that day,
        else the latest; None for a campaign without rounds."""
        if not self.rounds:
            return None
        open_now = [r for r in self.rounds if r.is_open_on(day)]
        return open_now[0] if open_now else max(self.rounds, key=lambda r: (r.submission_closes_on, r.position))


class CampaignRound(db.Model):
    """A review round of a campaign, such as the Hà Nam plan's preliminary review (sơ kết) in
    2023 and final review (tổng kết) in 2025: each has its own submission window, and a nominee
    may be proposed once per round, against the round's own quota."""

    __tablename__ = "campaign_rounds"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    submission_opens_on: Mapped[date] = mapped_column(Date)
    submission_closes_on: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="rounds")

    def is_open_on(self, day: date) -> bool:
        return self.submission_opens_on <= day <= self.submission_closes_on


class Pool(db.Model):
    """A quota holder: a commune's own slots, or slots shared by several units."""

    __tablename__ = "pools"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # The town-wide pool: opened when its unit is recognised, closed when that is withdrawn
    # (workflow.recognition_pools).
    opens_on_recognition: Mapped[bool] = mapped_column(Boolean, default=False)
    limit_collective: Mapped[int | None] = mapped_column(Integer)
    limit_individual: Mapped[int | None] = mapped_column(Integer)

    campaign: Mapped[Campaign] = relationship(back_populates="pools")
    unit: Mapped[Unit | None] = relationship()
    members: Mapped[list[Unit]] = relationship(secondary=pool_members, order_by="Unit.code")
    categories: Mapped[list[PoolCategory]] = relationship(
        back_populates="pool", order_by="PoolCategory.id", cascade="all, delete-orphan"
    )

    def admits(self, unit: Unit) -> bool:
        return self.unit_id == unit.id or any(m.id == unit.id for m in self.members)

    def category(self, code: str) -> PoolCategory | None:
        return next((c for c in self.categories if c.code == code), None)

    def limit_for(self, nominee_kind: str) -> int | None:
        return self.limit_collective if nominee_kind == "collective" else self.limit_individual


class PoolCategory(db.Model):
    __tablename__ = "pool_categories"
    __table_args__ = (UniqueConstraint("pool_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(255))
    nominee_kind: Mapped[str] = mapped_column(String(20))
    limit: Mapped[int | None] = mapped_column(Integer)

    pool: Mapped[Pool] = relationship(back_populates="categories")


class EligibilityCriterion(db.Model):
    """One eligibility rule of a campaign, for the nominations it applies to: every one, or those
    of one category, nominee type or award form. An attestation is a yes/no the proposer answers
    with evidence; a minimum contribution asks `contribution_vnd` of at least `min_vnd`."""

    __tablename__ = "eligibility_criteria"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(60))
    nominee_type: Mapped[str | None] = mapped_column(String(20))
    award_form_id: Mapped[int | None] = mapped_column(ForeignKey("award_forms.id", ondelete="CASCADE"))
    min_vnd: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")
    award_form: Mapped[AwardForm | None] = relationship()


class RuleVersion(db.Model):
    """A numbered snapshot of a campaign's rules (pools and limits, award forms and their
    chains, eligibility criteria). Every edit makes a new one; a nomination keeps the one in
    force at its first submit, so later edits never change a nomination in flight."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    campaign: Mapped[Campaign] = relationship()
    created_by: Mapped[User | None] = relationship()


class NominationAttestation(db.Model):
    """The proposer's yes/no answer to one attestation criterion, with the evidence it cites."""

    __tablename__ = "nomination_attestations"

    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_code: Mapped[str] = mapped_column(String(60), primary_key=True)
    answer: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[str | None] = mapped_column(Text)


public_notice_nominations = Table(
    "public_notice_nominations",
    db.metadata,
    Column("public_notice_id", ForeignKey("public_notices.id", ondelete="CASCADE"), primary_key=True),
    Column("nomination_id", ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True),
)


class PublicNotice(db.Model):
    """A list of nominees posted publicly by the council's secretary on a day, so that anyone may
    object before the council meets (the campaign's public_notice_days working days later)."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    published_on: Mapped[date] = mapped_column(Date)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    published_by: Mapped[User] = relationship()
    nominations: Mapped[list[Nomination]] = relationship(
        secondary=public_notice_nominations, order_by="Nomination.id"
    )
