"""Writing audit events into the hash chain. An event joins the caller's transaction: no event
without its change, and no change without its event."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from sqlalchemy import select

from ..models import AuditChainHead, AuditCheckpoint, AuditEvent, Nomination, db, utcnow
from .actor import Actor

# A checkpoint every so many events bounds how much of a cut tail can go unnoticed between
# explicit checkpoints (`flask audit checkpoint`, run from cron or the hourly sweep).
CHECKPOINT_EVERY = 100

HASHED_FIELDS = (
    "seq", "at", "actor_id", "role", "unit_id", "action", "object_type", "object_id",
    "nomination_id", "trigger", "from_state", "to_state", "comment", "changes", "details",
    "ip", "user_agent", "prev_hash",
)


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes an event's hash covers: its fields as sorted, compact JSON, instants in UTC."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = fields["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def json_value(value: Any) -> Any:
    """A value as an event's changes hold it: dates and times as ISO text."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def lock_head() -> AuditChainHead:
    query = select(AuditChainHead).where(AuditChainHead.id == 1)
    return db.session.scalars(query.with_for_update().execution_options(populate_existing=True)).one()


def record(
    actor: Actor,
    action: str,
    *,
    role: str | None = None,
    nomination: Nomination | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    unit_id: int | None = None,
    trigger: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    if nomination is not None:
        object_type = object_type or "nomination"
        object_id = object_id or nomination.id
        unit_id = unit_id or nomination.unit_id
    elif unit_id is None and actor.user is not None:
        unit_id = actor.user.unit_id
    head = lock_head()
    fields = {
        "seq": head.last_seq + 1,
        "at": utcnow(),
        "actor_id": actor.user_id,
        "role": role,
        "unit_id": unit_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "nomination_id": nomination.id if nomination is not None else None,
        "trigger": trigger,
        "from_state": from_state,
        "to_state": to_state,
        "comment": comment,
        "changes": changes or {},
        "details": details or {},
        "ip": actor.ip,
        "user_agent": (actor.user_agent or "")[:400] or None,
        "prev_hash": head.last_hash,
    }
    event = AuditEvent(**fields, hash=event_hash(fields))
    db.session.add(event)
    head.last_seq, head.last_hash = event.seq, event.hash
    if event.seq % CHECKPOINT_EVERY == 0:
        db.session.add(AuditCheckpoint(seq=event.seq, hash=event.hash))
    return event


def checkpoint() -> AuditCheckpoint | None:
    head = lock_head()
    if head.last_seq == 0:
        return None
    point = AuditCheckpoint(seq=head.last_seq, hash=head.last_hash)
    db.session.add(point)
    return point
