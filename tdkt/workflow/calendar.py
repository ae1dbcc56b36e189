"""Vietnamese working days: Monday to Friday, minus the public holidays of the `holidays`
package (with the official make-up working Saturdays it knows), then the admin's overrides."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask import g, has_app_context
from sqlalchemy import select

from ..models import CalendarOverride, db

MAX_DAYS = 3650


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
