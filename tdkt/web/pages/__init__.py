"""Pages for people: thin views over the same engine functions and scoped queries as the API.

Each view loads through a scoped query (out of scope: 404), calls the engine, commits once;
on a WorkflowError it rolls back and shows the form again with the message and what was typed.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ...models import User, db
from ...workflow.actor import Actor
from ..extensions import login_manager

bp = Blueprint("pages", __name__)

PUBLIC_ENDPOINTS = frozenset({"pages.login", "pages.login_post"})


@bp.before_request
def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.endpoint == "pages.index":
        return redirect(url_for("pages.login"))
    return login_manager.unauthorized()


@bp.errorhandler(CSRFError)
def csrf_refused(_exc):
    message = "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; vui lòng tải lại trang rồi thử lại."
    return render_template("error.html", status=400, message=message), 400


def me() -> User:
    return current_user._get_current_object()


def actor() -> Actor:
    return Actor(me(), request.remote_addr, request.headers.get("User-Agent"))


def require_role(*roles: str) -> None:
    if not me().has_role(*roles):
        abort(403)


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()


from . import (  # noqa: E402,F401  (routes and filters register on bp)
    account,
    actions,
    admin_calendar,
    admin_documents,
    admin_rewards,
    admin_rounds,
    admin_rules,
    admin_units,
    admin_users,
    attachments,
    audit,
    campaigns,
    documents,
    nominations,
    outbox,
    present,
    public_notice,
    queues,
    records,
    workspace,
)
