"""Outbox delivery throughput: messages per second from the outbox table to a local SMTP
server, through Redis and two `flask worker` processes: jobs in the worker's own process (the
default), then `--fork` (rq's fork per job).

Needs PostgreSQL (BENCH_PG_SERVER, default postgresql+psycopg://postgres@127.0.0.1:5432; a
scratch database is created and dropped), Redis (BENCH_REDIS_URL, default database 15; a
queue of its own) and aiosmtpd (the test extras). BENCH_OUTBOX_MESSAGES sets the count.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
COUNT = int(os.environ.get("BENCH_OUTBOX_MESSAGES", "600"))
WORKERS = 2
BODY = (
    "Kính gửi Lê Minh Tâm,\n\nHệ thống quản lý hồ sơ thi đua – khen thưởng xin thông báo.\n\n"
    + "".join(
        f"  - Trần Thị Hồng {i:02d} (Xã Vĩnh Hiệp, mã VC-NTM-2021-{i:05d})\n"
        f"    Xem hồ sơ: http://127.0.0.1:5000/nominations/{i}\n"
        for i in range(10)
    )
)


class Sink:
    """A local SMTP server that only counts: it must not be what limits the figure."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.times: list[float] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.times.append(time.monotonic())
        return "250 OK"


@dataclass
class Run:
    worker: str
    messages: int
    seconds: float
    steady_rate: float

    def line(self) -> str:
        return (
            f"outbox → SMTP, {WORKERS} workers ({self.worker}): {self.messages} messages in "
            f"{self.seconds:.1f} s including worker start-up = {self.messages / self.seconds:.0f} msg/s; "
            f"first to last delivery {self.steady_rate:.0f} msg/s"
        )


def _database() -> str:
    name = f"tdkt_bench_{uuid.uuid4().hex[:10]}"
    with create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return f"{PG_SERVER}/{name}"


def _drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _env(database_url: str, queue: str, port: int, instance: str) -> dict:
    return os.environ | {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "OUTBOX_QUEUE": queue,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "INSTANCE_PATH": instance,
        "SECRET_KEY": "bench",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "64",
    }


def _fill(app, count: int, queue: str) -> None:
    """`count` pending messages and one deliver job each, as composing would leave them."""
    from tdkt.models import OutboxMessage, User, db
    from tdkt.workflow import jobs, mail

    with app.app_context():
        db.session.query(OutboxMessage).delete()
        recipient = db.session.scalars(select(User).filter_by(username="vpdp")).one()
        now = datetime.now(UTC)
        rows = [
            OutboxMessage(
                user=recipient, to_address=f"bench{i}@demo.invalid", subject="10 hồ sơ chờ thẩm định",
                body_text=BODY, body_html=f"<pre>{BODY}</pre>", status="pending", attempts=0,
                created_at=now, next_attempt_at=now,
            )
            for i in range(count)
        ]
        db.session.add_all(rows)
        db.session.flush()
        for row in rows:
            row.header_message_id = mail.message_id(row.id, f"{queue}.bench")
        db.session.commit()
        jobs.enqueue_deliver(jobs.OutboxSettings.current(), [r.id for r in rows])


def _measure(app, env: dict, sink: Sink, queue: str, worker_args: list[str]) -> Run:
    from tdkt.models import OutboxMessage, db

    sink.times.clear()
    _fill(app, COUNT, queue)
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst", *worker_args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    for process in workers:
        process.wait(timeout=3600)
    seconds = time.monotonic() - started
    with app.app_context():
        sent = db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
    if sent != COUNT or len(sink.times) != COUNT:
        raise RuntimeError(f"{sent} marked sent and {len(sink.times)} received of {COUNT}")
    steady = (COUNT - 1) / (sink.times[-1] - sink.times[0])
    return Run("--fork" if worker_args else "in-process", COUNT, seconds, steady)


def run() -> list[Run]:
    from redis import Redis

    from tdkt import demo
    from tdkt.web import create_app

    redis = Redis.from_url(REDIS_URL)
    redis.ping()
    database_url = _database()
    queue = f"outbox-bench-{uuid.uuid4().hex[:8]}"
    sink = Sink()
    sink.controller.start()
    try:
        with tempfile.TemporaryDirectory() as instance:
            env = _env(database_url, queue, sink.port, instance)
            os.environ.update({k: env[k] for k in ("INSTANCE_PATH", "SECRET_KEY")})
            app = create_app({
                "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                "OUTBOX_QUEUE": queue, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port,
                "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64,
            })
            with app.app_context():
                from flask_migrate import upgrade

                from tdkt.models import db

                upgrade()
                demo.seed("bench-password")
                db.session.commit()
            try:
                return [_measure(app, env, sink, queue, args) for args in ([], ["--fork"])]
            finally:
                with app.app_context():
                    db.engine.dispose()
    finally:
        sink.controller.stop()
        keys = list(redis.scan_iter(f"*{queue}*"))
        if keys:
            redis.delete(*keys)
        _drop(database_url)


def main() -> int:
    try:
        results = run()
    except Exception as exc:  # a missing service is a message, not a traceback
        print(f"outbox benchmark not run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for result in results:
        print(result.line())
    return 0
