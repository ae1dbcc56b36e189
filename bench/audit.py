"""The audit trail: events appended per second inside real transitions, and verification
speed over BENCH_AUDIT_EVENTS events (default 1,000,000) beside hashing the same bytes alone.
Needs PostgreSQL; a scratch database is created and dropped."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import uuid

from sqlalchemy import create_engine, select, text

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
TRANSITIONS = int(os.environ.get("BENCH_AUDIT_TRANSITIONS", "300"))


def main() -> int:
    from flask_migrate import upgrade

    from tdkt import demo
    from tdkt.models import AuditEvent, Campaign, Pool, User, db
    from tdkt.web import create_app
    from tdkt.workflow import audit, engine, nominations
    from tdkt.workflow.actor import Actor
    from tdkt.workflow.audit_bulk import append_synthetic
    from tdkt.workflow.audit_verify import COLUMNS, verify

    name = f"tdkt_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        os.environ["INSTANCE_PATH"] = tempfile.mkdtemp()
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"{PG_SERVER}/{name}", "ARGON2_TIME_COST": 1,
                          "ARGON2_MEMORY_COST": 64, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            demo.seed("bench")
            db.session.commit()
            proposer = Actor(db.session.scalars(select(User).filter_by(username="xa.vinhhiep")).one())
            campaign = db.session.scalars(select(Campaign).filter_by(code="VC-NTM-2021")).one()
            pool = Pool(code="BENCH", name="Bench", members=[proposer.user.unit])
            campaign.pools.append(pool)
            db.session.commit()
            start = time.perf_counter()
            before = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0
            for i in range(TRANSITIONS // 3):
                n = nominations.create(proposer, {
                    "campaign_id": campaign.id, "pool_id": pool.id, "nominee_kind": "individual",
                    "category": "individual_citizen", "nominee_name": f"Người thử {i}",
                    "achievement_summary": "x", "contribution_vnd": 60_000_000,
                })
                db.session.commit()
                n = engine.fire(proposer, n.id, "submit", {"version": n.version})
                db.session.commit()
                engine.fire(proposer, n.id, "withdraw", {"version": n.version, "comment": "thử"})
                db.session.commit()
            elapsed = time.perf_counter() - start
            after = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
            print(f"audit: {after - before} events in {elapsed:.2f} s inside create/submit/withdraw "
                  f"transactions: {(after - before) / elapsed:.0f} events/s")

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
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0
