"""Forms refuse bad input field by field, in Vietnamese, and change nothing; a stale version
keeps what was typed; names are escaped everywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_pages_flow import nomination_form
from test_pages_support import Browser, redirect_id

from tdkt.forms.fields import parse_vnd
from tdkt.models import AuditEvent, Nomination, db
from tdkt.workflow import nominations as service

from factories import actor, nomination_in, step


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Nomination))


def test_wrong_types_are_refused_per_field_and_nothing_is_created(app):
    browser = Browser(app, "xa.vinhhiep")
    before = _count()
    page = browser.post(
        "/nominations/new",
        nomination_form(birth_year="năm 70", contribution_vnd="60,5 triệu", nominee_kind="robot"),
    )
    assert page.status == 422
    assert page.errors() == {
        "birth_year": "Năm sinh phải viết bằng chữ số 0-9, tối đa 4 chữ số; đã nhập 'năm 70'",
        "contribution_vnd": "Số tiền phải là số đồng, viết liền hoặc có dấu chấm ngăn hàng nghìn (60.000.000)",
        "nominee_kind": "Lựa chọn không hợp lệ.",
    }
    assert _count() == before
    # What was typed stays in the form.
    assert page.value("address") == "Ấp Tân Nam, xã Vĩnh Hiệp"
    assert page.value("contribution_vnd") == "60,5 triệu"
    assert page.value("birth_year") == "năm 70"


def test_engine_rules_come_back_on_their_fields(app):
    browser = Browser(app, "xa.vinhhiep")
    before = _count()
    page = browser.post("/nominations/new", nomination_form(nominee_name="  ", birth_year="2999"))
    assert page.status == 422
    assert page.errors() == {
        "nominee_name": "Tên đối tượng là bắt buộc",
        "birth_year": "Năm sinh không được quá 2100",
    }
    page = browser.post("/nominations/new", nomination_form(id_number="12345", tax_code="abc"))
    assert page.status == 422
    assert page.errors() == {
        "id_number": "Số CCCD/CMND phải gồm 12 (hoặc 9) chữ số",
        "tax_code": "Mã số thuế phải gồm 10 chữ số (hoặc 10-3 chữ số)",
    }
    assert page.message().startswith("Dữ liệu chưa hợp lệ")
    assert _count() == before


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("60.000.000", 60_000_000), ("60000000", 60_000_000), ("1 250 000", 1_250_000), ("999", 999)],
)
def test_money_is_read_as_written_in_vietnam(typed, amount):
    assert parse_vnd(typed) == amount


@pytest.mark.parametrize("typed", ["60.00.000", "60,000,000", "6.0", "-5", "1e9", "60.000.000,5"])
def test_money_in_other_shapes_is_refused(typed):
    with pytest.raises(ValueError):
        parse_vnd(typed)


def test_edit_form_shows_money_the_vietnamese_way(app):
    n = nomination_in("draft", contribution_vnd=125_500_000)
    page = Browser(app, "xa.vinhhiep").get(f"/nominations/{n.id}/edit")
    assert page.status == 200
    assert page.value("contribution_vnd") == "125.500.000"
    assert page.value("version") == str(n.version)


def test_stale_version_keeps_what_was_typed(app):
    n = nomination_in("draft")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    form = browser.get(f"/nominations/{n.id}/edit")
    typed = {name: form.value(name) or "" for name in nomination_form() if name != "campaign_id"}
    typed |= {"version": form.value("version"), "nominee_name": "Tên vừa gõ lại", "position": "Trưởng ấp"}
    # Someone else saves first.
    service.update(actor("xa.vinhhiep"), n.id, {"version": n.version, "address": "Ấp Tân Thành"})
    db.session.commit()
    version_after = n.version

    page = browser.post(f"/nominations/{n.id}/edit", typed)
    assert page.status == 409
    assert page.message() == "Hồ sơ đã được người khác thay đổi, vui lòng tải lại."
    assert page.value("nominee_name") == "Tên vừa gõ lại"
    assert page.value("position") == "Trưởng ấp"
    db.session.expire_all()
    assert (n.version, n.address, n.position) == (version_after, "Ấp Tân Thành", None)
    assert n.nominee_name != "Tên vừa gõ lại"


def test_stale_action_keeps_the_comment(app):
    n = nomination_in("in_appraisal")
    stale = n.version
    step(n, "vpdp", "reassign", {"assignee_id": actor("vpdp2").user.id})
    step(n, "vpdp2", "reassign", {"assignee_id": actor("vpdp").user.id})
    db.session.commit()
    page = Browser(app, "vpdp").post(
        f"/nominations/{n.id}/actions/pass_appraisal",
        {"version": str(stale), "comment": "Ý kiến thẩm định dài đã gõ"},
    )
    assert page.status == 409
    assert page.message() == "Hồ sơ đã được người khác thay đổi, vui lòng tải lại."
    assert page.value("comment") == "Ý kiến thẩm định dài đã gõ"
    db.session.expire_all()
    assert n.state == "in_appraisal"


def test_required_comment_is_asked_on_its_field(app):
    n = nomination_in("in_appraisal")
    db.session.commit()
    browser = Browser(app, "vpdp")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    page = browser.post(
        f"/nominations/{n.id}/actions/return_for_revision", {"version": str(n.version), "comment": "  "}
    )
    assert page.status == 422
    assert page.errors() == {"comment": "Thao tác này cần ghi rõ lý do (ý kiến)."}
    db.session.expire_all()
    assert n.state == "in_appraisal"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_submission_letter_needs_number_and_date_together(app):
    n = nomination_in("draft")
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").post(
        f"/nominations/{n.id}/actions/submit", {"version": str(n.version), "submission_number": "7/TTr"}
    )
    assert page.status == 422
    assert page.errors() == {"submission_number": "Số và ngày Tờ trình phải đi cùng nhau"}
    assert page.value("submission_number") == "7/TTr"
    db.session.expire_all()
    assert n.state == "draft"


def test_bad_date_in_an_action_form(app):
    n = nomination_in("draft")
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").post(
        f"/nominations/{n.id}/actions/submit",
        {"version": str(n.version), "submission_number": "7/TTr", "submission_date": "31/02/2026"},
    )
    assert page.status == 422
    assert page.errors() == {"submission_date": "Ngày không hợp lệ."}


NASTY = '<script>alert(1)</script> & "x"'


def test_names_are_escaped_everywhere(app):
    proposer, appraiser, auditor = Browser(app, "xa.vinhhiep"), Browser(app, "vpdp"), Browser(app, "kiemtra")
    nomination_id = redirect_id(
        proposer.post("/nominations/new", nomination_form(nominee_name=NASTY, achievement_summary=NASTY))
    )
    n = db.session.get(Nomination, nomination_id)
    step(n, "xa.vinhhiep", "submit")
    step(n, "vpdp", "start_appraisal")
    step(n, "vpdp", "return_for_revision", {"comment": NASTY})
    db.session.commit()
    pages = [
        proposer.get(f"/nominations/{nomination_id}"),
        proposer.get(f"/nominations/{nomination_id}/edit"),
        proposer.get("/nominations?q=script"),
        proposer.get("/"),
        proposer.get("/queues/submit"),
        appraiser.get(f"/nominations/{nomination_id}"),
        auditor.get(f"/nominations/{nomination_id}"),
    ]
    for page in pages:
        assert page.status == 200
        assert "<script>alert(1)" not in page.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in page.html
    detail = pages[0]
    assert detail.text("n-name") == NASTY
    assert NASTY in detail.text("return-reason")
