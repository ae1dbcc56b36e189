"""GET /api/v1/calendar/add-working-days: the office's calendar, for scripts and portals."""

from __future__ import annotations

from ...workflow import calendar
from ...workflow.errors import bad_request, validation_failed
from ...workflow.payload import ascii_int
from . import bp
from .listing import day_arg, query_args


@bp.get("/calendar/add-working-days")
def add_working_days():
    args = query_args({"start", "days"})
    if "start" not in args or "days" not in args:
        raise bad_request("Cần tham số 'start' (YYYY-MM-DD) và 'days' (số nguyên).")
    start = day_arg(args, "start")
    days = ascii_int(args["days"], max_digits=7, signed=True)
    if days is None:
        raise bad_request("Tham số 'days' phải là số nguyên (chữ số 0–9).")
    if not 0 <= days <= calendar.MAX_DAYS:
        raise validation_failed({"days": f"days phải từ 0 đến {calendar.MAX_DAYS}, đã gửi {days}"})
    return {"date": calendar.current().add_working_days(start, days).isoformat()}
