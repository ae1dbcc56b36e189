"""Logging in and out, changing one's password, the login rate limit, CSRF and cookies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from test_pages_support import Browser, fresh_request_globals

from tdkt import config
from tdkt.models import AuditEvent, User, db


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action=action))


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    assert client.get("/").headers["Location"] == "/login"
    response = client.get("/nominations?q=an")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_is_vietnamese_and_lists_demo_accounts_when_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOW_DEMO_USERS", True)
    page = Browser(app).get("/login")
    assert page.status == 200
    assert "Đăng nhập" in page.html and page.find(id="demo-users")
    assert "xa.vinhhiep" in page.html
    monkeypatch.setitem(app.config, "SHOW_DEMO_USERS", False)
    page = Browser(app).get("/login")
    assert not page.find(id="demo-users") and "xa.vinhhiep" not in page.html


def test_demo_accounts_shown_by_default_on_sqlite_only(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SHOW_DEMO_USERS", raising=False)
    assert config.from_env(str(tmp_path))["SHOW_DEMO_USERS"] is True
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/tdkt")
    assert config.from_env(str(tmp_path))["SHOW_DEMO_USERS"] is False
    monkeypatch.setenv("SHOW_DEMO_USERS", "1")
    assert config.from_env(str(tmp_path))["SHOW_DEMO_USERS"] is True


def test_wrong_password_is_refused_in_vietnamese_and_audited(app):
    before = _events("login_failed")
    page = Browser(app).post("/login", {"username": "vpdp", "password": "sai-mat-khau"})
    assert page.status == 401
    assert page.message() == "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."
    assert page.value("username") == "vpdp"
    assert _events("login_failed") == before + 1


def test_empty_login_form_shows_field_messages(app):
    page = Browser(app).post("/login", {"username": "", "password": ""})
    assert page.status == 422
    assert page.errors() == {"username": "Vui lòng nhập tên đăng nhập.", "password": "Vui lòng nhập mật khẩu."}


def test_login_goes_to_the_page_asked_for_but_never_off_site(app):
    browser = Browser(app)
    ok = browser.post("/login?next=/nominations", {"username": "vpdp", "password": "demo-2026!"})
    assert ok.response.headers["Location"] == "/nominations"
    other = Browser(app).post(
        "/login?next=https://evil.example/x", {"username": "vpdp", "password": "demo-2026!"}
    )
    assert other.response.headers["Location"] == "/"


def test_logout_ends_the_session_and_is_audited(app):
    browser = Browser(app, "kiemtra")
    before = _events("logout")
    page = browser.post("/logout", {})
    assert page.status == 302 and page.response.headers["Location"] == "/login"
    assert _events("logout") == before + 1
    assert browser.get("/nominations").status == 302


def test_logout_needs_a_post(app):
    assert Browser(app, "kiemtra").get("/logout").status == 405


def test_change_password_checks_the_old_one_and_ends_other_sessions(app):
    # User.get_id() keeps whole seconds: a password set in the same second as the seed would not
    # change it, so the account's last change is put an hour back.
    user = db.session.scalars(select(User).filter_by(username="xa.laihoa")).one()
    user.password_changed_at -= timedelta(hours=1)
    db.session.commit()
    mine, elsewhere = Browser(app, "xa.laihoa"), Browser(app, "xa.laihoa")
    wrong = mine.post(
        "/password", {"old_password": "khong-dung", "new_password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}
    )
    assert wrong.status == 422
    assert wrong.errors() == {"old_password": "Mật khẩu hiện tại không đúng"}
    mismatch = mine.post(
        "/password", {"old_password": "demo-2026!", "new_password": "mat-khau-moi-1", "confirm": "khac"}
    )
    assert mismatch.errors() == {"confirm": "Hai lần nhập mật khẩu mới không khớp."}
    short = mine.post("/password", {"old_password": "demo-2026!", "new_password": "ngan", "confirm": "ngan"})
    assert short.errors() == {"new_password": "Mật khẩu phải có ít nhất 8 ký tự"}
    stamp = user.password_changed_at

    done = mine.post(
        "/password", {"old_password": "demo-2026!", "new_password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}
    )
    assert done.status == 302
    db.session.refresh(user)
    assert user.password_changed_at > stamp
    assert mine.get("/").status == 200  # this session was renewed
    assert elsewhere.get("/").status == 302  # the other one is over
    assert Browser(app).post("/login", {"username": "xa.laihoa", "password": "demo-2026!"}).status == 401
    Browser(app, "xa.laihoa", password="mat-khau-moi-1")


def test_login_is_rate_limited_per_username_and_address(app):
    browser = Browser(app)
    for _ in range(5):
        assert browser.post("/login", {"username": "noivu", "password": "sai"}).status == 401
    refused = browser.post("/login", {"username": "noivu", "password": "demo-2026!"})
    assert refused.status == 429
    assert refused.message() == "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau 15 phút."
    # Another account from the same address is not blocked, and a success does not count.
    for _ in range(6):
        fresh_request_globals()
        assert Browser(app, "vpdp2").get("/").status == 200


def test_deactivated_user_cannot_log_in_and_loses_the_session(app):
    browser = Browser(app, "phong.vanhoa")
    user = db.session.scalars(select(User).filter_by(username="phong.vanhoa")).one()
    user.active = False
    db.session.flush()
    assert browser.get("/").status == 302
    assert Browser(app).post("/login", {"username": "phong.vanhoa", "password": "demo-2026!"}).status == 401


def test_session_cookie_is_httponly_and_lax(app):
    response = Browser(app).client.post("/login", data={"username": "vpdp", "password": "demo-2026!"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # SESSION_COOKIE_SECURE is off outside production


def test_session_cookie_is_secure_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    settings = config.from_env(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True and settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_post_without_csrf_token_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    browser = Browser(app)
    login_page = browser.get("/login")
    token = login_page.value("csrf_token")
    assert token
    refused = browser.post("/login", {"username": "vpdp", "password": "demo-2026!"})
    assert refused.status == 400
    assert refused.text("error").endswith(
        "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; vui lòng tải lại trang rồi thử lại. Về trang chủ"
    )
    accepted = browser.post("/login", {"username": "vpdp", "password": "demo-2026!", "csrf_token": token})
    assert accepted.status == 302
    # Logged in, a state-changing form without the token changes nothing.
    before = _events("logout")
    assert browser.post("/logout", {}).status == 400
    assert _events("logout") == before
    assert browser.get("/").status == 200
