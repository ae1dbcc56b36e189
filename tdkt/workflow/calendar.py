"""Vietnamese working days: Monday to Friday, minus the public holidays of the `holidays`
package (with the official make-up working Saturdays it knows), then the admin's overrides.

The admin's overrides are added and removed here too: validated, flushed, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
from flask import g, has_app_context
from sqlalchemy import select

from ..models import CalendarOverride, db
from ..models.calendar import OVERRIDE_KINDS
from .actor import Actor
from .admin import record_admin_change, require_top_level_admin
from .errors import forbidden, not_found, validation_failed
from .payload import Field, parse

MAX_DAYS = 3650
# The years an override may fall in: wide enough for any dossier, narrow enough that a typo
# such as 0226 is refused rather than stored.
FIRST_YEAR, LAST_YEAR = 2000, 2100
OVERRIDE_KIND_LABELS = {"day_off": "Ngày nghỉ thêm", "working_day": "Ngày làm bù"}
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
OVERRIDE_FIELDS = {
    "day": Field(date, "Ngày", nullable=False),
    "kind": Field(str, "Loại ngày", choices=OVERRIDE_KINDS, nullable=False),
    "note": Field(str, "Lý do", max_length=255, nullable=False),
}


@lru_cache(maxsize=64)
def public_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """The package's days off of one year with their Vietnamese names, in date order."""
    return tuple(sorted(holidays.country_holidays("VN", years=year, language="vi").items()))


@lru_cache(maxsize=64)
def _public(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend days worked) of one year, as the package knows them."""
    calendar = holidays.country_holidays("VN", years=year)
    return frozenset(calendar), frozenset(getattr(calendar, "weekend_workdays", ()))


class WorkCalendar:
    def __init__(self, days_off: frozenset[date] = frozenset(), working_days: frozenset[date] = frozenset()):
        self.days_off = days_off
        self.working_days = working_days

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        public_off, weekend_worked = _public(day.year)
        if day.weekday() >= 5:
            return day in weekend_worked
        return day not in public_off

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`; with 0, `start` itself if it is a working
        day, else the next one."""
        if not 0 <= days <= MAX_DAYS:
            raise ValueError(f"days must be within 0..{MAX_DAYS}")
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def load() -> WorkCalendar:
    rows = db.session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
    return WorkCalendar(
        frozenset(day for day, kind in rows if kind == "day_off"),
        frozenset(day for day, kind in rows if kind == "working_day"),
    )


def current() -> WorkCalendar:
    """The calendar with the admin's overrides, read once per request (or per call outside one)."""
    if not has_app_context():
        return load()
    if "work_calendar" not in g:
        g.work_calendar = load()
    return g.work_calendar


def forget() -> None:
    if has_app_context():
        g.pop("work_calendar", None)


@dataclass(frozen=True)
class YearDay:
    day: date
    name: str
    working: bool = False  # a weekend day worked by the government's notice


@dataclass(frozen=True)
class Year:
    """What the admin's calendar page shows of one year."""

    year: int
    official: tuple[YearDay, ...]  # by date: days off by law and weekend days worked (the package)
    overrides: tuple[CalendarOverride, ...]  # the admin's own


def year_view(year: int) -> Year:
    weekend_worked = _public(year)[1]
    query = select(CalendarOverride).where(
        CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)
    )
    return Year(
        year,
        tuple(
            sorted(
                [YearDay(day, name) for day, name in public_holidays(year)]
                + [YearDay(day, "Làm bù theo thông báo của Chính phủ", True) for day in weekend_worked if day.year == year],
                key=lambda d: d.day,
            )
        ),
        tuple(db.session.scalars(query.order_by(CalendarOverride.day))),
    )


def require_keeper(actor: Actor) -> None:
    """One calendar for every unit's due dates: only an admin of a top-level unit keeps it."""
    if actor.user is None:
        raise forbidden("Chỉ quản trị hệ thống được điều chỉnh lịch làm việc.")
    require_top_level_admin(actor, "Lịch làm việc")


def _override_problem(day: date, kind: str) -> str | None:
    """Why `day` cannot be overridden as `kind`, judged against the lawful calendar."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"Ngày {day:%d/%m/%Y} phải thuộc các năm {FIRST_YEAR}–{LAST_YEAR}"
    taken = db.session.scalar(select(CalendarOverride.kind).where(CalendarOverride.day == day))
    if taken is not None:
        return f"Ngày {day:%d/%m/%Y} đã có trong lịch điều chỉnh ({OVERRIDE_KIND_LABELS[taken].lower()})"
    holiday = dict(public_holidays(day.year)).get(day)
    lawful = WorkCalendar()
    if kind == "working_day":
        if day.weekday() < 5:
            return f"Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày {day:%d/%m/%Y} là {WEEKDAY_NAMES[day.weekday()]}"
        if holiday is not None:
            return f"Ngày {day:%d/%m/%Y} là ngày nghỉ lễ ({holiday}), không thể làm ngày làm bù"
        if lawful.is_working_day(day):
            return f"Ngày {day:%d/%m/%Y} đã là ngày làm bù theo thông báo của Chính phủ"
    elif not lawful.is_working_day(day):
        reason = f"ngày nghỉ lễ ({holiday})" if holiday is not None else WEEKDAY_NAMES[day.weekday()]
        return f"Ngày nghỉ thêm phải là ngày làm việc; ngày {day:%d/%m/%Y} là {reason}"
    return None


def _changes(row: CalendarOverride, *, added: bool) -> dict[str, list[Any]]:
    values = {"day": row.day.isoformat(), "kind": row.kind, "note": row.note}
    return {k: [None, v] if added else [v, None] for k, v in values.items()}


def add_override(actor: Actor, body: Any) -> CalendarOverride:
    """Add an extra day off or make-up working day; due dates computed afterwards use it."""
    require_keeper(actor)
    values = parse(body, OVERRIDE_FIELDS, what="Ngày điều chỉnh")
    problems = {
        name: f"{spec.label} là bắt buộc"
        for name, spec in OVERRIDE_FIELDS.items()
        if values.get(name) in (None, "")
    }
    if not problems and (problem := _override_problem(values["day"], values["kind"])):
        problems["day"] = problem
    if problems:
        raise validation_failed(problems)
    row = CalendarOverride(day=values["day"], kind=values["kind"], note=values["note"], created_by_id=actor.user_id)
    db.session.add(row)
    db.session.flush()
    record_admin_change(
        actor, "add_calendar_override", object_type="calendar_override", object_id=row.id,
        changes=_changes(row, added=True),
    )
    db.session.flush()
    forget()
    return row


def remove_override(actor: Actor, override_id: int) -> CalendarOverride:
    require_keeper(actor)
    row = db.session.get(CalendarOverride, override_id)
    if row is None:
        raise not_found("Ngày điều chỉnh")
    record_admin_change(
        actor, "remove_calendar_override", object_type="calendar_override", object_id=row.id,
        changes=_changes(row, added=False),
    )
    db.session.delete(row)
    db.session.flush()
    forget()
    return row

