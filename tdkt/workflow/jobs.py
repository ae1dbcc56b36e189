"""When and how notifications leave the database: after the commit, by RQ workers or
in-process, over SMTP, at least once.

- After a commit that added notifications, each recipient gets a compose job (with REDIS_URL)
  run at the end of the current batching window, its id stable per recipient and window, so a
  burst is one job and one email. Without Redis the email is made, and sent when SMTP is
  configured, in-process right after the commit.
- A deliver job claims its message (pending → sending, committed) before talking to SMTP, so
  two workers never both send it, and marks it sent afterwards. A crash in between leaves it in
  sending: the relay puts it back after OUTBOX_CLAIM_TIMEOUT and it goes once more, with the
  same Message-ID. Failed attempts back off (RQ's Retry) until OUTBOX_RETRY_INTERVALS run out.
- The relay (`flask outbox relay`, from cron or with --every) composes what no job composed
  (Redis was down, a job was lost), hands over messages left pending, reclaims stuck ones.

Redis calls from web requests have short timeouts and never fail the committed request.
"""

from __future__ import annotations

import gc
import importlib
import logging
import math
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry, SimpleWorker, Worker
from rq.job import Job
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..models import OutboxMessage, db, utcnow
from . import mail, notifications

log = logging.getLogger(__name__)

COMMITTED_KEY = "outbox_committed"
RESULT_TTL = 3600
FAILURE_TTL = 7 * 86400
# Requeues by the relay run ahead of this many messages at a time, so a long outage is
# worked off in bounded transactions.
RELAY_CHUNK = 500


@dataclass(frozen=True)
class OutboxSettings:
    redis_url: str | None
    redis_timeout: float
    queue: str
    window: float
    relay_after: float
    claim_timeout: float
    retry_intervals: tuple[int, ...]
    digest_hour: int
    base_url: str
    mail: mail.MailSettings

    @classmethod
    def from_config(cls, config) -> OutboxSettings:
        return cls(
            redis_url=config["REDIS_URL"],
            redis_timeout=config["REDIS_TIMEOUT"],
            queue=config["OUTBOX_QUEUE"],
            window=config["OUTBOX_BATCH_SECONDS"],
            relay_after=config["OUTBOX_RELAY_AFTER"],
            claim_timeout=config["OUTBOX_CLAIM_TIMEOUT"],
            retry_intervals=tuple(config["OUTBOX_RETRY_INTERVALS"]),
            digest_hour=config["OUTBOX_DIGEST_HOUR"],
            base_url=config["APP_BASE_URL"].rstrip("/"),
            mail=mail.MailSettings.from_config(config),
        )

    @classmethod
    def current(cls) -> OutboxSettings:
        return cls.from_config(current_app.config)

    @property
    def max_attempts(self) -> int:
        return len(self.retry_intervals) + 1

    def backoff(self, attempt: int) -> timedelta:
        return timedelta(seconds=self.retry_intervals[min(attempt, len(self.retry_intervals)) - 1])


class TransientFailure(Exception):
    """Raised by a deliver job whose send failed for now, so that RQ retries it later."""


# --- sessions and Redis ----------------------------------------------------------------------


@contextmanager
def _session() -> Iterator[Session]:
    """A session of its own: the after-commit hook runs while the request's session is closing
    its transaction, and jobs must not share the identity map of whatever ran before."""
    session = db.session.session_factory()
    try:
        yield session
    finally:
        session.close()


_clients: dict[tuple[str, float], Redis] = {}


def redis_client(settings: OutboxSettings) -> Redis:
    """Short timeouts and no retries: a Redis that is down costs a request milliseconds."""
    key = (settings.redis_url, settings.redis_timeout)
    if key not in _clients:
        _clients[key] = Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=settings.redis_timeout,
            socket_timeout=settings.redis_timeout,
            retry=RedisRetry(NoBackoff(), 0),
        )
    return _clients[key]


def _queue(settings: OutboxSettings) -> Queue:
    return Queue(settings.queue, connection=redis_client(settings))


# --- after the commit -------------------------------------------------------------------------


@event.listens_for(db.session, "after_commit")
def _committed(session: Session) -> None:
    session.info[COMMITTED_KEY] = True


@event.listens_for(db.session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    # after_commit also fires when a savepoint is released: only the outermost transaction's
    # end says whether the notifications were really committed.
    committed = session.info.pop(COMMITTED_KEY, False)
    if transaction.parent is not None:
        return
    recipients = session.info.pop(notifications.PENDING_KEY, None)
    if committed and recipients and has_app_context():
        _after_commit(sorted(recipients))


def _after_commit(user_ids: list[int]) -> None:
    settings = OutboxSettings.current()
    try:
        if settings.redis_url:
            enqueue_compose(settings, user_ids, utcnow())
        else:
            _compose_and_send(settings, user_ids, utcnow())
    except RedisError as exc:
        log.warning("outbox: Redis unavailable (%s); the relay will compose and send later", exc)
    except Exception:  # the transition is committed: no mail problem may turn its answer into a 500
        log.exception("outbox: after-commit hand-over failed; the relay will catch up")


def enqueue_compose(settings: OutboxSettings, user_ids: Iterable[int], now: datetime) -> None:
    queue = _queue(settings)
    for user_id in user_ids:
        if settings.window <= 0:
            queue.enqueue(
                compose_job,
                user_id,
                job_id=f"{settings.queue}-compose-{user_id}-{uuid.uuid4().hex}",
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
            )
            continue
        # Windows are aligned on the clock, so every commit in one window names the same job.
        window = math.floor(now.timestamp() / settings.window) + 1
        job_id = f"{settings.queue}-compose-{user_id}-{window}"
        if Job.exists(job_id, connection=queue.connection):
            continue
        queue.enqueue_at(
            datetime.fromtimestamp(window * settings.window, UTC),
            compose_job,
            user_id,
            job_id=job_id,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
        )


def enqueue_deliver(settings: OutboxSettings, message_ids: Iterable[int], suffix: str = "") -> None:
    queue = _queue(settings)
    intervals = list(settings.retry_intervals)
    for message_id in message_ids:
        queue.enqueue(
            deliver_job,
            message_id,
            job_id=f"{settings.queue}-deliver-{message_id}{suffix}",
            retry=Retry(max=len(intervals), interval=intervals),
            job_timeout=int(settings.mail.timeout * 3) + 30,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
        )


def _compose_and_send(settings: OutboxSettings, user_ids: list[int], now: datetime) -> None:
    """The embedded default: no workers, so the request's own process does it."""
    with _session() as session:
        message_ids = compose(session, settings, user_ids, now)
        for message_id in message_ids:
            try:
                deliver(session, settings, message_id)
            except TransientFailure:
                log.warning("outbox: message %s not sent yet; `flask outbox relay` retries", message_id)


# --- the work -----------------------------------------------------------------------------------


def compose(session: Session, settings: OutboxSettings, user_ids: Iterable[int], now: datetime) -> list[int]:
    """Make each user's email of pending notifications; one transaction per user."""
    made = []
    for user_id in user_ids:
        message = notifications.compose(
            session,
            user_id,
            now,
            base_url=settings.base_url,
            domain=settings.mail.domain,
            digest_hour=settings.digest_hour,
        )
        session.commit()
        if message is not None:
            made.append(message.id)
    return made


def deliver(session: Session, settings: OutboxSettings, message_id: int) -> str:
    """Claim, send, mark. Returns what happened; raises TransientFailure for a retry later."""
    if not settings.mail.configured:
        return "unconfigured"  # stays pending, readable on the admin page
    attempt = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(status="sending", attempts=OutboxMessage.attempts + 1, claimed_at=utcnow())
        .returning(OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if attempt is None:
        session.commit()
        return "skipped"
    message = session.get(OutboxMessage, message_id)
    email = mail.build(
        settings.mail,
        to_name=message.user.full_name if message.user else "",
        to_address=message.to_address,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        header_message_id=message.header_message_id,
        created_at=message.created_at,
    )
    session.commit()  # the claim is durable before the server hears anything
    try:
        mail.send(settings.mail, email)
    except mail.DeliveryError as exc:
        give_up = exc.permanent or attempt >= settings.max_attempts
        _settle(
            session,
            message_id,
            attempt,
            status="failed" if give_up else "pending",
            last_error=str(exc)[:2000],
            next_attempt_at=utcnow() + settings.backoff(attempt),
        )
        if give_up:
            log.error("outbox: message %s failed for good: %s", message_id, exc)
            return "failed"
        raise TransientFailure(f"message {message_id}, attempt {attempt}: {exc}") from exc
    _settle(session, message_id, attempt, status="sent", sent_at=utcnow(), last_error=None)
    return "sent"


def _settle(session: Session, message_id: int, attempt: int, **values) -> None:
    settled = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "sending",
            OutboxMessage.attempts == attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if not settled:
        log.warning("outbox: message %s was reclaimed during attempt %s", message_id, attempt)


# --- RQ tasks -------------------------------------------------------------------------------


def compose_job(user_id: int) -> list[int]:
    with _app_context(), _session() as session:
        settings = OutboxSettings.current()
        made = compose(session, settings, [user_id], utcnow())
        if made and settings.mail.configured:
            enqueue_deliver(settings, made)
        return made


def deliver_job(message_id: int) -> str:
    with _app_context(), _session() as session:
        return deliver(session, OutboxSettings.current(), message_id)


# --- the relay ------------------------------------------------------------------------------


@dataclass
class RelayReport:
    reclaimed: int = 0
    composed: int = 0
    handed_over: int = 0


def relay(settings: OutboxSettings, now: datetime | None = None) -> RelayReport:
    """One pass: reclaim stuck sends, compose overdue notifications, hand over what waits."""
    now = now or utcnow()
    report = RelayReport()
    overdue = now - timedelta(seconds=settings.relay_after)
    with _session() as session:
        report.reclaimed = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == "sending",
                OutboxMessage.claimed_at <= now - timedelta(seconds=settings.claim_timeout),
            )
            .values(status="pending")
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        users = notifications.users_to_compose(
            session,
            settled_before=overdue - timedelta(seconds=settings.window),
            digest_before=notifications.digest_cutoff(now, settings.digest_hour),
        )
        composed = compose(session, settings, users, now)
        report.composed = len(composed)
        if not settings.mail.configured:
            return report
        due = _take_due(session, composed, overdue, now)
        report.handed_over = len(due)
        if settings.redis_url:
            try:
                enqueue_deliver(settings, due, suffix=f"-r{int(now.timestamp())}")
            except RedisError as exc:
                # They stay pending, stamped now: the next pass after relay_after tries again.
                log.warning("outbox: Redis unavailable, %s messages wait: %s", len(due), exc)
                report.handed_over = 0
        else:
            for message_id in due:
                try:
                    deliver(session, settings, message_id)
                except TransientFailure as exc:
                    log.warning("outbox: %s", exc)
    return report


def _take_due(session: Session, fresh: list[int], overdue: datetime, now: datetime) -> list[int]:
    """Pending messages nobody seems to be working on; stamping them keeps a second relay, or
    the next pass, from handing them over again straight away."""
    rows = session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "pending",
            (OutboxMessage.next_attempt_at <= overdue) | OutboxMessage.id.in_(fresh),
        )
        .order_by(OutboxMessage.id)
        .limit(RELAY_CHUNK)
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(rows))
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return list(rows)


def retry_failed(session: Session, now: datetime, ids: Iterable[int] | None = None) -> int:
    """Give failed messages (all, or those of `ids`) one more attempt, e.g. after the SMTP
    settings were fixed: the relay's next pass hands them over. The caller commits."""
    query = update(OutboxMessage).where(OutboxMessage.status == "failed")
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    return session.execute(
        query.values(status="pending", next_attempt_at=now - timedelta(days=1))
        .execution_options(synchronize_session=False)
    ).rowcount


# --- workers and commands ---------------------------------------------------------------------


def _load_app() -> Flask:
    """The app named like Flask's CLI does (FLASK_APP, default `wsgi`), for a bare `rq worker`."""
    module, _, name = os.environ.get("FLASK_APP", "wsgi").partition(":")
    return getattr(importlib.import_module(module), name or "app")


def _app_context():
    return nullcontext() if has_app_context() else _load_app().app_context()


class AppWorker(Worker):
    """rq's forking worker inside the app: `rq worker -w tdkt.workflow.jobs.AppWorker outbox`."""

    def work(self, *args, **kwargs):
        with _app_context():
            # The app's objects go to the permanent generation: otherwise each fork's first
            # garbage collection writes to all of them and copies the whole heap (0.9 s → 0.3 s
            # a job in the benchmark).
            gc.freeze()
            return super().work(*args, **kwargs)

    def main_work_horse(self, job, queue):
        # The fork inherits the parent's pooled connections; sharing a socket corrupts it.
        db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


class AppSimpleWorker(SimpleWorker):
    """Jobs in the worker's own process: no fork per job, for throughput."""

    def work(self, *args, **kwargs):
        with _app_context():
            return super().work(*args, **kwargs)


def register_cli(app: Flask) -> None:
    @app.cli.command("worker")
    @click.argument("queues", nargs=-1)
    @click.option("--burst", is_flag=True, help="Làm hết việc đang chờ rồi thoát.")
    @click.option("--fork", is_flag=True, help="Mỗi việc chạy trong một tiến trình con riêng.")
    @click.option("--scheduler/--no-scheduler", default=True, help="Chạy cả việc hẹn giờ.")
    def worker_command(queues, burst, fork, scheduler):
        """An RQ worker for the outbox queue (or the QUEUES named), inside the app. Jobs run in
        the worker's process unless --fork: mail jobs are short and light, and a fork per job
        (a new database connection each time) cost most of the throughput in the benchmark."""
        settings = OutboxSettings.current()
        if not settings.redis_url:
            raise click.UsageError("Chưa cấu hình REDIS_URL: thư được gửi ngay trong tiến trình web.")
        worker_class = AppWorker if fork else AppSimpleWorker
        worker = worker_class(list(queues) or [settings.queue], connection=Redis.from_url(settings.redis_url))
        worker.work(burst=burst, with_scheduler=scheduler)

    @app.cli.group("outbox")
    def outbox_group():
        """Email notifications: the outbox."""

    @outbox_group.command("relay")
    @click.option("--every", type=float, default=0, help="Chạy lặp lại mỗi N giây.")
    def relay_command(every):
        """Compose overdue notifications, hand over pending messages, reclaim stuck ones."""
        while True:
            try:
                report = relay(OutboxSettings.current())
                click.echo(
                    f"Thu hồi {report.reclaimed}, soạn {report.composed}, "
                    f"chuyển gửi {report.handed_over} thư."
                )
            except Exception:  # a loop that runs for months must outlive one bad pass
                if not every:
                    raise
                log.exception("outbox: relay pass failed")
            if not every:
                return
            time.sleep(every)

    @outbox_group.command("retry-failed")
    def retry_failed_command():
        """Put failed messages back in the queue for one more attempt."""
        with _session() as session:
            count = retry_failed(session, utcnow())
            session.commit()
        click.echo(f"Đã đưa {count} thư lỗi vào hàng đợi gửi lại.")
