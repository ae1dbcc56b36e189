"""Fixtures: the app on SQLite and on PostgreSQL, each test inside a rolled-back transaction.

With REQUIRE_SERVICES=1 (CI) a missing PostgreSQL, Redis or chromium fails the test instead
of skipping it.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tdkt import demo
from tdkt.models import db
from tdkt.web import create_app
from tdkt.web.extensions import limiter

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEMO_PASSWORD = "demo-2026!"

TEST_CONFIG = {
    "TESTING": True,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 64,
    "WTF_CSRF_ENABLED": False,
    "DEMO_PASSWORD": DEMO_PASSWORD,
    "SECRET_KEY": "test-secret",
    "RATELIMIT_STORAGE_URI": "memory://",
}


def service_unavailable(what: str, why: object) -> None:
    message = f"{what} unavailable: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
    pytest.skip(message)


def _admin_engine():
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


def create_pg_database(prefix: str = "tdkt_test") -> str:
    """A fresh, empty database; returns its URL. Skips (or fails under CI) without PostgreSQL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        service_unavailable("PostgreSQL", exc.orig)
    return f"{PG_SERVER}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with _admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def build_app(database_uri: str, instance_path: str, **extra) -> object:
    os.environ["INSTANCE_PATH"] = instance_path
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": database_uri} | extra)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        demo.seed(DEMO_PASSWORD)
        db.session.commit()
    return app


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend_app(request, tmp_path_factory):
    """One migrated, seeded database per backend (and per xdist worker)."""
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    if request.param == "sqlite":
        yield build_app(f"sqlite:///{instance / 'test.sqlite3'}", str(instance))
        return
    url = create_pg_database()
    try:
        app = build_app(url, str(instance))
        yield app
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_pg_database(url)


@pytest.fixture
def app(backend_app):
    """The session's app with every session bound to one connection whose transaction is
    rolled back after the test; commits inside the app become savepoint releases."""
    app = backend_app
    with app.app_context():
        engines = db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        factory_kw = db.session.session_factory.kw
        factory_kw["join_transaction_mode"] = "create_savepoint"
        try:
            yield app
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine
            factory_kw.pop("join_transaction_mode", None)
            limiter.reset()


@pytest.fixture
def backend(app) -> str:
    return db.engine.dialect.name


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """A test client speaking the JSON API as one demo user."""

    def __init__(self, client, username: str | None):
        self.client = client
        self.username = username
        self.headers = {}
        if username is not None:
            response = client.post(
                "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.get_json()
            self.headers = {"Authorization": f"Bearer {response.get_json()['token']}"}

    def _call(self, method, url, **kwargs):
        headers = self.headers | kwargs.pop("headers", {})
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("GET", url, **kw)

    def post(self, url, **kw):
        return self._call("POST", url, **kw)

    def patch(self, url, **kw):
        return self._call("PATCH", url, **kw)

    def put(self, url, **kw):
        return self._call("PUT", url, **kw)

    def delete(self, url, **kw):
        return self._call("DELETE", url, **kw)


@pytest.fixture
def api(client):
    """api("vpdp") -> an Api logged in as that demo user (one token per user per test)."""
    cache: dict[str, Api] = {}

    def as_user(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(client, username)
        return cache[username]

    return as_user
