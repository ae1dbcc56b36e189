"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL, and carry
existing rows forward."""

import os
from datetime import date

import pytest
from alembic.util import CommandError
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import text

from tdkt import demo
from tdkt.models import db
from tdkt.web import create_app

from conftest import DEMO_PASSWORD, TEST_CONFIG, create_pg_database, drop_pg_database


def test_models_and_migrations_agree(backend_app):
    with backend_app.app_context():
        try:
            check()
        except CommandError as exc:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"models differ from the migrations: {exc}") from exc


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


def test_decisions_signed_before_0007_cite_what_was_in_force_on_their_day(empty_database, tmp_path):
    """The upgrade records, for every decision already signed, the legal basis in force on its
    date, in the order the documents cited it."""
    os.environ["INSTANCE_PATH"] = str(tmp_path)
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        demo.seed(DEMO_PASSWORD)
        db.session.commit()
        downgrade(revision="0006_rule_versions")
        ids = {
            name: db.session.execute(text(query)).scalar()
            for name, query in {
                "campaign": "SELECT id FROM campaigns WHERE code = 'VC-NTM-2021'",
                "unit": "SELECT id FROM units WHERE code = 'VC'",
                "user": "SELECT id FROM users WHERE username = 'chutich'",
            }.items()
        }
        for number, day in ((1, "2025-06-30"), (2, "2025-07-01")):
            db.session.execute(text(
                "INSERT INTO decisions (campaign_id, issuer_unit_id, year, number, symbol, date, signer_id,"
                " capacity, recorded_by_id, created_at) VALUES (:campaign, :unit, 2025, :number, 'QĐ-UBND',"
                " :day, :user, 'chairman', :user, CURRENT_TIMESTAMP)"
            ), ids | {"number": number, "day": date.fromisoformat(day)})
        db.session.commit()
        upgrade()
        cited = db.session.execute(text(
            "SELECT d.number, l.code FROM decision_legal_bases r JOIN decisions d ON d.id = r.decision_id"
            " JOIN legal_bases l ON l.id = r.legal_basis_id ORDER BY d.number, r.ordinal"
        )).all()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in cited] == [
        (1, "LUAT-TCCQDP-2015"), (1, "LUAT-TDKT-2022"), (1, "ND-98-2023"),
        (2, "LUAT-TCCQDP-2025"), (2, "LUAT-TDKT-2022"), (2, "ND-152-2025"),
    ]
