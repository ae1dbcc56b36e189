"""Committed databases, no rolled-back fixture: real `flask worker` processes against
PostgreSQL, real Redis and a real local SMTP server (burst delivery, two workers racing, a
worker killed mid-send), and the embedded default on a SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy import select
from test_notifications_support import SmtpSink, drop_queue, redis_or_skip

from tdkt.models import OutboxMessage, db
from tdkt.workflow import jobs, mail

from conftest import DEMO_PASSWORD, REDIS_URL, build_app, create_pg_database, drop_pg_database
from factories import nomination_in, user

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Live:
    app: Flask
    database_url: str
    queue: Queue
    sink: SmtpSink
    instance: Path

    def env(self) -> dict:
        return os.environ | {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            "OUTBOX_QUEUE": self.queue.name,
            "OUTBOX_BATCH_SECONDS": "0",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.sink.port),
            "MAIL_TIMEOUT": "30",
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(self.instance),
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "64",
        }

    def worker(self, *args: str) -> subprocess.Popen:
        return self.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args])

    def bare_rq_worker(self) -> subprocess.Popen:
        """rq's own command, the app brought in by the worker class."""
        rq = Path(sys.executable).with_name("rq")
        return self.run([str(rq), "worker", "--burst", "--with-scheduler", "-u", REDIS_URL,
                         "-w", "tdkt.workflow.jobs.AppWorker", self.queue.name])

    def run(self, command: list[str]) -> subprocess.Popen:
        # A file, not a pipe: nobody reads a pipe while the worker runs, and a full one blocks it.
        log = (self.instance / f"worker-{uuid.uuid4().hex[:6]}.log").open("wb")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = Path(log.name)
        log.close()
        return process

    def rows(self) -> list[OutboxMessage]:
        with self.app.app_context():
            return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def live(tmp_path):
    connection = redis_or_skip()
    url = create_pg_database()
    name = f"outbox-test-{uuid.uuid4().hex[:10]}"
    sink = SmtpSink()
    config = {
        "REDIS_URL": REDIS_URL,
        "OUTBOX_QUEUE": name,
        "OUTBOX_BATCH_SECONDS": 0,
        "OUTBOX_RELAY_AFTER": 0,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
    }
    try:
        app = build_app(url, str(tmp_path), **config)
        yield Live(app, url, Queue(name, connection=connection), sink, tmp_path)
        with app.app_context():
            db.engine.dispose()
    finally:
        sink.stop()
        drop_queue(connection, name)
        drop_pg_database(url)


def finish(process: subprocess.Popen, timeout: float = 60) -> None:
    process.wait(timeout=timeout)
    assert process.returncode == 0, process.log_path.read_text()[-3000:]


@pytest.mark.postgres_only
def test_a_worker_in_burst_mode_delivers_each_message(live):
    live.sink.start()
    with live.app.app_context():
        for name in ("Nguyễn Văn Ba", "Lê Thị Tư"):
            nomination_in("submitted", nominee_name=name)
            db.session.commit()
        nomination_in("returned", nominee_name="Phạm Văn Năm")
        db.session.commit()
    assert live.queue.count > 0 and live.rows() == []

    finish(live.worker("--burst", "--fork"))

    rows = live.rows()
    assert sorted(r.to_address for r in rows) == [
        "vpdp2@demo.invalid", "vpdp@demo.invalid", "xa.vinhhiep@demo.invalid"
    ]
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1)] * 3
    received = Counter(m["Message-ID"] for m in live.sink.messages)
    assert received == Counter({r.header_message_id: 1 for r in rows})
    [returned] = live.sink.to("xa.vinhhiep@demo.invalid")
    assert returned["Subject"] == "1 hồ sơ bị trả lại để bổ sung"


@pytest.mark.postgres_only
def test_two_workers_never_send_one_message_twice(live):
    """`flask worker` and a bare `rq worker` with the app's forking worker class, racing."""
    live.sink.start()
    with live.app.app_context():
        recipient, now = user("vpdp"), datetime.now(UTC)
        rows = [
            OutboxMessage(user=recipient, to_address=f"hop{i}@demo.invalid", subject=f"Thư số {i}",
                          body_text="Nội dung", body_html="<p>Nội dung</p>", status="pending",
                          attempts=0, created_at=now, next_attempt_at=now)
            for i in range(30)
        ]
        db.session.add_all(rows)
        db.session.flush()
        for row in rows:
            row.header_message_id = mail.message_id(row.id, "tdkt.invalid")
        db.session.commit()
        settings = jobs.OutboxSettings.current()
        ids = [r.id for r in rows]
        jobs.enqueue_deliver(settings, ids, suffix="-a")
        jobs.enqueue_deliver(settings, ids, suffix="-b")  # every message carried by two jobs

    workers = [live.worker("--burst"), live.bare_rq_worker()]
    for process in workers:
        finish(process)
        assert "Job OK" in process.log_path.read_text()  # both took part
    assert len(FailedJobRegistry(queue=live.queue)) == 0

    received = Counter(m["Message-ID"] for m in live.sink.messages)
    assert received == Counter({mail.message_id(i, "tdkt.invalid"): 1 for i in ids})
    assert {(r.status, r.attempts) for r in live.rows()} == {("sent", 1)}


@pytest.mark.postgres_only
def test_a_worker_killed_mid_send_loses_nothing_and_sends_at_most_once_more(live):
    live.sink.stall = 1  # takes the first email, never acknowledges it
    live.sink.start()
    with live.app.app_context():
        nomination_in("submitted")
        db.session.commit()

    process = live.worker()
    live.sink.wait_for(1, timeout=30)
    deadline = time.monotonic() + 10
    while not any(r.status == "sending" for r in live.rows()) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    [stuck] = [r for r in live.rows() if r.status == "sending"]
    assert live.sink.messages[0]["Message-ID"] == stuck.header_message_id

    with live.app.app_context():
        settings = jobs.OutboxSettings.current()
        report = jobs.relay(settings, datetime.now(UTC) + timedelta(seconds=settings.claim_timeout + 1))
    assert report.reclaimed == 1
    finish(live.worker("--burst"))

    rows = live.rows()
    assert {r.status for r in rows} == {"sent"}
    received = Counter(m["Message-ID"] for m in live.sink.messages)
    assert received[stuck.header_message_id] == 2  # once before the crash, once after
    assert all(received[r.header_message_id] == 1 for r in rows if r.id != stuck.id)
    assert sum(received.values()) == len(rows) + 1


def test_the_embedded_default_sends_in_process_after_the_commit(tmp_path):
    sink = SmtpSink().start()
    try:
        app = build_app(
            f"sqlite:///{tmp_path / 'embedded.sqlite3'}", str(tmp_path),
            REDIS_URL=None, MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port,
        )
        client = app.test_client()
        token = client.post(
            "/api/v1/auth/token", json={"username": "xa.vinhhiep", "password": DEMO_PASSWORD}
        ).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        campaign_id = client.get("/api/v1/campaigns", headers=headers).get_json()["items"][0]["id"]
        created = client.post("/api/v1/nominations", headers=headers, json={
            "campaign_id": campaign_id, "nominee_kind": "individual", "category": "individual_citizen",
            "nominee_name": "Võ Thị Sáu", "achievement_summary": "Hiến đất làm đường",
            "contribution_vnd": 60_000_000,
        }).get_json()
        assert sink.messages == []
        submitted = client.post(
            f"/api/v1/nominations/{created['id']}/actions/submit", headers=headers, json={"version": 1}
        )
        assert submitted.status_code == 200
        assert sorted(m["To"].addresses[0].username for m in sink.messages) == ["vpdp", "vpdp2"]
        with app.app_context():
            rows = list(db.session.scalars(select(OutboxMessage)))
            assert [(r.status, r.attempts) for r in rows] == [("sent", 1), ("sent", 1)]
            db.engine.dispose()
    finally:
        sink.stop()
