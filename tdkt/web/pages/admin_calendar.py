"""The admin's working-day calendar: the year's public holidays and the admin's own extra days
off and make-up working days, which every due date computed afterwards uses."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...forms.base import body_of, show_error
from ...forms.calendar import CalendarOverrideForm
from ...workflow import calendar
from ...workflow.clock import local_today
from ...workflow.errors import bad_request
from ...workflow.payload import ascii_int
from . import actor, bp, commit, require_role
from .saving import attempt


def _year() -> int:
    raw = request.args.get("year", "")
    if not raw:
        return local_today().year
    year = ascii_int(raw, max_digits=4)
    if year is None or not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
        raise bad_request(f"Năm phải là số từ {calendar.FIRST_YEAR} đến {calendar.LAST_YEAR}.")
    return year


def _page(year: int, form: CalendarOverrideForm, message: str | None = None, status: int = 200):
    return render_template(
        "admin/calendar.html",
        view=calendar.year_view(year),
        form=form,
        message=message,
        kind_labels=calendar.OVERRIDE_KIND_LABELS,
        weekday=lambda day: calendar.WEEKDAY_NAMES[day.weekday()],
    ), status


@bp.get("/admin/calendar")
def admin_calendar():
    require_role("admin")
    calendar.require_keeper(actor())
    return _page(_year(), CalendarOverrideForm(formdata=None))


@bp.post("/admin/calendar")
def admin_calendar_add():
    require_role("admin")
    calendar.require_keeper(actor())
    form = CalendarOverrideForm()
    valid = form.validate()
    typed = form.day.data
    year = typed.year if typed and calendar.FIRST_YEAR <= typed.year <= calendar.LAST_YEAR else _year()
    if not valid:
        return _page(year, form, status=422)
    added, refused = attempt(lambda: calendar.add_override(actor(), body_of(form, ("day", "kind", "note"))))
    if refused:
        return _page(year, form, show_error(form, refused), refused.status)
    label = calendar.OVERRIDE_KIND_LABELS[added.kind].lower()
    flash(f"Đã thêm {label} {added.day:%d/%m/%Y}.", "success")
    return redirect(url_for("pages.admin_calendar", year=added.day.year))


@bp.post("/admin/calendar/<int:override_id>/delete")
def admin_calendar_remove(override_id: int):
    require_role("admin")
    removed = calendar.remove_override(actor(), override_id)
    label, day = calendar.OVERRIDE_KIND_LABELS[removed.kind].lower(), removed.day
    commit()
    flash(f"Đã bỏ {label} {day:%d/%m/%Y}.", "success")
    return redirect(url_for("pages.admin_calendar", year=day.year))
