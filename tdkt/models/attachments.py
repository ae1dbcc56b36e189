"""A dossier's papers (the files attached to a nomination) and the checklist of those required.

A file's bytes live in the attachment store under their SHA-256; a row only names them. Rows
are never deleted: removing a file while the dossier is editable stamps `removed_at`, so a
returned dossier keeps every earlier version and the appraiser can see what changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .campaign import AwardForm
from .nomination import Nomination
from .org import User

ATTACHMENT_KINDS = (
    "bao_cao_thanh_tich",
    "quyet_dinh_cong_nhan",
    "minh_chung_dong_gop",
    "hinh_anh",
    "khac",
)


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_nomination", "nomination_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    # Decided from the content at upload, never from the name or the sender's header.
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    nomination: Mapped[Nomination] = relationship()
    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def current(self) -> bool:
        return self.removed_at is None


class AttachmentRequirement(db.Model):
    """One line of an award form's checklist: papers of `kind` must be attached before submit.
    A null category applies to every category of the form."""

    __tablename__ = "attachment_requirements"
    __table_args__ = (UniqueConstraint("award_form_id", "category", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id", ondelete="CASCADE"))
    category: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))

    award_form: Mapped[AwardForm] = relationship()
