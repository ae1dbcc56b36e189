"""Working days and stage deadlines (DESIGN §5), with the dates offices know by heart."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tdkt.models import CalendarOverride, db
from tdkt.workflow import calendar, deadlines
from tdkt.workflow.calendar import WorkCalendar

from factories import campaign, nomination_in, step

PLAIN = WorkCalendar()


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        *[(date(2026, 2, d), False) for d in range(16, 21)],  # Tết 2026: Mon 16/2 – Fri 20/2
        (date(2026, 2, 23), True),
        (date(2026, 4, 26), False),  # Giỗ Tổ on a Sunday ...
        (date(2026, 4, 27), False),  # ... with Monday off
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2025, 9, 1), False),  # Quốc khánh 2025: Mon 1/9 and Tue 2/9
        (date(2025, 9, 2), False),
        (date(2026, 8, 31), False),  # 2026: Monday 31/8 off ...
        (date(2026, 8, 22), True),  # ... made up on Saturday 22/8
        (date(2026, 8, 29), False),  # an ordinary Saturday
        (date(2026, 9, 2), False),
    ],
)
def test_vietnamese_working_days(day, working):
    assert PLAIN.is_working_day(day) is working


def test_adding_working_days_across_tet_and_a_make_up_saturday():
    assert PLAIN.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert PLAIN.add_working_days(date(2026, 2, 11), 10) == date(2026, 3, 4)
    assert PLAIN.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert PLAIN.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    assert PLAIN.add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 23)
    assert PLAIN.add_working_days(date(2026, 2, 12), 0) == date(2026, 2, 12)
    assert PLAIN.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_the_admins_overrides_apply(app, api):
    db.session.add_all([
        CalendarOverride(day=date(2026, 12, 31), kind="day_off", note="Nghỉ bù"),
        CalendarOverride(day=date(2026, 12, 26), kind="working_day", note="Làm bù"),
    ])
    db.session.commit()
    calendar.forget()
    cal = calendar.current()
    assert not cal.is_working_day(date(2026, 12, 31)) and cal.is_working_day(date(2026, 12, 26))
    answer = api("vpdp").get("/api/v1/calendar/add-working-days?start=2026-12-24&days=3")
    assert answer.status_code == 200
    assert answer.get_json() == {"date": "2026-12-28"}  # Fri 25, Sat 26 (made up), Mon 28
    assert api("vpdp").get("/api/v1/calendar/add-working-days?start=2026-12-30&days=1").get_json() == {
        "date": "2027-01-04"
    }  # 31/12 off by the admin, 1/1 Tết Dương lịch, then the weekend


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("start=2026-12-24", 400, "bad_request"),
        ("days=3", 400, "bad_request"),
        ("start=24/12/2026&days=3", 422, "validation_failed"),
        ("start=2026-12-24&days=-1", 422, "validation_failed"),
        ("start=2026-12-24&days=abc", 400, "bad_request"),
        ("start=2026-12-24&days=²", 400, "bad_request"),  # isdigit() says yes, int() says no
        ("start=2026-12-24&days=١٢", 400, "bad_request"),  # Arabic-Indic digits
        ("start=2026-12-24&days=3%20", 400, "bad_request"),
        ("start=2026-12-24&days=99999", 422, "validation_failed"),
    ],
)
def test_add_working_days_rejects_bad_input(api, query, status, code):
    answer = api("vpdp").get(f"/api/v1/calendar/add-working-days?{query}")
    assert answer.status_code == status
    assert answer.get_json()["error"]["code"] == code
    if code == "bad_request" and "start=" in query and "days=" in query:
        assert answer.get_json()["error"]["message"] == "Tham số 'days' phải là số nguyên (chữ số 0–9)."


@pytest.fixture
def clock(app, monkeypatch):
    """Set the engine's 'now' (UTC); the campaign's window is opened wide around it."""
    demo = campaign()
    demo.submission_opens_on, demo.submission_closes_on = date(2020, 1, 1), date(2030, 12, 31)
    db.session.flush()
    current = {}

    def now():
        return current["now"]

    monkeypatch.setattr("tdkt.workflow.engine.utcnow", now)
    monkeypatch.setattr("tdkt.workflow.clock.utcnow", now)

    def set_to(*parts):
        current["now"] = datetime(*parts, tzinfo=UTC)

    return set_to


def local_noon(clock, day: date):
    clock(day.year, day.month, day.day, 5, 0)  # 12:00 in Asia/Ho_Chi_Minh


def test_appraisal_deadline_across_tet(clock):
    local_noon(clock, date(2026, 2, 11))
    nomination = nomination_in("submitted")
    assert nomination.stage_due_on == date(2026, 3, 4)


def test_claiming_keeps_the_deadline_and_a_return_pauses_it(clock):
    local_noon(clock, date(2026, 11, 2))
    nomination = nomination_in("submitted")
    assert nomination.stage_due_on == date(2026, 11, 16)
    local_noon(clock, date(2026, 11, 3))
    nomination = step(nomination, "vpdp", "start_appraisal")
    assert nomination.stage_due_on == date(2026, 11, 16)
    local_noon(clock, date(2026, 11, 5))
    nomination = step(nomination, "vpdp", "return_for_revision", {"comment": "Bổ sung"})
    assert nomination.paused_days_left == 7  # 6, 9, 10, 11, 12, 13, 16 November
    assert nomination.stage_due_on == date(2026, 11, 12)  # the proposer's 5 working days
    local_noon(clock, date(2026, 11, 10))
    nomination = step(nomination, "xa.vinhhiep", "submit")
    # the office's 7 remaining days resume: 11, 12, 13, 16, 17, 18, 19
    assert nomination.stage_due_on == date(2026, 11, 19)
    assert nomination.returned_working_days == 3


def test_send_back_starts_a_fresh_limit(clock):
    local_noon(clock, date(2026, 10, 1))
    nomination = nomination_in("council_review")
    assert nomination.stage_due_on == date(2026, 10, 12)  # council: 7 working days
    local_noon(clock, date(2026, 10, 6))
    nomination = step(nomination, "noivu", "send_back", {"comment": "Thẩm định lại"})
    assert nomination.stage_due_on == date(2026, 10, 20)  # appraisal: 10 fresh working days


def test_an_action_at_2330_local_counts_for_that_day(clock):
    clock(2026, 11, 2, 16, 30)  # 23:30 Monday in Vĩnh Châu
    assert nomination_in("submitted").stage_due_on == date(2026, 11, 16)
    clock(2026, 11, 2, 17, 30)  # 00:30 Tuesday
    assert nomination_in("submitted").stage_due_on == date(2026, 11, 17)


def test_no_deadline_in_draft_or_closed_states(clock):
    local_noon(clock, date(2026, 10, 1))
    assert nomination_in("draft").stage_due_on is None
    for state in ("approved", "rejected", "withdrawn", "revoked"):
        assert nomination_in(state).stage_due_on is None


@pytest.mark.parametrize(
    "today, code, label",
    [
        (date(2026, 11, 12), "on_time", "còn 2 ngày làm việc"),
        (date(2026, 11, 13), "due_soon", "còn 1 ngày làm việc"),
        (date(2026, 11, 16), "due_soon", "đến hạn hôm nay"),
        (date(2026, 11, 19), "overdue", "quá hạn 3 ngày"),
    ],
)
def test_due_status_as_people_say_it(clock, today, code, label):
    local_noon(clock, date(2026, 11, 2))
    nomination = nomination_in("submitted")
    found = deadlines.status(nomination, today)
    assert (found.code, found.label) == (code, label)


def test_the_dossier_verdict_at_close(clock):
    local_noon(clock, date(2026, 10, 1))
    quick = nomination_in("approved")
    assert (quick.timeliness, quick.late_stages) == ("early", 0)
    slow = nomination_in("council_review")
    local_noon(clock, date(2026, 10, 30))  # the council's 7 days ran out on 12/10
    slow = step(slow, "noivu", "reject", {"comment": "Không đạt"})
    assert (slow.timeliness, slow.late_stages) == ("late", 1)
    assert slow.elapsed_working_days == 21


def test_due_date_and_status_in_the_api(clock, api):
    local_noon(clock, date(2026, 11, 2))
    nomination = nomination_in("submitted")
    db.session.commit()
    local_noon(clock, date(2026, 11, 19))
    body = api("vpdp").get(f"/api/v1/nominations/{nomination.id}").get_json()
    assert body["stage_due_on"] == "2026-11-16"
    assert body["due_status"] == "overdue"
    assert body["due_label"] == "quá hạn 3 ngày"
