"""Notifications written with the transition, composed into one email per recipient, sent
in-process after the commit (the embedded default), and the admin's outbox API."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from test_notifications_support import (  # noqa: F401  (fixtures)
    CLOSED_PORT,
    SmtpSink,
    act,
    bulk,
    drafts,
    embedded_fixture,
    smtp_fixture,
    unlimited_quota,
)

from tdkt.models import AuditEvent, Notification, OutboxMessage, db
from tdkt.workflow import jobs, notifications
from tdkt.workflow.errors import WorkflowError

from factories import actor, nomination_in, step, user

pytestmark = pytest.mark.usefixtures("embedded")


def rows(**filters) -> list[Notification]:
    return list(db.session.scalars(select(Notification).filter_by(**filters).order_by(Notification.id)))


def recipients(nomination, **filters) -> list[tuple[str, str, str]]:
    return [
        (n.user.username, n.kind, n.state)
        for n in rows(nomination_id=nomination.id, **filters)
    ]


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- who is told ---------------------------------------------------------------------------


def test_each_transition_notifies_the_new_holders_one_row_per_recipient(app):
    n = nomination_in("submitted")
    assert recipients(n) == [("vpdp", "queue", "submitted"), ("vpdp2", "queue", "submitted")]

    step(n, "vpdp", "start_appraisal")  # claimed by the actor: nobody else is waiting
    assert len(rows(nomination_id=n.id)) == 2

    step(n, "vpdp", "pass_appraisal", {"comment": "Đủ điều kiện"})
    assert recipients(n, state="council_review") == [("noivu", "queue", "council_review")]

    step(n, "noivu", "submit_for_signature", {
        "council_meeting_on": None, "council_minutes_number": "03/BB", "council_members_total": 9,
        "council_members_present": 8, "votes_for": 8,
    })
    assert recipients(n, state="awaiting_signature") == [
        ("chutich", "queue", "awaiting_signature"),
        ("phochutich", "queue", "awaiting_signature"),
    ]

    step(n, "chutich", "sign", {"decision_date": None})
    assert recipients(n, state="approved") == [("xa.vinhhiep", "approved", "approved")]


def test_appraisal_notifies_the_assignee_only(app):
    n = nomination_in("submitted")
    step(n, "vpdp", "start_appraisal", {"assignee_id": user("vpdp2").id})
    assert recipients(n, state="in_appraisal") == [("vpdp2", "queue", "in_appraisal")]
    step(n, "vpdp2", "reassign", {"assignee_id": user("vpdp").id})
    assert recipients(n, state="in_appraisal") == [("vpdp2", "queue", "in_appraisal"), ("vpdp", "queue", "in_appraisal")]


@pytest.mark.parametrize(
    ("state", "comment"),
    [("returned", "Bổ sung hồ sơ"), ("rejected", "Không đủ tiêu chuẩn"), ("revoked", "Sai thành tích")],
)
def test_outcomes_notify_the_proposers_of_the_unit_with_the_reason(app, state, comment):
    n = nomination_in(state)
    told = rows(nomination_id=n.id, kind=state)
    assert [(r.user.username, r.comment) for r in told] == [("xa.vinhhiep", comment)]


def test_withdrawal_tells_nobody(app):
    n = nomination_in("submitted")
    before = len(rows(nomination_id=n.id))
    step(n, "xa.vinhhiep", "withdraw", {"comment": "Đơn vị rút"})
    assert len(rows(nomination_id=n.id)) == before


def test_opted_out_kinds_and_users_without_an_address_get_nothing(app):
    notifications.update_settings(actor("vpdp"), user("vpdp"), opted_out=["queue"])
    user("vpdp2").email = ""
    n = nomination_in("submitted")
    assert recipients(n) == []


# --- transactions --------------------------------------------------------------------------


def test_a_rolled_back_transition_leaves_no_notification_and_sends_nothing(app, smtp):
    nomination_in("submitted")
    assert count(Notification) == 2
    db.session.rollback()
    assert count(Notification) == 0
    assert count(OutboxMessage) == 0
    db.session.commit()
    assert smtp.messages == []


def test_a_failed_item_of_a_bulk_action_leaves_no_notification(app, api):
    ok, taken = drafts(2)
    taken.nominee_name, taken.birth_year = ok.nominee_name, ok.birth_year  # a duplicate nominee
    db.session.commit()
    results = bulk(api("xa.vinhhiep"), "submit", [ok, taken])["results"]
    assert [r["ok"] for r in results] == [True, False]
    assert {r.nomination_id for r in rows()} == {ok.id}


def test_nothing_leaves_before_the_commit(app, smtp):
    n = nomination_in("submitted")  # flushed, not committed
    assert count(OutboxMessage) == 0 and smtp.messages == []
    db.session.commit()
    assert [m["To"].addresses[0].username for m in smtp.wait_for(2)] == ["vpdp", "vpdp2"]
    assert {r.status for r in rows(nomination_id=n.id)} == {"batched"}


# --- emails --------------------------------------------------------------------------------


def test_a_bulk_submit_of_30_is_one_email_per_recipient(app, api, smtp):
    unlimited_quota()
    batch = drafts(30)
    db.session.commit()
    results = bulk(api("xa.vinhhiep"), "submit", batch)["results"]
    assert all(r["ok"] for r in results)

    assert len(smtp.wait_for(2)) == 2
    for address in ("vpdp@demo.invalid", "vpdp2@demo.invalid"):
        [email] = smtp.to(address)
        assert email["Subject"] == "30 hồ sơ chờ thẩm định"
        text = email.get_body(("plain",)).get_content()
        html = email.get_body(("html",)).get_content()
        for n in batch:
            assert n.nominee_name in text and f"/nominations/{n.id}" in text
            assert f'href="http://127.0.0.1:5000/nominations/{n.id}"' in html
    assert count(OutboxMessage) == 2
    assert {m.status for m in messages()} == {"sent"}


def test_the_email_is_vietnamese_text_and_html_with_a_stable_message_id(app, api, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "Văn phòng TĐKT <tdkt@vinhchau.example>")
    monkeypatch.setitem(app.config, "APP_BASE_URL", "https://tdkt.vinhchau.example/")
    n = nomination_in("in_appraisal")
    db.session.commit()
    smtp.messages.clear()
    act(api("vpdp"), n, "return_for_revision", comment="Thiếu biên bản họp xét của ấp")

    [email] = smtp.wait_for(1)
    [message] = [m for m in messages() if m.user.username == "xa.vinhhiep"]
    assert email["Message-ID"] == message.header_message_id == f"<outbox-{message.id}@vinhchau.example>"
    assert email["Subject"] == "1 hồ sơ bị trả lại để bổ sung"
    assert email["To"].addresses[0].display_name == user("xa.vinhhiep").full_name
    assert email["From"].addresses[0].display_name == "Văn phòng TĐKT"
    assert email["Auto-Submitted"] == "auto-generated"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert text.startswith(f"Kính gửi {user('xa.vinhhiep').full_name},")
    assert "Lý do: Thiếu biên bản họp xét của ấp (" in text
    assert f"https://tdkt.vinhchau.example/nominations/{n.id}" in text
    assert "https://tdkt.vinhchau.example/profile" in html
    for part in (email["Subject"], text, html, message.body_text):
        assert unicodedata.is_normalized("NFC", part)
    assert message.body_text.rstrip() == text.replace("\r\n", "\n").rstrip()


def test_html_escapes_what_people_typed(app, api, smtp):
    n = nomination_in("in_appraisal")
    db.session.commit()
    smtp.messages.clear()
    act(api("vpdp"), n, "reject", comment="<script>alert(1)</script>")
    html = smtp.wait_for(1)[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_approval_names_the_decision(app, api, smtp):
    n = nomination_in("awaiting_signature")
    db.session.commit()
    smtp.messages.clear()
    act(api("chutich"), n, "sign", decision_date=datetime.now(UTC).date().isoformat())
    text = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert f"Quyết định số {n.decision.reference} ngày" in text


def test_without_smtp_messages_stay_pending_in_the_outbox(app, api):
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    assert [(m.to_address, m.status, m.attempts) for m in messages()] == [
        ("vpdp@demo.invalid", "pending", 0),
        ("vpdp2@demo.invalid", "pending", 0),
    ]


def test_work_that_moved_on_before_the_email_was_made_is_not_announced(app):
    n = nomination_in("submitted")
    step(n, "vpdp", "start_appraisal")
    settings = jobs.OutboxSettings.current()
    made = jobs.compose(db.session, settings, [user("vpdp2").id], datetime.now(UTC))
    assert made == []
    assert {r.status for r in rows(user_id=user("vpdp2").id)} == {"dropped"}


# --- delivery failures, in-process ---------------------------------------------------------


def test_smtp_down_keeps_the_message_pending_with_a_back_off(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", CLOSED_PORT)
    n = nomination_in("draft")
    db.session.commit()
    before = datetime.now(UTC)
    response = api("xa.vinhhiep").post(f"/api/v1/nominations/{n.id}/actions/submit", json={"version": n.version})
    assert response.status_code == 200
    for m in messages():
        assert (m.status, m.attempts) == ("pending", 1)
        assert "Connection" in m.last_error
        assert m.next_attempt_at >= before + timedelta(seconds=30)


def test_the_relay_sends_what_smtp_refused_earlier(app, api, monkeypatch):
    sink = SmtpSink()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)  # nothing listens yet
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    assert {m.status for m in messages()} == {"pending"}

    sink.start()
    try:
        later = datetime.now(UTC) + timedelta(minutes=10)
        report = jobs.relay(jobs.OutboxSettings.current(), later)
        assert report.handed_over == 2
        assert len(sink.wait_for(2)) == 2
    finally:
        sink.stop()
    db.session.expire_all()
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 2), ("sent", 2)]


def test_a_permanent_refusal_fails_the_message_at_once(app, api, smtp, monkeypatch):
    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"

    monkeypatch.setattr(smtp, "handle_RCPT", refuse, raising=False)
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    assert [(m.status, m.attempts) for m in messages()] == [("failed", 1), ("failed", 1)]
    assert "550" in messages()[0].last_error


# --- settings ------------------------------------------------------------------------------


def test_a_user_changes_address_opt_outs_and_digest_with_an_audit_trace(app):
    me = user("xa.vinhhiep")
    notifications.update_settings(
        actor("xa.vinhhiep"), me, email=" van.thu@vinhhiep.example ", opted_out=["rejected"], digest="daily"
    )
    setting = notifications.settings_for(me)
    assert (me.email, setting.opted_out, setting.digest) == ("van.thu@vinhhiep.example", ["rejected"], "daily")
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.object_type, event.object_id) == ("edit", "user", me.id)
    assert event.changes["digest"] == ["immediate", "daily"]
    assert event.changes["email"] == ["xa.vinhhiep@demo.invalid", "van.thu@vinhhiep.example"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"email": "không-phải-email"}, "email"), ({"opted_out": ["spam"]}, "opted_out"), ({"digest": "weekly"}, "digest")],
)
def test_settings_refuse_bad_values(app, changes, field):
    with pytest.raises(WorkflowError) as caught:
        notifications.update_settings(actor("vpdp"), user("vpdp"), **changes)
    assert caught.value.code == "validation_failed"
    assert field in caught.value.details["fields"]


def test_only_the_user_or_their_admin_changes_their_settings(app):
    with pytest.raises(WorkflowError) as caught:
        notifications.update_settings(actor("vpdp2"), user("vpdp"), digest="daily")
    assert caught.value.status == 403
    notifications.update_settings(actor("admin"), user("vpdp"), digest="daily")
    assert notifications.settings_for(user("vpdp")).digest == "daily"


def test_a_daily_digest_waits_for_its_hour_and_is_one_email(app, smtp):
    notifications.update_settings(actor("vpdp2"), user("vpdp2"), digest="daily")
    first, second = nomination_in("submitted"), nomination_in("submitted", nominee_name="Lê Văn Bình")
    db.session.commit()
    assert [m["To"].addresses[0].username for m in smtp.wait_for(1)] == ["vpdp"]  # vpdp: immediate
    settings = jobs.OutboxSettings.current()
    created = rows(user_id=user("vpdp2").id)[0].created_at
    before_digest = notifications.digest_cutoff(created, settings.digest_hour) + timedelta(hours=23)
    assert jobs.relay(settings, before_digest).composed == 0
    after_digest = before_digest + timedelta(hours=1, minutes=1)
    assert jobs.relay(settings, after_digest).composed == 1
    [email] = smtp.wait_for(2)[1:]
    assert email["Subject"].startswith("Tổng hợp ngày ")
    assert email["Subject"].endswith(": 2 hồ sơ chờ thẩm định")
    text = email.get_body(("plain",)).get_content()
    assert first.nominee_name in text and second.nominee_name in text


# --- commands ------------------------------------------------------------------------------


def test_the_relay_command_sends_what_waits_and_retry_failed_requeues(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_RELAY_AFTER", 0)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)  # composed at commit, not sent
    nomination_in("submitted")
    db.session.commit()
    db.session.execute(update(OutboxMessage).values(status="failed"))
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    runner = app.test_cli_runner()

    retried = runner.invoke(args=["outbox", "retry-failed"])
    assert retried.exit_code == 0 and "2 thư" in retried.output
    relayed = runner.invoke(args=["outbox", "relay"])
    assert relayed.exit_code == 0, relayed.output
    assert "chuyển gửi 2 thư" in relayed.output
    assert len(smtp.messages) == 2
    assert {m.status for m in messages()} == {"sent"}


def test_the_worker_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 2 and "REDIS_URL" in result.output
