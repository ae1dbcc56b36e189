"""The admin's calendar page: the year's public holidays, extra days off and make-up working
days added and removed (validated, audited), and due dates computed with them at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from test_pages_support import Browser

from tdkt.models import AuditEvent, CalendarOverride, db
from tdkt.workflow import calendar
from tdkt.workflow.actor import Actor

from factories import user


def overrides() -> dict[str, str]:
    return {o.day.isoformat(): o.kind for o in db.session.scalars(select(CalendarOverride))}


def calendar_events() -> list[AuditEvent]:
    query = select(AuditEvent).filter_by(action="admin", object_type="calendar_override")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def add(browser: Browser, day: str, kind: str, note: str = "Theo thông báo của UBND tỉnh"):
    return browser.post("/admin/calendar", {"day": day, "kind": kind, "note": note})


def cells(page, table_id: str) -> dict[str, list[str]]:
    """data-day of each row -> its cells' texts."""
    rows, current = {}, None
    table = page.elements.index(page.find(id=table_id)[0])
    for e in page.elements[table + 1 :]:
        if e["tag"] == "table":
            break
        if e["tag"] == "tr":
            current = rows.setdefault(e["attrs"].get("data-day"), [])
        elif e["tag"] == "td" and current is not None:
            current.append(" ".join("".join(e["text"]).split()))
    return rows


def test_the_year_lists_public_holidays_and_the_make_up_saturday(app):
    page = Browser(app, "admin").get("/admin/calendar?year=2026")
    assert page.status == 200
    holidays = cells(page, "holidays")
    assert {"2026-02-16", "2026-02-20", "2026-04-27", "2026-08-31", "2026-09-02"} <= set(holidays)
    assert holidays["2026-04-26"] == ["26/04/2026", "Chủ nhật", "Ngày Giỗ Tổ Hùng Vương"]
    assert holidays["2026-08-22"] == ["22/08/2026", "thứ Bảy", "Làm bù theo thông báo của Chính phủ"]
    days = [d for d in holidays if d]
    assert days == sorted(days), "the make-up Saturday sits among the holidays by date"
    assert page.find(id="admin-nav-calendar")


def test_admin_adds_and_removes_days_and_due_dates_follow(app, api):
    browser = Browser(app, "admin")
    url = "/api/v1/calendar/add-working-days?start=2026-12-24&days=3"
    assert api("vpdp").get(url).get_json() == {"date": "2026-12-29"}  # Fri 25, Mon 28, Tue 29

    assert add(browser, "2026-12-28", "day_off", "Nghỉ bù theo quyết định của tỉnh").status == 302
    page = add(browser, "2026-12-26", "working_day", "Làm bù cho ngày 28/12")
    assert page.status == 302 and page.response.headers["Location"].endswith("/admin/calendar?year=2026")
    assert overrides() == {"2026-12-28": "day_off", "2026-12-26": "working_day"}
    assert api("vpdp").get(url).get_json() == {"date": "2026-12-29"}  # Fri 25, Sat 26, Tue 29
    assert api("vpdp").get("/api/v1/calendar/add-working-days?start=2026-12-25&days=1").get_json() == {
        "date": "2026-12-26"
    }

    listed = browser.get("/admin/calendar?year=2026")
    assert [r["attrs"]["data-day"] for r in listed.find() if "data-override-id" in r["attrs"]] == [
        "2026-12-26", "2026-12-28",
    ]
    assert "Đã thêm ngày làm bù 26/12/2026." in listed.html

    made_up = db.session.scalars(select(CalendarOverride).filter_by(kind="working_day")).one()
    assert browser.post(f"/admin/calendar/{made_up.id}/delete", {}).status == 302
    assert overrides() == {"2026-12-28": "day_off"}
    assert api("vpdp").get(url).get_json() == {"date": "2026-12-30"}  # Fri 25, Tue 29, Wed 30
    assert "Đã bỏ ngày làm bù 26/12/2026." in browser.get("/admin/calendar?year=2026").html
    assert browser.post(f"/admin/calendar/{made_up.id}/delete", {}).status == 404


def test_every_change_is_an_admin_audit_event(app):
    browser = Browser(app, "admin")
    add(browser, "2027-01-04", "day_off", "Nghỉ thêm dịp Tết Dương lịch")
    row = db.session.scalars(select(CalendarOverride)).one()
    browser.post(f"/admin/calendar/{row.id}/delete", {})
    added, removed = calendar_events()
    assert (added.actor_id, added.role, added.details["op"]) == (user("admin").id, "admin", "add_calendar_override")
    assert added.changes == {
        "day": [None, "2027-01-04"], "kind": [None, "day_off"], "note": [None, "Nghỉ thêm dịp Tết Dương lịch"],
    }
    assert removed.details["op"] == "remove_calendar_override" and removed.object_id == added.object_id
    assert removed.changes["day"] == ["2027-01-04", None]


def test_bad_days_are_refused_with_the_date_named_and_nothing_changes(app):
    browser = Browser(app, "admin")
    assert add(browser, "2026-12-31", "day_off").status == 302
    cases = {
        ("2026-12-16", "working_day"): "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày 16/12/2026 là thứ Tư",
        ("2026-12-27", "day_off"): "Ngày nghỉ thêm phải là ngày làm việc; ngày 27/12/2026 là Chủ nhật",
        ("2026-09-02", "day_off"): "Ngày nghỉ thêm phải là ngày làm việc; ngày 02/09/2026 là ngày nghỉ lễ (Quốc khánh)",
        ("2026-08-22", "working_day"): "Ngày 22/08/2026 đã là ngày làm bù theo thông báo của Chính phủ",
        ("2026-12-31", "day_off"): "Ngày 31/12/2026 đã có trong lịch điều chỉnh (ngày nghỉ thêm)",
        ("1999-12-31", "day_off"): "Ngày 31/12/1999 phải thuộc các năm 2000–2100",
    }
    events = len(calendar_events())
    for (day, kind), message in cases.items():
        page = add(browser, day, kind)
        assert page.status == 422, (day, page.status)
        assert page.errors() == {"day": message}
        assert page.value("day") == day and page.value("kind") == kind
    page = add(browser, "", "", "")
    assert page.status == 422
    assert page.errors() == {"day": "Ngày là bắt buộc", "kind": "Loại ngày là bắt buộc", "note": "Lý do là bắt buộc"}
    page = add(browser, "31/12/2026", "day_off")
    assert page.status == 422 and page.errors() == {"day": "Ngày không hợp lệ."}
    assert overrides() == {"2026-12-31": "day_off"} and len(calendar_events()) == events
    assert browser.get("/admin/calendar?year=²").status == 400
    assert "Năm phải là số từ 2000 đến 2100." in browser.get("/admin/calendar?year=١٢٣٤").html


def test_only_admins_see_or_change_the_calendar(app):
    Browser(app, "admin")  # the demo data's admin adds a day so there is something to remove
    calendar.add_override(Actor(user("admin")), {"day": "2026-12-31", "kind": "day_off", "note": "Nghỉ bù"})
    db.session.commit()
    row = db.session.scalars(select(CalendarOverride)).one()
    for username in ("xa.vinhhiep", "vpdp", "noivu", "chutich", "kiemtra"):
        browser = Browser(app, username)
        assert browser.get("/admin/calendar").status == 403
        assert add(browser, "2026-12-30", "day_off").status == 403
        assert browser.post(f"/admin/calendar/{row.id}/delete", {}).status == 403
    assert overrides() == {"2026-12-31": "day_off"}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(object_type="calendar_override")) == 1


def test_the_requests_cached_calendar_is_refreshed_by_a_change(app):
    before = calendar.current()
    assert before.is_working_day(date(2026, 12, 30))
    calendar.add_override(Actor(user("admin")), {"day": "2026-12-30", "kind": "day_off", "note": "Nghỉ bù"})
    assert not calendar.current().is_working_day(date(2026, 12, 30))
