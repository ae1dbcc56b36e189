"""Email notifications: what happened for whom (notifications), the emails made of them
(the outbox), and each user's notification settings.

A transition writes notifications in its own transaction; a later step groups one recipient's
pending notifications into one outbox message, so a bulk action of 30 is one email. Splitting
the two keeps a message's content and Message-ID fixed once made: a retried send is the same
email, recognisable as a duplicate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .nomination import Nomination
from .org import User

NOTIFICATION_STATUSES = ("pending", "batched", "dropped")
MESSAGE_STATUSES = ("pending", "sending", "sent", "failed")
DIGEST_MODES = ("immediate", "daily")


class OutboxMessage(db.Model):
    """One email to one recipient, delivered at least once: a worker claims it
    (pending → sending) before it talks to the SMTP server."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Fixed when the message is made, so every attempt carries the same header.
    header_message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the relay may hand it to a worker again; a row still pending well after it is
    # considered lost (Redis down, job dropped) and is enqueued again.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()


class Notification(db.Model):
    """Something one user should hear about one nomination, written with the transition."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_user", "status", "user_id"),
        Index("ix_notifications_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The state and level the nomination entered: a queue notice whose nomination has moved
    # on by the time the email is made is dropped rather than sent.
    state: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer, default=1)
    trigger: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    nomination: Mapped[Nomination] = relationship()
    message: Mapped[OutboxMessage | None] = relationship()


class NotificationSetting(db.Model):
    """A user's choices; a user without a row gets every kind, as it happens."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    opted_out: Mapped[list] = mapped_column(JSON, default=list)
    digest: Mapped[str] = mapped_column(String(10), default="immediate")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
