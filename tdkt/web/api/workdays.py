"""GET /api/v1/calendar/add-working-days: the office's calendar, for scripts and portals."""

from __future__ import annotations

import re

from ...workflow import calendar
from ...workflow.errors import bad_request, validation_failed
from . import bp
from .listing import day_arg, query_args


@bp.get("/calendar/add-working-days")
def add_working_days():
    args = query_args({"start", "days"})
    if "start" not in args or "days" not in args:
        raise bad_request("Cần tham số 'start' (YYYY-MM-DD) và 'days' (số nguyên).")
    start = day_arg(args, "start")
    raw = args["days"]
    # ASCII digits only: str.isdigit() also accepts "²" (which int() refuses) and "١٢".
    if not re.fullmatch(r"-?[0-9]{1,7}", raw):
        raise bad_request("Tham số 'days' phải là số nguyên (chữ số 0–9).")
    days = int(raw)
    if not 0 <= days <= calendar.MAX_DAYS:
        raise validation_failed({"days": f"days phải từ 0 đến {calendar.MAX_DAYS}, đã gửi {days}"})
    return {"date": calendar.current().add_working_days(start, days).isoformat()}
