"""Delivery through real Redis (database 15, a queue per test) and a real local SMTP server:
jobs enqueued after the commit only, batching windows, retries, Redis down at commit, the
relay. The worker runs in this process (rq's SimpleWorker), inside the test's transaction."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import select, update
from test_notifications_support import (  # noqa: F401  (fixtures)
    CLOSED_PORT,
    SmtpSink,
    act,
    bulk,
    drafts,
    queue_fixture,
    smtp_fixture,
    unlimited_quota,
    work,
)

from tdkt.models import Notification, OutboxMessage, db
from tdkt.workflow import jobs

from factories import nomination_in


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_compose_job_is_enqueued_after_the_commit_only(app, queue):
    nomination_in("submitted")
    assert queue.count == 0
    db.session.commit()
    assert sorted(job.args[0] for job in queue.jobs) == sorted(
        n.user_id for n in db.session.scalars(select(Notification))
    )
    db.session.rollback()
    nomination_in("submitted", nominee_name="Lê Văn Bình")
    db.session.rollback()
    assert queue.count == 2


def test_commits_within_one_window_share_one_scheduled_job(app, queue, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BATCH_SECONDS", 60)
    clock = iter([datetime(2026, 11, 24, 8, 0, 5, tzinfo=UTC), datetime(2026, 11, 24, 8, 0, 59, tzinfo=UTC)])
    monkeypatch.setattr(jobs, "utcnow", lambda: next(clock))  # two commits 54 s apart
    nomination_in("submitted")
    db.session.commit()
    nomination_in("submitted", nominee_name="Lê Văn Bình")
    db.session.commit()
    scheduled = ScheduledJobRegistry(queue=queue)
    ids = scheduled.get_job_ids()
    assert len(ids) == 2  # one per appraiser, not one per commit
    assert queue.count == 0
    window_end = datetime(2026, 11, 24, 8, 1, tzinfo=UTC)
    for job_id in ids:
        assert job_id.endswith(f"-{int(window_end.timestamp()) // 60}")
        assert scheduled.get_scheduled_time(job_id) == window_end


def test_a_bulk_submit_of_30_is_one_email_per_recipient_through_the_worker(app, api, queue, smtp):
    unlimited_quota()
    batch = drafts(30)
    db.session.commit()
    assert all(r["ok"] for r in bulk(api("xa.vinhhiep"), "submit", batch)["results"])
    assert len(smtp.messages) == 0  # nothing sent by the request itself
    work(queue)
    assert sorted(m["To"].addresses[0].username for m in smtp.messages) == ["vpdp", "vpdp2"]
    assert {m["Subject"] for m in smtp.messages} == {"30 hồ sơ chờ thẩm định"}
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 1), ("sent", 1)]


def test_a_message_is_claimed_once_however_many_jobs_carry_it(app, api, queue, smtp):
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    work(queue)
    ids = [m.id for m in messages()]
    jobs.enqueue_deliver(jobs.OutboxSettings.current(), ids, suffix="-again")
    work(queue)
    assert len(smtp.messages) == 2
    again = [Job.fetch(f"{queue.name}-deliver-{i}-again", connection=queue.connection) for i in ids]
    assert [job.return_value() for job in again] == ["skipped", "skipped"]
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 1), ("sent", 1)]


def test_smtp_down_is_retried_and_delivered_later_with_nothing_lost(app, api, queue, monkeypatch):
    sink = SmtpSink()  # its port is closed until started
    for key, value in sink.config().items():
        monkeypatch.setitem(app.config, key, value)
    # Second retry an hour later: the burst worker stops with it scheduled.
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_INTERVALS", [0, 3600])
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    work(queue)
    pending = messages()
    assert [(m.status, m.attempts) for m in pending] == [("pending", 2), ("pending", 2)]
    assert all("Connection refused" in m.last_error for m in pending)
    assert len(ScheduledJobRegistry(queue=queue)) == 2

    sink.start()
    try:
        report = jobs.relay(jobs.OutboxSettings.current(), datetime.now(UTC) + timedelta(hours=2))
        assert report.handed_over == 2
        work(queue)
        assert sorted(m["Message-ID"] for m in sink.messages) == sorted(m.header_message_id for m in pending)
    finally:
        sink.stop()
    assert [(m.status, m.attempts, m.last_error) for m in messages()] == [("sent", 3, None)] * 2


def test_smtp_down_beyond_the_last_retry_fails_visibly(app, api, queue, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", CLOSED_PORT)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_INTERVALS", [0, 0])
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    work(queue)
    assert [(m.status, m.attempts) for m in messages()] == [("failed", 3), ("failed", 3)]
    assert len(FailedJobRegistry(queue=queue)) == 0  # the job ended; the row says why
    assert jobs.retry_failed(db.session, datetime.now(UTC), [pending.id for pending in messages()[:1]]) == 1
    assert jobs.retry_failed(db.session, datetime.now(UTC)) == 1
    db.session.commit()
    assert {m.status for m in messages()} == {"pending"}
    assert jobs.relay(jobs.OutboxSettings.current()).handed_over == 2


def test_redis_down_at_commit_the_request_succeeds_and_the_relay_delivers_later(
    app, api, queue, smtp, monkeypatch
):
    real_redis = app.config["REDIS_URL"]
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{CLOSED_PORT}/15")
    n = nomination_in("draft")
    db.session.commit()
    started = time.monotonic()
    response = api("xa.vinhhiep").post(f"/api/v1/nominations/{n.id}/actions/submit", json={"version": n.version})
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert messages() == [] and queue.count == 0

    monkeypatch.setitem(app.config, "REDIS_URL", real_redis)  # Redis is back
    report = jobs.relay(jobs.OutboxSettings.current(), datetime.now(UTC) + timedelta(minutes=10))
    assert (report.composed, report.handed_over) == (2, 2)
    work(queue)
    assert sorted(m["To"].addresses[0].username for m in smtp.messages) == ["vpdp", "vpdp2"]
    assert {m.status for m in messages()} == {"sent"}


def test_redis_down_during_the_relay_keeps_messages_pending(app, api, queue, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{CLOSED_PORT}/15")
    n = nomination_in("draft")
    db.session.commit()
    act(api("xa.vinhhiep"), n, "submit")
    later = datetime.now(UTC) + timedelta(minutes=10)
    report = jobs.relay(jobs.OutboxSettings.current(), later)
    assert (report.composed, report.handed_over) == (2, 0)
    assert {m.status for m in messages()} == {"pending"}


def test_the_relay_reclaims_a_send_abandoned_by_a_crashed_worker(app, api, queue, smtp, monkeypatch):
    n = nomination_in("draft")
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)  # compose, do not send yet
    act(api("xa.vinhhiep"), n, "submit")
    work(queue)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    claimed = datetime.now(UTC)
    db.session.execute(update(OutboxMessage).values(status="sending", attempts=1, claimed_at=claimed))
    db.session.commit()

    settings = jobs.OutboxSettings.current()
    assert jobs.relay(settings, claimed + timedelta(seconds=settings.claim_timeout - 1)).reclaimed == 0
    report = jobs.relay(settings, claimed + timedelta(minutes=10))
    assert (report.reclaimed, report.handed_over) == (2, 2)
    work(queue)
    assert len(smtp.messages) == 2
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 2), ("sent", 2)]
