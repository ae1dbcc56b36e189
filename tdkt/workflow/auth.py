"""Passwords (argon2id) and API tokens (random, stored as SHA-256, expiring, revocable)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..models import ApiToken, User, db, utcnow
from . import audit
from .actor import Actor

_hasher = PasswordHasher()
# Verifying against this when the username is unknown keeps the timing of both failures alike.
# Made on the first password check rather than at import: hashing takes a good part of a second.
_dummy_hash: str | None = None


def configure(time_cost: int, memory_cost: int) -> None:
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _dummy_hash = None  # remade with these parameters, so it costs what a real check costs


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not-a-password")
    return _dummy_hash


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    # Made before the lookup's outcome matters: the first check costs the same for any username.
    dummy = _dummy()
    try:
        ok = _hasher.verify(user.password_hash if user else dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    if ok and user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return ok and user is not None and user.active


def authenticate(actor: Actor, username: str, password: str) -> User | None:
    """Check credentials and write the login or login_failed event either way."""
    user = db.session.scalars(select(User).filter_by(username=username)).first()
    if check_password(user, password):
        audit.record(Actor(user, actor.ip, actor.user_agent), "login", details={"username": username})
        return user
    audit.record(actor, "login_failed", details={"username": username[:80]})
    return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(actor: Actor, ttl: timedelta) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=actor.user, token_hash=_digest(token), expires_at=utcnow() + ttl)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "token", object_type="api_token", object_id=row.id, details={"op": "issue"})
    return token, row


def token_user(token: str) -> tuple[User, ApiToken] | None:
    row = db.session.scalars(select(ApiToken).filter_by(token_hash=_digest(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user, row


def revoke_token(actor: Actor, row: ApiToken) -> None:
    row.revoked_at = utcnow()
    audit.record(actor, "token", object_type="api_token", object_id=row.id, details={"op": "revoke"})
