"""Appending many synthetic events at once, chained exactly as record() chains them: for the
verification benchmark and the constant-memory test, where a million record() calls would
measure the wrong thing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from ..models import AuditEvent, db, utcnow
from .audit import event_hash, lock_head

BATCH = 5000


def append_synthetic(count: int, action: str = "admin") -> None:
    head = lock_head()
    start = utcnow()
    rows = []
    for i in range(count):
        fields = {
            "seq": head.last_seq + 1,
            "at": start + timedelta(microseconds=i),
            "actor_id": None,
            "role": None,
            "unit_id": None,
            "action": action,
            "object_type": None,
            "object_id": None,
            "nomination_id": None,
            "trigger": None,
            "from_state": None,
            "to_state": None,
            "comment": f"sự kiện thử {i}",
            "changes": {},
            "details": {"i": i},
            "ip": None,
            "user_agent": None,
            "prev_hash": head.last_hash,
        }
        fields["hash"] = event_hash(fields)
        head.last_seq, head.last_hash = fields["seq"], fields["hash"]
        rows.append(fields)
        if len(rows) == BATCH:
            db.session.execute(insert(AuditEvent), rows)
            rows = []
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    db.session.flush()


