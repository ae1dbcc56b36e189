"""The deadline sweep: reminders the working day before, escalations after, each once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tdkt.config import escalation_from_env
from tdkt.models import AuditEvent, Notification, db
from tdkt.workflow import reminders

from factories import campaign, nomination_in, step


@pytest.fixture
def clock(app, monkeypatch):
    demo = campaign()
    demo.submission_opens_on, demo.submission_closes_on = date(2020, 1, 1), date(2030, 12, 31)
    db.session.flush()
    current = {}
    monkeypatch.setattr("tdkt.workflow.engine.utcnow", lambda: current["now"])
    monkeypatch.setattr("tdkt.workflow.clock.utcnow", lambda: current["now"])
    monkeypatch.setattr("tdkt.workflow.audit.utcnow", lambda: current["now"])

    def at_noon(day: date, utc_hour: int = 5) -> datetime:
        current["now"] = datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC)
        return current["now"]

    return at_noon


def notices(nomination, kind):
    return sorted(
        n.user.username
        for n in db.session.scalars(select(Notification).filter_by(nomination_id=nomination.id, kind=kind))
    )


def test_reminder_the_working_day_before_then_escalation_once(clock):
    clock(date(2026, 11, 2))
    nomination = nomination_in("submitted")  # appraisal due Monday 16/11
    assert nomination.stage_due_on == date(2026, 11, 16)

    assert reminders.sweep(clock(date(2026, 11, 12))).reminders == 0  # two working days before
    report = reminders.sweep(clock(date(2026, 11, 13)))  # Friday, the working day before
    assert (report.reminders, report.escalations) == (1, 0)
    assert notices(nomination, "reminder") == ["vpdp", "vpdp2"]
    assert reminders.sweep(clock(date(2026, 11, 13))).reminders == 0  # once, however often
    assert reminders.sweep(clock(date(2026, 11, 16))).escalations == 0  # due today: not late yet

    report = reminders.sweep(clock(date(2026, 11, 17)))
    assert (report.reminders, report.escalations) == (0, 1)
    assert notices(nomination, "escalation") == ["chutich", "phochutich"]
    assert reminders.sweep(clock(date(2026, 11, 18))).escalations == 0
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.nomination_id == nomination.id, AuditEvent.action.in_(("reminder", "escalation")))
    ).all()
    assert [(e.action, e.details["stage_due_on"]) for e in events] == [
        ("reminder", "2026-11-16"), ("escalation", "2026-11-16")
    ]


def test_a_new_stage_gets_its_own_reminder(clock):
    clock(date(2026, 11, 2))
    nomination = nomination_in("in_appraisal")
    reminders.sweep(clock(date(2026, 11, 13)))
    assert notices(nomination, "reminder") == ["vpdp"]  # in appraisal: the assignee only
    clock(date(2026, 11, 13), utc_hour=9)  # later that afternoon
    step(nomination, "vpdp", "pass_appraisal", {"comment": "Đạt"})
    assert nomination.stage_due_on == date(2026, 11, 25)  # 7 working days; 24/11 is a holiday
    reminders.sweep(clock(date(2026, 11, 24)))  # not a working day: no reminders
    assert notices(nomination, "reminder") == ["vpdp"]
    reminders.sweep(clock(date(2026, 11, 23)))
    assert notices(nomination, "reminder") == ["noivu", "vpdp"]


def test_the_proposer_is_reminded_of_a_returned_dossier(clock):
    clock(date(2026, 11, 2))
    nomination = nomination_in("returned")  # the proposer's 5 working days: due 9/11
    assert nomination.stage_due_on == date(2026, 11, 9)
    reminders.sweep(clock(date(2026, 11, 6)))
    assert notices(nomination, "reminder") == ["xa.vinhhiep"]


def test_escalation_recipients_are_configurable(clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEADLINE_ESCALATION", {"appraisal": ("council_secretary", "proposer")})
    clock(date(2026, 11, 2))
    nomination = nomination_in("submitted")
    reminders.sweep(clock(date(2026, 11, 20)))
    assert notices(nomination, "escalation") == ["noivu", "xa.vinhhiep"]


def test_a_configured_stage_replaces_only_its_default(clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEADLINE_ESCALATION", escalation_from_env("council=council_secretary"))
    clock(date(2026, 11, 2))
    nomination = nomination_in("submitted")
    reminders.sweep(clock(date(2026, 11, 20)))
    assert notices(nomination, "escalation") == ["chutich", "phochutich"]  # appraisal: the default


def test_the_escalation_setting_from_the_environment():
    assert escalation_from_env("") == {}
    assert escalation_from_env(" appraisal = signer, council_secretary ; signature= ") == {
        "appraisal": ("signer", "council_secretary"),
        "signature": (),
    }
    with pytest.raises(ValueError, match="stage among"):
        escalation_from_env("appraisal")
    with pytest.raises(ValueError, match="stage among"):
        escalation_from_env("tham_dinh=signer")
    with pytest.raises(ValueError, match=r"unknown roles \['chairman'\]"):
        escalation_from_env("council=chairman")


def test_closed_and_draft_nominations_are_left_alone(clock):
    clock(date(2026, 11, 2))
    nomination_in("draft")
    nomination_in("approved")
    report = reminders.sweep(clock(date(2026, 12, 31)))
    assert (report.reminders, report.escalations) == (0, 0)


def test_the_sweep_command(clock, app):
    clock(date(2026, 11, 2))
    nomination_in("submitted")
    db.session.commit()
    clock(date(2026, 11, 20))
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0, result.output
    assert "báo quá hạn 1 hồ sơ" in result.output


def test_the_reminder_email_names_the_deadline(clock):
    from tdkt.workflow import notifications

    from factories import user

    clock(date(2026, 11, 2))
    nomination = nomination_in("in_appraisal")
    now = clock(date(2026, 11, 13))
    reminders.sweep(now)
    db.session.flush()
    message = notifications.compose(
        db.session, user("vpdp").id, now, base_url="http://tdkt.test", domain="tdkt.test", digest_hour=7
    )
    assert message is not None
    assert "hồ sơ đến hạn xử lý vào ngày làm việc tới" in message.subject
    assert "hạn xử lý 16/11/2026" in message.body_text
    assert f"http://tdkt.test/nominations/{nomination.id}" in message.body_text
