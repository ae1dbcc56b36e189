"""Administration through the pages: accounts, roles with scope, units, recognition, campaigns."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from test_pages_support import Browser

from tdkt.models import AuditEvent, RoleAssignment, Unit, User, db

from factories import campaign, user


def unit(code: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


def _admin_events(op: str) -> list[AuditEvent]:
    return [
        e for e in db.session.scalars(select(AuditEvent).filter_by(action="admin").order_by(AuditEvent.id))
        if e.details.get("op") == op
    ]


def test_only_admins_reach_the_admin_pages(app):
    for username in ("xa.vinhhiep", "vpdp", "kiemtra", "chutich"):
        browser = Browser(app, username)
        for url in ("/admin/users", "/admin/users/new", "/admin/units", "/admin/campaigns",
                    f"/admin/users/{user('vpdp').id}", f"/admin/units/{unit('VC').id}"):
            assert browser.get(url).status == 403, (username, url)
        assert browser.post(f"/admin/users/{user('vpdp2').id}/deactivate", {}).status == 403
    assert user("vpdp2").active


def test_admin_creates_an_account_with_field_messages_first(app):
    browser = Browser(app, "admin")
    count = db.session.scalar(select(func.count()).select_from(User))
    page = browser.post("/admin/users/new", {
        "username": "Cán Bộ", "full_name": "", "email": "khong-phai-thu", "unit_id": str(unit("VC-LHOA").id),
        "password": "ngan",
    })
    assert page.status == 422
    assert page.errors() == {
        "username": "Tên đăng nhập gồm chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới",
        "full_name": "Họ và tên là bắt buộc",
        "email": "Thư điện tử không đúng dạng",
        "password": "Mật khẩu phải có ít nhất 8 ký tự",
    }
    assert db.session.scalar(select(func.count()).select_from(User)) == count
    taken = browser.post("/admin/users/new", {
        "username": "vpdp", "full_name": "A", "email": "a@b.vn", "unit_id": str(unit("VC-LHOA").id), "password": "12345678",
    })
    assert taken.errors() == {"username": "Tên đăng nhập vpdp đã có người dùng"}

    page = browser.post("/admin/users/new", {
        "username": "xa.laihoa2", "full_name": "Lâm Thị Hoa", "email": "hoa@laihoa.gov.vn",
        "unit_id": str(unit("VC-LHOA").id), "password": "mat-khau-tam",
    })
    assert page.status == 302
    created = db.session.scalars(select(User).filter_by(username="xa.laihoa2")).one()
    assert created.unit.code == "VC-LHOA" and created.assignments == []
    assert _admin_events("create_user")[-1].changes["username"] == [None, "xa.laihoa2"]
    Browser(app, "xa.laihoa2", password="mat-khau-tam")


def test_admin_assigns_and_removes_roles_with_scope(app):
    browser = Browser(app, "admin")
    target = user("vpdp2")
    url = f"/admin/users/{target.id}"
    assert browser.get(url).status == 200
    bad = browser.post(f"{url}/assignments", {"role": "signer", "scope_unit_id": str(unit("VC").id), "capacity": ""})
    assert bad.status == 422
    assert bad.errors() == {"capacity": "Lãnh đạo ký cần ghi cương vị (Chủ tịch hoặc Phó Chủ tịch)"}
    ok = browser.post(f"{url}/assignments", {"role": "auditor", "scope_unit_id": str(unit("VC-VHIEP").id), "capacity": ""})
    assert ok.status == 302
    db.session.expire_all()
    assert {(a.role, a.scope_unit.code) for a in target.assignments} == {("appraiser", "VC"), ("auditor", "VC-VHIEP")}
    assert _admin_events("set_assignments")[-1].changes["assignments"][1] == ["appraiser@VC", "auditor@VC-VHIEP"]
    appraiser = next(a for a in target.assignments if a.role == "appraiser")
    assert browser.post(f"{url}/assignments/{appraiser.id}/delete", {}).status == 302
    db.session.expire_all()
    assert [(a.role, a.scope_unit.code) for a in target.assignments] == [("auditor", "VC-VHIEP")]
    # A scope outside the admin's own is not offered and refused if sent.
    hanam = unit("HN-LN")
    assert str(hanam.id) not in browser.get(url).options("scope_unit_id")
    refused = browser.post(f"{url}/assignments", {"role": "auditor", "scope_unit_id": str(hanam.id), "capacity": ""})
    assert refused.status == 422 and db.session.scalar(
        select(func.count()).select_from(RoleAssignment).filter_by(user_id=target.id)
    ) == 1


def test_admin_deactivates_reactivates_and_resets_a_password(app):
    browser, victim = Browser(app, "admin"), Browser(app, "xa.vinhtan")
    target = user("xa.vinhtan")
    assert browser.post(f"/admin/users/{target.id}/deactivate", {}).status == 302
    db.session.expire_all()
    assert target.active is False
    assert victim.get("/").status == 302
    again = browser.post(f"/admin/users/{target.id}/deactivate", {})
    assert again.status == 409 and again.message() == "Tài khoản xa.vinhtan đã bị khóa."
    assert browser.post(f"/admin/users/{target.id}/activate", {}).status == 302
    short = browser.post(f"/admin/users/{target.id}/password", {"password": "123"})
    assert short.status == 422 and short.errors() == {"password": "Mật khẩu phải có ít nhất 8 ký tự"}
    assert browser.post(f"/admin/users/{target.id}/password", {"password": "mat-khau-moi-9"}).status == 302
    Browser(app, "xa.vinhtan", password="mat-khau-moi-9")
    own = browser.post(f"/admin/users/{user('admin').id}/deactivate", {})
    assert own.status == 409 and user("admin").active


def test_admin_cannot_reach_accounts_outside_its_scope(app):
    outsider = User(username="hn.canbo", full_name="Cán bộ Hà Nam", email="x@hn.vn",
                    unit=unit("HN-LN-NT"), password_hash="x")
    db.session.add(outsider)
    db.session.commit()
    browser = Browser(app, "admin")
    assert browser.get(f"/admin/users/{outsider.id}").status == 404
    assert browser.post(f"/admin/users/{outsider.id}/deactivate", {}).status == 404
    assert "hn.canbo" not in browser.get("/admin/users?limit=200").html


def test_admin_adds_a_hamlet_and_records_a_recognition(app):
    browser = Browser(app, "admin")
    tree = browser.get("/admin/units")
    assert tree.status == 200 and "Xã Vĩnh Hiệp" in tree.html and "Tỉnh Hà Nam" not in tree.html
    parent = unit("VC-VTAN")
    bad = browser.post("/admin/units/new", {"parent_id": str(parent.id), "code": "vc vtan a3", "name": "", "kind": "hamlet"})
    assert bad.status == 422
    assert bad.errors() == {
        "code": "Mã đơn vị gồm chữ in hoa không dấu, số và gạch ngang",
        "name": "Tên đơn vị là bắt buộc",
    }
    page = browser.post("/admin/units/new", {"parent_id": str(parent.id), "code": "VC-VTAN-A3", "name": "Ấp Prey Chóp", "kind": "hamlet"})
    assert page.status == 302
    hamlet = unit("VC-VTAN-A3")
    assert hamlet.path == f"{parent.path}{hamlet.id}/" and parent.contains(hamlet)

    url = f"/admin/units/{parent.id}"
    missing = browser.post(url, {"recognized": "1", "decision_number": "", "decision_date": ""})
    assert missing.status == 422
    assert missing.errors() == {
        "decision_number": "Số quyết định công nhận là bắt buộc",
        "decision_date": "Ngày quyết định công nhận là bắt buộc",
    }
    assert browser.post(url, {"recognized": "1", "decision_number": "3001/QĐ-UBND", "decision_date": "2022-03-15"}).status == 302
    db.session.expire_all()
    assert (parent.recognized, parent.recognition_decision_number, parent.recognition_decision_date) == (
        True, "3001/QĐ-UBND", date(2022, 3, 15)
    )
    assert _admin_events("set_recognition")[-1].changes["recognized"] == [False, True]


def test_admin_opens_the_campaign_rules_of_its_scope_only(app):
    browser = Browser(app, "admin")
    page = browser.get(f"/admin/campaigns/{campaign().id}")
    assert page.status == 200
    assert "Chỉ tiêu của Xã Vĩnh Hiệp" in page.html
    assert page.find(id="campaign-form") and page.find(id="criterion-form")
    hanam = campaign("HN-NTM-2021-2025")
    assert browser.get(f"/admin/campaigns/{hanam.id}").status == 404
