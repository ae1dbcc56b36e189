"""Shared by the notification tests: a real local SMTP server (aiosmtpd), Redis queues per
test, and nominations built in bulk. No tests here."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import select

from tdkt.models import Pool, Unit, db
from tdkt.workflow import jobs

from conftest import REDIS_URL, service_unavailable
from factories import campaign, draft

# A port nothing listens on: "down" for SMTP and Redis alike, without touching the real ones.
CLOSED_PORT = 6390


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """An SMTP server that keeps what it receives. The first `stall` messages it records and
    then never answers, like a server that took the mail but whose reply was lost."""

    def __init__(self, port: int | None = None, stall: int = 0):
        self.port = port or free_port()
        self.stall = stall
        self.messages: list[EmailMessage] = []
        self.running = False
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if len(self.messages) <= self.stall:
            await asyncio.sleep(3600)
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5}


@pytest.fixture(name="embedded")
def embedded_fixture(app, monkeypatch):
    """The embedded default: no Redis, no SMTP unless the test starts one. Not autouse: a
    module asks for it with `pytestmark = pytest.mark.usefixtures("embedded")`."""
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)


@pytest.fixture(name="smtp")
def smtp_fixture(app, monkeypatch):
    """A running SMTP server the app sends to."""
    sink = SmtpSink().start()
    for key, value in sink.config().items():
        monkeypatch.setitem(app.config, key, value)
    yield sink
    sink.stop()


def redis_or_skip() -> Redis:
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError as exc:
        service_unavailable("Redis", exc)
    return connection


def drop_queue(connection: Redis, name: str) -> None:
    """Every key RQ made for this queue and its jobs (job ids carry the queue name)."""
    keys = list(connection.scan_iter(f"*{name}*"))
    if keys:
        connection.delete(*keys)


@pytest.fixture(name="queue")
def queue_fixture(app, monkeypatch):
    """REDIS_URL set on the app, with a queue of this test's own and no batching window."""
    connection = redis_or_skip()
    name = f"outbox-test-{uuid.uuid4().hex[:10]}"
    for key, value in {"REDIS_URL": REDIS_URL, "OUTBOX_QUEUE": name, "OUTBOX_BATCH_SECONDS": 0}.items():
        monkeypatch.setitem(app.config, key, value)
    yield Queue(name, connection=connection)
    drop_queue(connection, name)


def work(queue: Queue) -> None:
    """Run every job of the queue, in this process (so it sees this test's transaction)."""
    jobs.AppSimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=True)


def unlimited_quota(unit_code: str = "VC-VHIEP") -> None:
    """Lift the unit's quota so that one unit can submit many nominations at once."""
    unit = db.session.scalars(select(Unit).filter_by(code=unit_code)).one()
    pool = db.session.scalars(select(Pool).filter_by(campaign_id=campaign().id, unit_id=unit.id)).one()
    pool.limit_individual = None
    for category in pool.categories:
        category.limit = None
    db.session.flush()


def drafts(count: int, proposer: str = "xa.vinhhiep") -> list:
    return [
        draft(proposer, nominee_name=f"Trần Thị Hồng {i:02d}", birth_year=1950 + i)
        for i in range(count)
    ]


def bulk(api_user, trigger: str, nominations, **fields) -> dict:
    response = api_user.post(
        f"/api/v1/nominations/actions/{trigger}",
        json={"items": [{"id": n.id, "version": n.version} for n in nominations], **fields},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def act(api_user, nomination, trigger: str, **fields) -> dict:
    response = api_user.post(
        f"/api/v1/nominations/{nomination.id}/actions/{trigger}",
        json={"version": nomination.version, **fields},
    )
    assert response.status_code == 200, response.get_json()
    db.session.refresh(nomination)
    return response.get_json()
