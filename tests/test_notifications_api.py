"""GET /api/v1/outbox: admins read the email messages of recipients in their scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_notifications_support import act, drafts, embedded_fixture, smtp_fixture  # noqa: F401  (fixtures)

from tdkt.models import RoleAssignment, Unit, db

from factories import nomination_in, user

pytestmark = pytest.mark.usefixtures("embedded")


def test_outbox_api_lists_messages_for_admins_only(app, api):
    for n in drafts(3):
        act(api("xa.vinhhiep"), n, "submit")
    assert api("vpdp").get("/api/v1/outbox").status_code == 403
    response = api("admin").get("/api/v1/outbox?limit=4")
    assert response.status_code == 200
    page = response.get_json()
    assert len(page["items"]) == 4 and page["next_cursor"]
    item = page["items"][0]
    assert list(item)[:8] == ["id", "to", "subject", "body", "status", "attempts", "created_at", "sent_at"]
    assert item["status"] == "pending" and item["sent_at"] is None
    assert item["subject"] == "1 hồ sơ chờ thẩm định"
    assert item["body"].startswith("Kính gửi ")
    assert item["created_at"].endswith("+07:00")
    rest = api("admin").get(f"/api/v1/outbox?limit=4&cursor={page['next_cursor']}").get_json()
    ids = [i["id"] for i in page["items"] + rest["items"]]
    assert len(ids) == 6 and ids == sorted(ids, reverse=True)


def test_outbox_api_filters_by_status(app, api, smtp):
    act(api("xa.vinhhiep"), nomination_in("draft"), "submit")
    sent = api("admin").get("/api/v1/outbox?status=sent").get_json()["items"]
    assert len(sent) == 2 and all(i["status"] == "sent" and i["sent_at"] for i in sent)
    assert api("admin").get("/api/v1/outbox?status=pending,failed").get_json()["items"] == []
    assert api("admin").get("/api/v1/outbox?status=lost").status_code == 422
    assert api("admin").get("/api/v1/outbox?state=sent").status_code == 400


def test_an_admin_sees_only_messages_to_people_in_their_scope(app, api):
    lai_hoa = db.session.scalars(select(Unit).filter_by(code="VC-LHOA")).one()
    db.session.add(RoleAssignment(user=user("xa.laihoa"), role="admin", scope_unit=lai_hoa))
    act(api("xa.vinhhiep"), nomination_in("draft"), "submit")
    nomination_in("returned", proposer="xa.laihoa")
    db.session.commit()
    everyone = api("admin").get("/api/v1/outbox").get_json()["items"]
    assert sorted(i["to"] for i in everyone) == [
        "vpdp2@demo.invalid", "vpdp@demo.invalid", "xa.laihoa@demo.invalid"
    ]
    mine = api("xa.laihoa").get("/api/v1/outbox").get_json()["items"]
    assert [i["to"] for i in mine] == ["xa.laihoa@demo.invalid"]
