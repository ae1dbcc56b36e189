"""Configuration from the environment; the embedded default needs none of it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .models.org import ROLES


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'tdkt.sqlite3'}"
    # psycopg 3 is the driver; accept the plain scheme operators usually write.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    # Embedded default: a key made once and kept in instance/, so sessions survive restarts.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_env(instance_path: str) -> dict:
    redis_url = os.environ.get("REDIS_URL") or None
    database_uri = database_url(instance_path)
    # The login page lists the demo accounts on the embedded (SQLite) install only, unless told.
    show_demo_users = os.environ.get("SHOW_DEMO_USERS", "1" if database_uri.startswith("sqlite") else "0")
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        **outbox_from_env(),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per 15 minutes"),
        "TOKEN_TTL_HOURS": int(os.environ.get("TOKEN_TTL_HOURS", "12")),
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", "65536")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "demo-2026!"),
        "SHOW_DEMO_USERS": show_demo_users == "1",
        # Dossier files: a folder every web host sees (NFS or the like when there are several).
        "ATTACHMENTS_DIR": os.environ.get("ATTACHMENTS_DIR") or str(Path(instance_path) / "attachments"),
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 2**20))),
        "NOMINATION_ATTACHMENTS_MAX_BYTES": int(os.environ.get("NOMINATION_ATTACHMENTS_MAX_BYTES", str(100 * 2**20))),
        "DEADLINE_ESCALATION": escalation_from_env(os.environ.get("DEADLINE_ESCALATION", "")),
    }


# The stages of tdkt.workflow.deadlines (importing the engine here would load all of it).
ESCALATION_STAGES = ("appraisal", "council", "signature", "resubmission")


def escalation_from_env(text: str) -> dict[str, tuple[str, ...]]:
    """'appraisal=signer,council_secretary;signature=council_secretary' -> who hears of an
    overdue stage, per stage listed (the others keep reminders.DEFAULT_ESCALATION; an empty
    list silences a stage). A typo stops the start rather than silently mailing nobody."""
    found = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        stage, sep, roles = part.partition("=")
        stage, wanted = stage.strip(), tuple(filter(None, (r.strip() for r in roles.split(","))))
        if not sep or stage not in ESCALATION_STAGES:
            raise ValueError(f"DEADLINE_ESCALATION: '{part}' should be <stage>=<role>,... with a stage among {ESCALATION_STAGES}")
        if unknown := [r for r in wanted if r not in ROLES]:
            raise ValueError(f"DEADLINE_ESCALATION: unknown roles {unknown}; roles are {ROLES}")
        found[stage] = wanted
    return found


def outbox_from_env() -> dict:
    """Email delivery; without MAIL_SERVER messages stay in the outbox, readable by admins."""
    env = os.environ.get
    return {
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "0") == "1",
        "MAIL_USE_SSL": env("MAIL_USE_SSL", "0") == "1",
        "MAIL_FROM": env("MAIL_FROM", "Hệ thống TĐKT <noreply@tdkt.invalid>"),
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT", "10")),
        "APP_BASE_URL": env("APP_BASE_URL", "http://127.0.0.1:5000"),
        "REDIS_TIMEOUT": float(env("REDIS_TIMEOUT", "0.5")),
        "OUTBOX_QUEUE": env("OUTBOX_QUEUE", "outbox"),
        "OUTBOX_BATCH_SECONDS": float(env("OUTBOX_BATCH_SECONDS", "60")),
        "OUTBOX_DIGEST_HOUR": int(env("OUTBOX_DIGEST_HOUR", "7")),
        "OUTBOX_RETRY_INTERVALS": [int(s) for s in env("OUTBOX_RETRY_INTERVALS", "30,120,600,1800,3600,10800").split(",")],
        "OUTBOX_CLAIM_TIMEOUT": float(env("OUTBOX_CLAIM_TIMEOUT", "300")),
        "OUTBOX_RELAY_AFTER": float(env("OUTBOX_RELAY_AFTER", "300")),
    }
