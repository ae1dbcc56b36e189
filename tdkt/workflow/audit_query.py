"""Reading the audit trail: the auditor's filters, scoped by unit, for pages, API and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select

from ..models import AuditEvent, Nomination, Unit, User, db
from .clock import LOCAL_TZ, to_local
from .errors import forbidden, validation_failed
from .machine import ROLE_LABELS, STATE_LABELS, TRIGGER_LABELS
from .payload import ascii_int, fits_integer, parse_day

ACTIONS = (
    "transition", "create", "edit", "document", "download", "login", "login_failed",
    "logout", "denied", "token", "admin", "reminder", "escalation", "file_damaged",
)
ACTION_LABELS = {
    "transition": "Chuyển trạng thái",
    "create": "Lập hồ sơ",
    "edit": "Sửa hồ sơ",
    "document": "Tạo văn bản",
    "download": "Tải tệp",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "logout": "Đăng xuất",
    "denied": "Bị từ chối quyền",
    "token": "Mã truy cập API",
    "admin": "Quản trị",
    "reminder": "Nhắc hạn xử lý",
    "escalation": "Báo quá hạn",
    "file_damaged": "Tệp lưu trữ bị hỏng",
}
READERS = ("auditor", "admin")
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def require_reader(user: User) -> None:
    if not user.has_role(*READERS):
        raise forbidden("Chỉ kiểm tra viên và quản trị được xem nhật ký hệ thống.")


@dataclass(frozen=True)
class Filters:
    nomination_ids: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()
    unit_ids: tuple[int, ...] = ()
    actions: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> Filters:
        """From query-string values (several separated by commas); 422 names the bad one."""
        problems: dict[str, str] = {}

        def parts(name: str) -> list[str]:
            return [p.strip() for p in (args.get(name) or "").split(",") if p.strip()]

        def ints(name: str) -> tuple[int, ...]:
            values = [ascii_int(v) for v in parts(name)]
            if not all(v is not None and fits_integer(v) for v in values):
                problems[name] = "Phải là số (nhiều giá trị cách nhau dấu phẩy)"
                return ()
            return tuple(values)

        def day(name: str) -> date | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            value = parse_day(raw)
            if value is None:
                problems[name] = "Ngày phải có dạng YYYY-MM-DD"
                return None
            # The first and last years cannot become a UTC instant range in every time zone.
            if not MINYEAR < value.year < MAXYEAR:
                problems[name] = f"Năm phải từ {MINYEAR + 1} đến {MAXYEAR - 1}"
                return None
            return value

        actions = tuple(parts("action"))
        wrong = [a for a in actions if a not in ACTIONS]
        if wrong:
            problems["action"] = f"Loại sự kiện không hợp lệ: {', '.join(wrong)}"
        found = cls(ints("nomination_id"), tuple(parts("actor")), ints("unit_id"), actions, day("since"), day("until"))
        if found.since and found.until and found.since > found.until:
            problems["since"] = "Ngày bắt đầu sau ngày kết thúc"
        if problems:
            raise validation_failed(problems)
        return found

    def as_args(self) -> dict[str, str]:
        values = {
            "nomination_id": ",".join(map(str, self.nomination_ids)),
            "actor": ",".join(self.actors),
            "unit_id": ",".join(map(str, self.unit_ids)),
            "action": ",".join(self.actions),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)


def scoped_events(user: User) -> Select:
    """Events of units in the reader's scope; events without a unit for admins only."""
    require_reader(user)
    paths = [a.scope_unit.path for a in user.assignments if a.role in READERS]
    unit_path = select(Unit.path).where(Unit.id == AuditEvent.unit_id).scalar_subquery()
    scope = [unit_path.startswith(p, autoescape=True) for p in paths]
    if user.has_role("admin"):
        scope.append(AuditEvent.unit_id.is_(None))
    return select(AuditEvent).where(or_(*scope))


def filtered(user: User, filters: Filters) -> Select:
    query = scoped_events(user)
    if filters.nomination_ids:
        query = query.where(AuditEvent.nomination_id.in_(filters.nomination_ids))
    if filters.unit_ids:
        query = query.where(AuditEvent.unit_id.in_(filters.unit_ids))
    if filters.actions:
        query = query.where(AuditEvent.action.in_(filters.actions))
    if filters.actors:
        numbers = {a: ascii_int(a) for a in filters.actors}
        ids = [n for n in numbers.values() if n is not None and fits_integer(n)]
        names = [a for a, n in numbers.items() if n is None]
        query = query.where(
            AuditEvent.actor_id.in_(select(User.id).where(or_(User.id.in_(ids), User.username.in_(names))))
        )
    if filters.since:
        query = query.where(AuditEvent.at >= _local_midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < _local_midnight(filters.until + timedelta(days=1)))
    return query


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_HEADER = (
    "ID", "Thời gian", "Người thực hiện", "Vai trò", "Hành động", "Thao tác", "Hồ sơ",
    "Từ trạng thái", "Sang trạng thái", "Ý kiến", "Thay đổi", "Chi tiết", "Địa chỉ IP",
    "Trình duyệt", "Mã băm trước", "Mã băm",
)


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """UTF-8 with a BOM so that Excel reads the diacritics; formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield "\ufeff" + flush()
    for e in events:
        writer.writerow([neutralise(v) for v in (
            e.id,
            to_local(e.at).strftime("%d/%m/%Y %H:%M:%S"),
            e.actor.username if e.actor else "",
            ROLE_LABELS.get(e.role or "", e.role or ""),
            ACTION_LABELS.get(e.action, e.action),
            TRIGGER_LABELS.get(e.trigger or "", e.trigger or ""),
            e.nomination_id or "",
            STATE_LABELS.get(e.from_state or "", e.from_state or ""),
            STATE_LABELS.get(e.to_state or "", e.to_state or ""),
            e.comment or "",
            e.changes or "",
            e.details or "",
            e.ip or "",
            e.user_agent or "",
            e.prev_hash,
            e.hash,
        )])
        yield flush()


@dataclass
class Stage:
    state: str
    entered_at: datetime
    left_at: datetime | None
    actor: User | None
    role: str | None
    comment: str | None

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


def timeline(nomination: Nomination) -> list[Stage]:
    """The states a nomination went through, who moved it there and until when it stayed."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.nomination_id == nomination.id, AuditEvent.to_state.is_not(None))
        .order_by(AuditEvent.seq)
    ).all()
    stages: list[Stage] = []
    for e in events:
        if stages and stages[-1].state == e.to_state and e.action != "transition":
            continue  # an edit does not start a new stage
        if stages:
            stages[-1].left_at = e.at
        stages.append(Stage(e.to_state, e.at, None, e.actor, e.role, e.comment))
    return stages


def documents_issued(sha256: str, user: User) -> list[AuditEvent]:
    """Audit events that recorded a generated or downloaded file with this SHA-256."""
    query = scoped_events(user).where(
        AuditEvent.action.in_(("document", "download")),
        AuditEvent.details["sha256"].as_string() == sha256,
    )
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))
