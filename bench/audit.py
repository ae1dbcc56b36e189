"""The audit trail: where the time of an append goes, and verification speed.

Appends are measured side by side in one run: audit events alone (one committed transaction
each), then inside real create/submit/withdraw transactions with the embedded default (the
notification emails composed in the web process after each commit), the same with
REDIS_URL set (composition queued for the workers, as in production), and the same with
BENCH_AUDIT_WRITERS processes at once, timing how long each append waits for the chain head.
Then verification over BENCH_AUDIT_EVENTS events (default 1,000,000) beside hashing the same
bytes alone. Needs PostgreSQL and Redis; a scratch database and queue are made and dropped.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
import time
import uuid

from sqlalchemy import create_engine, select, text

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
TRANSITIONS = int(os.environ.get("BENCH_AUDIT_TRANSITIONS", "300"))
WRITERS = int(os.environ.get("BENCH_AUDIT_WRITERS", "4"))


def _app(database_url: str, **extra):
    from tdkt.web import create_app

    os.environ["INSTANCE_PATH"] = tempfile.mkdtemp()
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "ARGON2_TIME_COST": 1,
                       "ARGON2_MEMORY_COST": 64, "SECRET_KEY": "bench"} | extra)


class HeadWaits:
    """Time spent taking the chain head: lock_head's SELECT … FOR UPDATE (and any wait for
    another writer's commit), timed apart from the flush of the transaction's pending
    changes that precedes it, which the transaction would pay anyway."""

    def __init__(self):
        from tdkt.workflow import audit

        self.flush = self.head = self.worst = 0.0
        self.count = 0
        self._audit, self._lock_head = audit, audit.lock_head
        audit.lock_head = self._timed

    def _timed(self):
        from tdkt.models import db

        start = time.perf_counter()
        db.session.flush()
        flushed = time.perf_counter()
        try:
            return self._lock_head()
        finally:
            spent = time.perf_counter() - flushed
            self.flush += flushed - start
            self.head += spent
            self.worst = max(self.worst, spent)
            self.count += 1

    def words(self) -> str:
        return (f"of which {1000 * self.head / self.count:.1f} ms taking the chain head "
                f"(worst {1000 * self.worst:.0f} ms) after {1000 * self.flush / self.count:.1f} ms "
                f"flushing the transaction's changes")

    def close(self) -> None:
        self._audit.lock_head = self._lock_head


def _transitions(count: int, tag: str, pool_code: str = "BENCH") -> tuple[int, float]:
    """create, submit and withdraw, each committed and each writing one event:
    (events appended, seconds)."""
    from tdkt.models import Campaign, Pool, User, db
    from tdkt.workflow import engine, nominations
    from tdkt.workflow.actor import Actor

    proposer = Actor(db.session.scalars(select(User).filter_by(username="xa.vinhhiep")).one())
    campaign = db.session.scalars(select(Campaign).filter_by(code="VC-NTM-2021")).one()
    pool = db.session.scalars(select(Pool).filter_by(code=pool_code)).one()
    start = time.perf_counter()
    for i in range(count // 3):
        n = nominations.create(proposer, {
            "campaign_id": campaign.id, "pool_id": pool.id, "nominee_kind": "individual",
            "category": "individual_citizen", "nominee_name": f"Người thử {tag} {i}",
            "achievement_summary": "x", "contribution_vnd": 60_000_000,
        })
        db.session.commit()
        n = engine.fire(proposer, n.id, "submit", {"version": n.version})
        db.session.commit()
        engine.fire(proposer, n.id, "withdraw", {"version": n.version, "comment": "thử"})
        db.session.commit()
    elapsed = time.perf_counter() - start
    return (count // 3) * 3, elapsed


def _writer(database_url: str, queue: str, count: int, index: int, results) -> None:
    from tdkt.models import db

    app = _app(database_url, REDIS_URL=REDIS_URL, OUTBOX_QUEUE=queue)
    with app.app_context():
        waits = HeadWaits()
        # A pool each, as separate communes: a submit locks its pool to count the quota, and
        # that wait is the rules', not the audit's.
        events, elapsed = _transitions(count, f"w{index}", f"BENCH-{index}")
        results.put((events, elapsed, waits.head, waits.flush, waits.count, waits.worst))
        waits.close()
        db.engine.dispose()


def _appends(database_url: str, queue: str) -> None:
    from tdkt.models import Campaign, Pool, User, db
    from tdkt.workflow import audit
    from tdkt.workflow.actor import Actor

    app = _app(database_url)
    with app.app_context():
        # The system acting: no user row to reload after each commit.
        system = Actor(None, "127.0.0.1", "bench")
        proposer = db.session.scalars(select(User).filter_by(username="xa.vinhhiep")).one()
        campaign = db.session.scalars(select(Campaign).filter_by(code="VC-NTM-2021")).one()
        for code in ["BENCH", *(f"BENCH-{n}" for n in range(WRITERS))]:
            campaign.pools.append(Pool(code=code, name=code, members=[proposer.unit]))
        db.session.commit()

        start = time.perf_counter()
        for i in range(TRANSITIONS):
            audit.record(system, "admin", details={"op": "bench", "i": i})
            db.session.commit()
        alone = time.perf_counter() - start
        print(f"audit: {TRANSITIONS} events alone, one committed transaction each: {alone:.2f} s "
              f"({TRANSITIONS / alone:.0f} events/s, {1000 * alone / TRANSITIONS:.1f} ms an event)")

        waits = HeadWaits()
        events, embedded = _transitions(TRANSITIONS, "embedded")
        print(f"audit: {events} events inside create/submit/withdraw, emails composed in-process "
              f"after each commit (embedded default): {embedded:.2f} s ({events / embedded:.1f} events/s, "
              f"{1000 * embedded / events:.0f} ms a transaction, {waits.words()})")
        waits.close()
        db.engine.dispose()

    app = _app(database_url, REDIS_URL=REDIS_URL, OUTBOX_QUEUE=queue)
    with app.app_context():
        waits = HeadWaits()
        events, queued = _transitions(TRANSITIONS, "queued")
        print(f"audit: {events} events inside create/submit/withdraw, composition queued in Redis "
              f"(production): {queued:.2f} s ({events / queued:.1f} events/s, "
              f"{1000 * queued / events:.0f} ms a transaction, {waits.words()})")
        waits.close()
        db.engine.dispose()

    results = multiprocessing.get_context("spawn").Queue()
    writers = [
        multiprocessing.get_context("spawn").Process(
            target=_writer, args=(database_url, queue, TRANSITIONS // WRITERS, n, results)
        )
        for n in range(WRITERS)
    ]
    start = time.perf_counter()
    for w in writers:
        w.start()
    outcomes = [results.get() for _ in writers]
    for w in writers:
        w.join()
    wall = time.perf_counter() - start
    events = sum(o[0] for o in outcomes)
    busy = sum(o[1] for o in outcomes)
    appends = sum(o[4] for o in outcomes)
    head, flush = sum(o[2] for o in outcomes) / appends, sum(o[3] for o in outcomes) / appends
    worst = max(o[5] for o in outcomes)
    print(f"audit: {WRITERS} writers at once, {events} events: {events / busy * WRITERS:.1f} events/s "
          f"while all ran ({wall:.1f} s wall with start-up), {1000 * busy / events:.0f} ms a transaction; "
          f"taking the chain head {1000 * head:.1f} ms on average (worst {1000 * worst:.0f} ms) after "
          f"{1000 * flush:.1f} ms flushing")


def _verification(database_url: str) -> None:
    from tdkt.models import AuditEvent, db
    from tdkt.workflow import audit
    from tdkt.workflow.audit_bulk import append_synthetic
    from tdkt.workflow.audit_verify import COLUMNS, verify

    app = _app(database_url)
    with app.app_context():
        start = time.perf_counter()
        append_synthetic(EVENTS)
        db.session.commit()
        print(f"audit: {EVENTS} synthetic events chained and inserted in {time.perf_counter() - start:.1f} s")
        verify_time = time.perf_counter()
        verdict = verify()
        verify_time = time.perf_counter() - verify_time
        assert verdict.ok, verdict
        rows = db.session.execute(select(*COLUMNS).order_by(AuditEvent.seq)).mappings().all()
        payloads = [audit.canonical(r) for r in rows]
        hash_time = time.perf_counter()
        for payload in payloads:
            hashlib.sha256(payload).hexdigest()
        hash_time = time.perf_counter() - hash_time
        print(f"audit: verify {verdict.events} events in {verify_time:.1f} s "
              f"({verdict.events / verify_time:.0f} events/s); hashing the same bytes alone "
              f"{hash_time:.2f} s ({verify_time / hash_time:.0f}× faster than verify)")
        db.engine.dispose()


def main() -> int:
    from flask_migrate import upgrade
    from redis import Redis

    from tdkt import demo
    from tdkt.models import db

    name = f"tdkt_bench_{uuid.uuid4().hex[:8]}"
    queue = f"audit-bench-{uuid.uuid4().hex[:8]}"
    database_url = f"{PG_SERVER}/{name}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with _app(database_url).app_context():
            upgrade()
            demo.seed("bench")
            db.session.commit()
            db.engine.dispose()
        _appends(database_url, queue)
        _verification(database_url)
    finally:
        redis = Redis.from_url(REDIS_URL)
        keys = list(redis.scan_iter(f"*{queue}*"))
        if keys:
            redis.delete(*keys)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0
