"""Logging in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_user, logout_user

from ...demo import USERS as DEMO_USERS
from ...forms.auth import LoginForm, PasswordForm
from ...forms.base import show_error
from ...workflow import admin, audit, auth
from ...workflow.actor import Actor
from ...workflow.errors import WorkflowError
from ..extensions import limiter
from . import actor, bp, commit, me, rollback

RATE_LIMITED = "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau 15 phút."
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


def _login_key() -> str:
    return f"{request.form.get('username', '')[:80]}|{request.remote_addr}"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never send a freshly logged-in user to another host."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.index")


def _render_login(form: LoginForm, message: str | None = None, status: int = 200):
    return render_template("account/login.html", form=form, message=message, demo_users=DEMO_USERS), status


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    return _render_login(LoginForm())


# A named, shared bucket: the API's token route can count into the same one (scope "login").
LOGIN_SCOPE = "login"


@bp.post("/login")
@limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    LOGIN_SCOPE,
    key_func=_login_key,
    deduct_when=lambda response: g.get("login_failed", False),
)
def login_post():
    form = LoginForm()
    if not form.validate():
        return _render_login(form, status=422)
    request_actor = Actor(None, request.remote_addr, request.headers.get("User-Agent"))
    user = auth.authenticate(request_actor, form.username.data.strip(), form.password.data)
    commit()  # the login or login_failed event stays either way
    if user is None:
        g.login_failed = True
        return _render_login(form, BAD_CREDENTIALS, 401)
    login_user(user)
    flash(f"Xin chào {user.full_name}.", "success")
    return redirect(_safe_next(request.args.get("next")))


@bp.errorhandler(RateLimitExceeded)
def rate_limited(_exc):
    return _render_login(LoginForm(), RATE_LIMITED, 429)


@bp.post("/logout")
def logout():
    audit.record(actor(), "logout")
    commit()
    logout_user()
    flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("pages.login"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    message = None
    if form.validate_on_submit():
        try:
            user = admin.change_own_password(actor(), form.old_password.data, form.new_password.data)
            commit()
        except WorkflowError as exc:
            rollback()
            message = show_error(form, exc)
        else:
            # The new password stamp ends every other session; this one is renewed.
            login_user(user)
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.", "success")
            return redirect(url_for("pages.index"))
    status = 422 if form.errors or message else 200
    return render_template("account/password.html", form=form, message=message, user=me()), status
