"""The deadline sweep over 100,000 open nominations (BENCH_SWEEP_NOMINATIONS), on PostgreSQL.

Three figures, side by side in one run: a plain scan of the open nominations (the floor), the
sweep in a quiet hour (nothing due: the cost of finding nothing), and the sweep when 1% are
due for a reminder and 1% overdue (each alert writes its notifications and its audit event).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, select, text

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
COUNT = int(os.environ.get("BENCH_SWEEP_NOMINATIONS", "100000"))


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    from flask_migrate import upgrade

    from tdkt import demo
    from tdkt.models import Campaign, Nomination, User, db
    from tdkt.web import create_app
    from tdkt.workflow import calendar, reminders

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
            campaign = db.session.scalars(select(Campaign).filter_by(code="VC-NTM-2021")).one()
            proposer = db.session.scalars(select(User).filter_by(username="xa.vinhhiep")).one()
            cal = calendar.current()
            now = datetime(2026, 11, 13, 5, tzinfo=UTC)  # a Friday, noon in Vĩnh Châu
            tomorrow = cal.add_working_days(now.date(), 1)
            states = ("submitted", "council_review", "awaiting_signature", "returned")
            rows = []
            for i in range(COUNT):
                if i % 100 == 0:
                    due = tomorrow  # 1%: a reminder
                elif i % 100 == 1:
                    due = now.date() - timedelta(days=3)  # 1%: overdue
                else:
                    due = now.date() + timedelta(days=10 + i % 20)
                rows.append({
                    "code": f"B-{i:06d}", "campaign_id": campaign.id, "award_form_id": campaign.award_forms[0].id,
                    "unit_id": proposer.unit_id, "nominee_kind": "individual", "nominee_type": "person",
                    "category": "individual_citizen", "nominee_name": f"Người {i}", "search_text": f"nguoi {i}",
                    "state": states[i % 4], "version": 3, "level": 1, "holder_role": None,
                    "stage_entered_at": now - timedelta(days=5), "stage_due_on": due,
                    "created_by_id": proposer.id, "created_at": now - timedelta(days=6),
                    "updated_at": now - timedelta(days=5), "returned_working_days": 0,
                    "early_stages": 0, "on_time_stages": 0, "late_stages": 0,
                })
            db.session.execute(insert(Nomination), rows)
            db.session.commit()
            db.session.execute(text("ANALYZE"))

            scan, found = _timed(lambda: len(db.session.execute(
                select(Nomination.id, Nomination.stage_due_on).where(Nomination.state.in_(reminders.OPEN_STATES))
            ).all()))
            db.session.rollback()
            first, report = _timed(lambda: reminders.sweep(now))
            db.session.commit()
            quiet, again = _timed(lambda: reminders.sweep(now))
            db.session.rollback()
            print(f"deadlines: {found} open nominations scanned in {scan:.3f} s (the floor)")
            print(f"deadlines: sweep with {report.reminders} reminders + {report.escalations} escalations: "
                  f"{first:.2f} s ({first / scan:.1f}× the scan)")
            print(f"deadlines: sweep with nothing new to say ({again.reminders + again.escalations} alerts): "
                  f"{quiet:.3f} s ({quiet / scan:.1f}× the scan)")
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0
