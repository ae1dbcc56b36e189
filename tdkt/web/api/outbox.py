"""GET /api/v1/outbox: the email messages, newest first (admins, for recipients in scope)."""

from __future__ import annotations

from flask import g

from ...models import OutboxMessage, db
from ...models.outbox import MESSAGE_STATUSES
from ...workflow.errors import forbidden
from ...workflow.notifications import outbox_for
from . import bp, serialize
from .listing import page, query_args, str_list


def message(m: OutboxMessage) -> dict:
    return {
        "id": m.id,
        "to": m.to_address,
        "subject": m.subject,
        "body": m.body_text,
        "status": m.status,
        "attempts": m.attempts,
        "created_at": serialize.instant(m.created_at),
        "sent_at": serialize.instant(m.sent_at),
        "message_id": m.header_message_id,
        "last_error": m.last_error,
    }


@bp.get("/outbox")
def outbox():
    if not g.api_user.has_role("admin"):
        raise forbidden("Chỉ quản trị được xem hộp thư đi.")
    args = query_args({"status"})
    query = outbox_for(g.api_user)
    if (statuses := str_list(args, "status", MESSAGE_STATUSES)) is not None:
        query = query.where(OutboxMessage.status.in_(statuses))

    def fetch(after, n):
        q = query if after is None else query.where(OutboxMessage.id < after)
        return list(db.session.scalars(q.order_by(OutboxMessage.id.desc()).limit(n)))

    filters = {k: args[k] for k in ("status",) if k in args}
    rows, cursor = page(args, filters, fetch, lambda m: m.id)
    return {"items": [message(m) for m in rows], "next_cursor": cursor}
