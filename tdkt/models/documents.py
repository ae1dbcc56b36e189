"""What the generated Word documents are made of beyond the workflow rows: the legal basis cited
in decisions, reward money, the issuing bodies' letterheads and signers, template versions,
certificate register numbers and print offsets, and background generation jobs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .campaign import AwardForm
from .nomination import Decision
from .org import Unit, User

RECIPIENT_CLASSES = ("individual", "collective", "household")
ISSUER_ROLES = ("unit", "council")
JOB_STATUSES = ("queued", "running", "finished", "failed")


class LegalBasis(db.Model):
    """One text a decision cites in its "Căn cứ" lines, with the days it is in force."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # The words after "Căn cứ", without the closing semicolon.
    citation: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class DecisionLegalBasis(db.Model):
    """A text a signed decision cites, recorded when it is signed: the legal basis in force on
    its date, worded as it was then, so that an edit afterwards never changes what it cites."""

    __tablename__ = "decision_legal_bases"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    legal_basis_id: Mapped[int] = mapped_column(ForeignKey("legal_bases.id"), primary_key=True)
    # Order of the "Căn cứ" lines.
    ordinal: Mapped[int] = mapped_column(Integer)
    citation: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    decision: Mapped[Decision] = relationship()
    legal_basis: Mapped[LegalBasis] = relationship()


class BaseSalary(db.Model):
    """Mức lương cơ sở: reward money is a multiple of the one in force on the decision's day."""

    __tablename__ = "base_salaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date, unique=True)
    source: Mapped[str] = mapped_column(String(255))


class RewardCoefficient(db.Model):
    """How many base salaries an award form is worth for one class of recipient, as a decree
    article says, for the days that decree is in force. Thousandths keep the figure exact on
    every database."""

    __tablename__ = "reward_coefficients"
    __table_args__ = (UniqueConstraint("award_form_id", "recipient", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(20))
    coefficient_milli: Mapped[int] = mapped_column(Integer)
    # A household gets 1.5 times the individual amount: the rounded amount times this.
    multiplier_milli: Mapped[int] = mapped_column(Integer, default=1000)
    article: Mapped[str] = mapped_column(String(255))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    award_form: Mapped[AwardForm] = relationship()

    @property
    def coefficient(self) -> Decimal:
        return Decimal(self.coefficient_milli) / 1000

    @property
    def multiplier(self) -> Decimal:
        return Decimal(self.multiplier_milli) / 1000


class DocumentIssuer(db.Model):
    """A unit's letterhead and signer as its documents print them: the parent body line, the
    body's own lines, the abbreviation in numbers ("TTr-UBND"), the place in the date line and
    who signs. `role` "council" is the emulation council housed in the unit."""

    __tablename__ = "document_issuers"
    __table_args__ = (UniqueConstraint("unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="unit")
    parent_line: Mapped[str | None] = mapped_column(String(255))
    # One line per row of the body's name in the letterhead, separated by newlines.
    body_lines: Mapped[str] = mapped_column(String(255))
    # The body as named in running text ("Ủy ban nhân dân xã Vĩnh Hiệp").
    display_name: Mapped[str] = mapped_column(String(255))
    abbreviation: Mapped[str] = mapped_column(String(40))
    place_name: Mapped[str] = mapped_column(String(120))
    # "TM. ỦY BAN NHÂN DÂN" when the head signs for the body as a collective, else empty.
    authority: Mapped[str | None] = mapped_column(String(120))
    head_title: Mapped[str] = mapped_column(String(120))
    head_name: Mapped[str] = mapped_column(String(255))
    fund_source: Mapped[str | None] = mapped_column(String(255))

    unit: Mapped[Unit] = relationship()


class DocumentTemplate(db.Model):
    """One uploaded version of a .docx template; the highest version is used for new
    documents, and a document already issued keeps the version it was first made with."""

    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class DocumentPin(db.Model):
    """The template version an issued document (a decision, minutes, a numbered Tờ trình)
    was first made with, so that making it again gives the same bytes."""

    __tablename__ = "document_pins"
    __table_args__ = (UniqueConstraint("template_kind", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_kind: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[int] = mapped_column(ForeignKey("document_templates.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    template: Mapped[DocumentTemplate] = relationship()


class CertificateEntry(db.Model):
    """A Giấy khen's number in the issuer's certificate register (số vào sổ)."""

    __tablename__ = "certificate_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decision: Mapped[Decision] = relationship()


class CertificateLayout(db.Model):
    """How far the printer's output must move to land on an issuer's pre-printed blanks."""

    __tablename__ = "certificate_layouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    offset_x_mm: Mapped[float] = mapped_column(Float, default=0.0)
    offset_y_mm: Mapped[float] = mapped_column(Float, default=0.0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentJob(db.Model):
    """A large generation (a decision's certificates) done in the background; the file it made
    stays here for its requester to fetch."""

    __tablename__ = "document_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
