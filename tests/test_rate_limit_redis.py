"""Failed logins are counted in Redis when REDIS_URL is set, so several web hosts share the
count: five failures spread over two hosts block the sixth attempt on either."""

from __future__ import annotations

import uuid

import pytest
import redis

from tdkt.models import db
from tdkt.web.extensions import limiter

from conftest import REDIS_URL, build_app, service_unavailable


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError as exc:
        service_unavailable("Redis", exc)
    # One Limiter serves every app of the process (one app per process in production); the
    # apps built here point it at Redis, so give it back its storage for the other tests.
    saved = dict(limiter.__dict__)
    yield REDIS_URL
    limiter.__dict__.update(saved)


def test_two_hosts_share_the_failed_login_count(tmp_path, redis_url):
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    config = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    host_a = build_app(database, str(tmp_path / "a"), **config)
    host_b = build_app(database, str(tmp_path / "b"), **config)
    wrong = {"username": "vpdp", "password": "sai"}
    try:
        for host in (host_a, host_b, host_a, host_b, host_a):
            assert host.test_client().post("/api/v1/auth/token", json=wrong).status_code == 401
        refused = host_b.test_client().post(
            "/api/v1/auth/token", json={"username": "vpdp", "password": "demo-2026!"}
        )
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "rate_limited"
        # another username from the same address is not blocked
        other = host_a.test_client().post(
            "/api/v1/auth/token", json={"username": "noivu", "password": "demo-2026!"}
        )
        assert other.status_code == 200
    finally:
        for host in (host_a, host_b):
            with host.app_context():
                db.engine.dispose()


def test_successful_logins_are_not_counted(tmp_path, redis_url):
    config = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    host = build_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", str(tmp_path), **config)
    client = host.test_client()
    right = {"username": "kiemtra", "password": "demo-2026!"}
    try:
        for _ in range(8):
            assert client.post("/api/v1/auth/token", json=right).status_code == 200
    finally:
        with host.app_context():
            db.engine.dispose()
