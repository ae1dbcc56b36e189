"""The admin's outbox page and every user's notification settings (the link in each email)."""

from __future__ import annotations

from test_pages_support import Browser, visible_text

from tdkt.models import NotificationSetting, OutboxMessage, User, db
from tdkt.workflow import notifications

from factories import nomination_in


def test_the_admin_reads_the_waiting_emails(app):
    nomination_in("submitted")  # the appraisers are told
    db.session.commit()
    db.session.add(OutboxMessage(
        to_address="vpdp@demo.invalid", subject="1 hồ sơ chờ thẩm định", body_text="Kính gửi <Lê Minh Tâm>",
        body_html="", status="pending", attempts=0,
    ))
    db.session.commit()
    page = Browser(app, "admin").get("/outbox?status=pending")
    assert page.status == 200
    text = visible_text(page)
    assert "1 hồ sơ chờ thẩm định" in text and "Kính gửi <Lê Minh Tâm>" in text
    assert "&lt;Lê Minh Tâm&gt;" in page.html  # escaped
    assert Browser(app, "vpdp").get("/outbox").status == 403


def test_a_user_changes_address_opt_outs_and_digest(app):
    browser = Browser(app, "vpdp")
    assert browser.get("/profile").status == 200
    kept = [k for k in notifications.KIND_LABELS if k != "queue"]
    form = {"email": "tam.vpdp@vinhchau.gov.vn", "digest": "daily"} | {f"kind-{k}": "on" for k in kept}
    assert browser.post("/profile", form).status == 302
    user = db.session.scalars(db.select(User).filter_by(username="vpdp")).one()
    setting = db.session.get(NotificationSetting, user.id)
    assert (user.email, setting.digest, setting.opted_out) == ("tam.vpdp@vinhchau.gov.vn", "daily", ["queue"])


def test_a_bad_address_is_refused_and_changes_nothing(app):
    browser = Browser(app, "vpdp")
    page = browser.post("/profile", {"email": "không-phải-thư", "digest": "immediate"})
    assert page.status == 200
    assert "Địa chỉ thư điện tử không hợp lệ" in page.message()
    user = db.session.scalars(db.select(User).filter_by(username="vpdp")).one()
    assert user.email == "vpdp@demo.invalid"
