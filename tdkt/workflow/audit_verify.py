"""Walking the audit chain in constant memory: rows are read in chunks as plain tuples."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..models import GENESIS_HASH, AuditCheckpoint, AuditEvent, db
from .audit import HASHED_FIELDS, event_hash

CHUNK = 2000
COLUMNS = [AuditEvent.id, AuditEvent.hash] + [getattr(AuditEvent, f) for f in HASHED_FIELDS]


@dataclass
class Verdict:
    ok: bool
    events: int
    first_bad_event_id: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "events": self.events,
            "first_bad_event_id": self.first_bad_event_id,
            "problem": self.problem,
        }


def verify() -> Verdict:
    previous, expected_seq, count = GENESIS_HASH, 1, 0
    while True:
        rows = db.session.execute(
            select(*COLUMNS).where(AuditEvent.seq >= expected_seq).order_by(AuditEvent.seq).limit(CHUNK)
        ).mappings().all()
        if not rows:
            break
        for row in rows:
            if row["seq"] != expected_seq:
                return Verdict(False, count, row["id"], f"thiếu sự kiện số {expected_seq} trong chuỗi")
            if row["prev_hash"] != previous:
                return Verdict(False, count, row["id"], "mắt xích trước không khớp")
            if event_hash(row) != row["hash"]:
                return Verdict(False, count, row["id"], "nội dung sự kiện đã bị thay đổi")
            previous, expected_seq, count = row["hash"], expected_seq + 1, count + 1
    last_seq = expected_seq - 1
    points = db.session.execute(
        select(AuditCheckpoint.seq, AuditCheckpoint.hash, AuditEvent.id, AuditEvent.hash.label("event_hash"))
        .outerjoin(AuditEvent, AuditEvent.seq == AuditCheckpoint.seq)
        .order_by(AuditCheckpoint.seq)
        .execution_options(yield_per=CHUNK)
    )
    for point in points:
        if point.id is None:
            return Verdict(
                False, count, None, f"chuỗi bị cắt: mốc kiểm tra ghi {point.seq} sự kiện, còn {last_seq}"
            )
        if point.event_hash != point.hash:
            return Verdict(False, count, point.id, "sự kiện khác với mốc kiểm tra")
    return Verdict(True, count)
