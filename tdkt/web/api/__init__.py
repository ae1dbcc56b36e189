"""The JSON API (/api/v1): bearer tokens, the contract's error body, the engine's checks."""

from __future__ import annotations

from flask import Blueprint, g, request

from ...models import db
from ...workflow import auth
from ...workflow.actor import Actor
from ...workflow.errors import WorkflowError

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.issue_token", "api.openapi"}


def unauthenticated() -> WorkflowError:
    return WorkflowError(401, "unauthenticated", "Cần đăng nhập: mã truy cập thiếu, sai hoặc đã hết hạn.")


@bp.before_request
def authenticate_bearer():
    g.api_token = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = auth.token_user(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if found is None:
        raise unauthenticated()
    g.api_user, g.api_token = found


def actor() -> Actor:
    return Actor(
        getattr(g, "api_user", None),
        request.remote_addr,
        request.headers.get("User-Agent"),
    )


def commit():
    db.session.commit()


from . import (  # noqa: E402,F401  (routes register on bp)
    attachments,
    audit_chain,
    campaign_rules,
    documents,
    misc,
    nominations,
    openapi,
    outbox,
    rewards,
    workdays,
)
