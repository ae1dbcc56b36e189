"""Campaign rules as data an admin edits: campaign, pools, criteria, award forms and chains, the
legal basis; every change audited with its diff and versioned, nominations in flight keeping the
version pinned at their first submit; Hà Nam's attestations; the contribution minimum as data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from test_pages_support import Browser

from tdkt import demo
from tdkt.models import (
    AuditEvent,
    CalendarOverride,
    Campaign,
    CampaignRound,
    EligibilityCriterion,
    NominationAttestation,
    Pool,
    PoolCategory,
    RoleAssignment,
    RuleVersion,
    Unit,
    User,
    db,
)
from tdkt.models.documents import LegalBasis
from tdkt.workflow import attestations, calendar, campaign_rules, nominations
from tdkt.workflow.auth import hash_password
from tdkt.workflow.campaign_rules import campaign_facts, criterion_facts
from tdkt.workflow.errors import WorkflowError
from tdkt.workflow.permissions import can_fire

from conftest import DEMO_PASSWORD, Api
from factories import actor, campaign, draft, nomination_in, open_now, step, user


def _admin_events(op: str) -> list[AuditEvent]:
    return [
        e for e in db.session.scalars(select(AuditEvent).filter_by(action="admin").order_by(AuditEvent.id))
        if e.details.get("op") == op
    ]


def _campaign_form(c: Campaign, **changes) -> dict:
    data = {
        "name": c.name, "plan_number": c.plan_number or "", "plan_date": c.plan_date.isoformat() if c.plan_date else "",
        "period_starts_on": c.period_starts_on.isoformat(), "period_ends_on": c.period_ends_on.isoformat(),
        "submission_opens_on": c.submission_opens_on.isoformat(),
        "submission_closes_on": c.submission_closes_on.isoformat(),
        "appraisal_days": str(c.appraisal_days), "council_days": str(c.council_days),
        "signature_days": str(c.signature_days), "resubmission_days": str(c.resubmission_days),
        "award_form_ids": [str(f.id) for f in c.award_forms],
    }
    return data | changes


def test_admin_edits_the_campaign_in_the_browser_audited_with_a_diff(app):
    c = campaign()
    browser = Browser(app, "admin")
    page = browser.get(f"/admin/campaigns/{c.id}")
    assert page.status == 200
    assert page.find(href=f"/admin/award-forms/{c.award_forms[0].id}/attachments")
    page = browser.post(f"/admin/campaigns/{c.id}", _campaign_form(c, plan_number="34/KH-UBND", appraisal_days="12"))
    assert page.status == 302, page.errors()
    db.session.expire_all()
    assert (c.plan_number, c.appraisal_days) == ("34/KH-UBND", 12)
    event = _admin_events("update_campaign")[-1]
    assert event.changes == {"plan_number": ["/KH-UBND", "34/KH-UBND"], "appraisal_days": [10, 12]}
    assert event.details["rule_version"] == db.session.scalar(
        select(func.max(RuleVersion.number)).where(RuleVersion.campaign_id == c.id)
    )


def test_bad_campaign_values_are_refused_in_vietnamese_and_nothing_changes(app):
    c = campaign()
    before = (c.council_days, c.submission_opens_on)
    events = len(_admin_events("update_campaign"))
    browser = Browser(app, "admin")
    page = browser.post(f"/admin/campaigns/{c.id}", _campaign_form(
        c, council_days="0", signature_days="61",
        submission_opens_on=(c.submission_closes_on + timedelta(days=1)).isoformat(),
    ))
    assert page.status == 422
    errors = page.errors()
    assert errors["council_days"] == "Thời hạn Hội đồng xét phải từ 1 đến 60 ngày làm việc, đã nhập 0"
    assert errors["signature_days"] == "Thời hạn ký quyết định phải từ 1 đến 60 ngày làm việc, đã nhập 61"
    assert errors["submission_closes_on"].startswith("Ngày hết hạn nhận hồ sơ (")
    db.session.expire_all()
    assert (c.council_days, c.submission_opens_on) == before
    assert len(_admin_events("update_campaign")) == events


def test_a_pool_limit_cannot_go_below_the_slots_held(app):
    c = campaign()
    pool = next(p for p in c.pools if p.code == "VC-VHIEP")
    for _ in range(2):
        nomination_in("submitted", pool_id=pool.id)
    db.session.commit()
    browser = Browser(app, "admin")
    form = {"name": pool.name, "is_open": "y", "limit_collective": "2", "limit_individual": "1",
            "category_limits.individual_citizen": "1"}
    page = browser.post(f"/admin/campaigns/{c.id}/pools/{pool.id}", form)
    assert page.status == 422
    assert page.errors()["limit_individual"] == "Không thể giảm chỉ tiêu cá nhân xuống 1: đã dùng 2 suất"
    assert page.errors()["category_limits.individual_citizen"] == (
        "Không thể giảm chỉ tiêu 'Người dân, hộ gia đình, doanh nghiệp' xuống 1: đã dùng 2 suất"
    )
    db.session.expire_all()
    assert pool.limit_individual == 4
    page = browser.post(f"/admin/campaigns/{c.id}/pools/{pool.id}", form | {
        "limit_individual": "2", "category_limits.individual_citizen": "2"})
    assert page.status == 302
    db.session.expire_all()
    assert (pool.limit_individual, pool.category("individual_citizen").limit) == (2, 2)
    assert _admin_events("update_pool")[-1].changes == {
        "category_limits.individual_citizen": [3, 2], "limit_individual": [4, 2],
    }


def test_admin_edits_an_award_form_and_its_chain(app):
    form = campaign().award_forms[0]
    browser = Browser(app, "admin")
    page = browser.get(f"/admin/award-forms/{form.id}")
    assert page.status == 200 and page.find(id="checklist-link")
    level = form.levels[0]
    town = db.session.scalars(select(Unit).filter_by(code="ST")).one()
    page = browser.post(f"/admin/award-forms/{form.id}", {
        "name": form.name, "pass_share_percent": "60",
        "levels-0-name": level.name, "levels-0-office_unit_id": str(level.office_unit_id),
        "levels-0-appraising_unit_id": str(level.appraising_unit_id), "levels-0-council_unit_id": str(level.council_unit_id),
        "levels-1-name": "UBND tỉnh Sóc Trăng", "levels-1-office_unit_id": str(town.id),
        "levels-1-appraising_unit_id": "", "levels-1-council_unit_id": "",
    })
    assert page.status == 302, page.errors()
    db.session.expire_all()
    assert form.pass_share_percent == 60 and [lv.name for lv in form.levels][-1] == "UBND tỉnh Sóc Trăng"
    changes = _admin_events("update_award_form")[-1].changes
    assert changes["pass_share_percent"] == [50, 60]
    assert changes["levels.2.office_unit_id"] == [None, town.id]


def test_a_level_with_dossiers_in_flight_keeps_its_office(app):
    n = nomination_in("submitted")
    form = n.award_form
    other = db.session.scalars(select(Unit).filter_by(code="ST")).one()
    with pytest.raises(WorkflowError) as refused:
        campaign_rules.update_award_form(actor("admin"), form.id, {"levels": [
            {"name": "Khác", "office_unit_id": other.id}]})
    assert refused.value.status == 409
    assert refused.value.message.startswith("Không thể đổi cơ quan của cấp 1 (UBND thị xã Vĩnh Châu): ")


def test_legal_basis_versions_of_one_text_may_not_overlap(app):
    browser = Browser(app, "admin")
    assert browser.get("/admin/legal-bases").status == 200
    count = db.session.scalar(select(func.count()).select_from(LegalBasis))
    page = browser.post("/admin/legal-bases/new", {
        "code": "ND-99-2025", "citation": "Nghị định số 99/2025/NĐ-CP", "position": "30",
        "valid_from": "2025-01-01", "valid_until": "",
    })
    assert page.status == 422
    assert page.errors()["valid_from"].startswith("Trùng thời gian hiệu lực với ND-98-2023 (từ 01/01/2024 đến 30/06/2025)")
    assert db.session.scalar(select(func.count()).select_from(LegalBasis)) == count
    page = browser.post("/admin/legal-bases/new", {
        "code": "QD-HN-2025", "citation": "Quyết định số 12/2025/QĐ-UBND của UBND tỉnh", "position": "40",
        "valid_from": "2025-01-01", "valid_until": "",
    })
    assert page.status == 302
    row = db.session.scalars(select(LegalBasis).filter_by(code="QD-HN-2025")).one()
    page = browser.post(f"/admin/legal-bases/{row.id}", {
        "code": "QD-HN-2025", "citation": row.citation, "position": "40", "valid_from": "2025-01-01",
        "valid_until": "2025-12-31",
    })
    assert page.status == 302
    assert _admin_events("update_legal_basis")[-1].changes == {"valid_until": [None, "2025-12-31"]}


def _hanam_pool(category: str) -> Campaign:
    hanam = campaign("HN-NTM-2021-2025")
    open_now(hanam, 1, 30)
    commune = db.session.scalars(select(Unit).filter_by(code="HN-LN-NT")).one()
    pool = Pool(code="HN-TEST", name="Thử nghiệm", members=[commune])
    pool.categories = [PoolCategory(code=category, name="Xã", nominee_kind="collective")]
    hanam.pools.append(pool)
    db.session.flush()
    return hanam


def test_a_ha_nam_criterion_refuses_a_nomination_until_attested(app):
    hanam = _hanam_pool("collective_commune")
    commune = db.session.scalars(select(Unit).filter_by(code="HN-LN-NT")).one()
    db.session.add(User(username="hn.xa", full_name="Cán bộ xã", email="x@hn.invalid", unit=commune,
                        password_hash="!", assignments=[RoleAssignment(role="proposer", scope_unit=commune)]))
    db.session.flush()
    form = next(f for f in hanam.award_forms if f.code == "GK-HN-LN")
    n = nominations.create(actor("hn.xa"), {
        "campaign_id": hanam.id, "award_form_id": form.id, "pool_id": hanam.pools[-1].id,
        "nominee_kind": "collective", "nominee_type": "collective", "category": "collective_commune",
        "nominee_name": "Xã Nhân Thịnh", "achievement_summary": "Đạt chuẩn NTM nâng cao năm 2023.",
    })
    with pytest.raises(WorkflowError) as refused:
        step(n, "hn.xa", "submit")
    assert refused.value.code == "not_eligible"
    assert refused.value.details == {"rule": "criterion", "criterion": "xa_ntm_nang_cao_kieu_mau", "answer": None}
    assert "Xã đạt chuẩn nông thôn mới nâng cao hoặc nông thôn mới kiểu mẫu" in refused.value.message
    with pytest.raises(WorkflowError) as unproven:
        attestations.set_answers(actor("hn.xa"), n.id, {"version": n.version, "answers": [
            {"criterion": "xa_ntm_nang_cao_kieu_mau", "answer": True}]})
    assert unproven.value.details["fields"] == {
        "evidence.xa_ntm_nang_cao_kieu_mau": "Tiêu chí 'Xã đạt chuẩn nông thôn mới nâng cao hoặc nông thôn mới "
        "kiểu mẫu giai đoạn 2021 - 2025': cần ghi căn cứ, minh chứng"}
    n = attestations.set_answers(actor("hn.xa"), n.id, {"version": n.version, "answers": [
        {"criterion": "xa_ntm_nang_cao_kieu_mau", "answer": True, "evidence": "QĐ 1234/QĐ-UBND ngày 10/10/2023"},
        {"criterion": "xa_khong_no_dong_xdcb", "answer": False},
    ]})
    assert db.session.get(NominationAttestation, (n.id, "xa_khong_no_dong_xdcb")).answer is False
    with pytest.raises(WorkflowError) as refused:
        step(n, "hn.xa", "submit")
    assert refused.value.details["criterion"] == "xa_khong_no_dong_xdcb"
    assert "được xác nhận là không đạt" in refused.value.message
    n = attestations.set_answers(actor("hn.xa"), n.id, {"version": n.version, "answers": [
        {"criterion": "xa_khong_no_dong_xdcb", "answer": True, "evidence": "Báo cáo quyết toán 2023"}]})
    assert step(n, "hn.xa", "submit").state == "submitted"


def test_the_contribution_minimum_is_data(app):
    c = campaign()
    citizen = next(cr for cr in c.criteria if cr.code == "min_contribution_citizen")
    assert citizen.min_vnd == 50_000_000
    campaign_rules.set_criterion(actor("admin"), c.id, {
        "code": citizen.code, "kind": "min_contribution", "name": citizen.name,
        "category": "individual_citizen", "min_vnd": 70_000_000,
    })
    with pytest.raises(WorkflowError) as refused:
        step(draft(contribution_vnd=60_000_000), "xa.vinhhiep", "submit")
    assert refused.value.details == {"rule": "min_contribution", "contribution_vnd": 60_000_000, "min_vnd": 70_000_000}


def test_a_rule_edit_leaves_a_nomination_in_flight_unchanged(app):
    """Pinned at its first submit: raising the contribution minimum does not stop the dossier
    at pass_appraisal, while a new nomination meets the new rule."""
    in_flight = nomination_in("in_appraisal", contribution_vnd=60_000_000)
    pinned = in_flight.rule_version.number
    c = campaign()
    campaign_rules.set_criterion(actor("admin"), c.id, {
        "code": "min_contribution_citizen", "kind": "min_contribution", "name": "Người dân đóng góp",
        "category": "individual_citizen", "min_vnd": 80_000_000,
    })
    assert db.session.scalar(select(func.max(RuleVersion.number)).where(RuleVersion.campaign_id == c.id)) == pinned + 1
    passed = step(in_flight, "vpdp", "pass_appraisal", {"comment": "Đạt"})
    assert passed.state == "council_review" and passed.rule_version.number == pinned
    page = Browser(app, "vpdp").get(f"/nominations/{passed.id}")
    assert f"Áp dụng quy định phiên bản {pinned}, ngày" in page.text("rule-version")
    with pytest.raises(WorkflowError) as refused:
        step(draft(contribution_vnd=60_000_000), "xa.vinhhiep", "submit")
    assert refused.value.details["min_vnd"] == 80_000_000


def test_a_chain_edit_does_not_let_a_dossier_in_flight_travel_further(app):
    in_flight = nomination_in("council_review")
    form = in_flight.award_form
    province = db.session.scalars(select(Unit).filter_by(code="ST")).one()
    campaign_rules.update_award_form(actor("admin"), form.id, {"levels": [
        {k: getattr(lv, k) for k in ("name", "office_unit_id", "appraising_unit_id", "council_unit_id")}
        for lv in form.levels
    ] + [{"name": "UBND tỉnh", "office_unit_id": province.id}]})
    awaiting = step(in_flight, "noivu", "submit_for_signature", {
        "council_meeting_on": None, "council_minutes_number": "05/BB", "council_members_total": 9,
        "council_members_present": 9, "votes_for": 9})
    approved = step(awaiting, "chutich", "sign", {"decision_date": None})
    assert approved.state == "approved"
    assert can_fire(user("chutich"), approved, "forward") is None
    fresh = nomination_in("approved")
    assert fresh.rule_version.snapshot["award_forms"][str(form.id)]["levels"][-1]["name"] == "UBND tỉnh"


def test_seed_demo_is_idempotent(app):
    before = db.session.scalar(select(func.count()).select_from(EligibilityCriterion))
    demo.seed("demo-2026!")
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(EligibilityCriterion)) == before
    codes = {c.code for c in campaign("HN-NTM-2021-2025").criteria}
    assert {"xa_ntm_nang_cao_kieu_mau", "xa_khong_no_dong_xdcb", "dn_ocop_3_sao", "cb_khong_vi_pham_ky_luat"} <= codes
    assert {c.code: c.min_vnd for c in campaign().criteria} == {
        "min_contribution_citizen": 50_000_000,
        "min_contribution_household": 50_000_000,
        "min_contribution_organisation": 50_000_000,
    }


# --- scope: an admin edits only the rules of its own tree; what every unit shares, only the top ---


def _add_admin(username: str, scope_code: str) -> None:
    scope = db.session.scalars(select(Unit).filter_by(code=scope_code)).one()
    db.session.add(User(
        username=username, full_name=username, email=f"{username}@vc.invalid", unit=scope,
        password_hash=hash_password(DEMO_PASSWORD), assignments=[RoleAssignment(role="admin", scope_unit=scope)],
    ))
    db.session.commit()


def _rules_state() -> tuple:
    """Everything the refused calls below could have changed."""
    c = campaign()
    return (
        campaign_facts(c), [campaign_rules.pool_facts(p) for p in c.pools], [criterion_facts(x) for x in c.criteria],
        [campaign_rules.award_form_facts(f) for f in c.award_forms],
        db.session.scalar(select(func.count()).select_from(LegalBasis)),
        db.session.scalar(select(func.count()).select_from(CalendarOverride)),
        db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="admin")),
    )


def _api_calls(c: Campaign, form_id: int, legal_id: int) -> list[tuple[str, str, dict | None, int]]:
    calls = [
        ("GET", f"/campaigns/{c.id}/rules", None, 404),
        ("PATCH", f"/campaigns/{c.id}", {"appraisal_days": 60}, 404),
        ("PUT", f"/campaigns/{c.id}/criteria/moi", {"kind": "attestation", "name": "Tiêu chí mới"}, 404),
        ("DELETE", f"/campaigns/{c.id}/criteria/{c.criteria[0].code}", None, 404),
        ("PATCH", f"/award-forms/{form_id}", {"pass_share_percent": 1}, 404),
        ("GET", "/legal-bases", None, 403),
        ("POST", "/legal-bases", {"code": "X", "citation": "Luật X", "position": 9}, 403),
        ("PATCH", f"/legal-bases/{legal_id}", {"citation": "Luật Y"}, 403),
    ]
    # Every pool, the commune's own included: the town's campaign is not the commune's to change.
    calls += [("PATCH", f"/campaigns/{c.id}/pools/{p.id}", {"limit_collective": 9999}, 404) for p in c.pools]
    return calls


def _page_calls(c: Campaign, form_id: int, legal_id: int, override_id: int) -> list[tuple[str, str, dict, int]]:
    pool = c.pools[0]
    return [
        ("GET", f"/admin/campaigns/{c.id}", {}, 404),
        ("POST", f"/admin/campaigns/{c.id}", _campaign_form(c, appraisal_days="60"), 404),
        ("POST", f"/admin/campaigns/{c.id}/pools/{pool.id}", {"name": pool.name, "limit_collective": "9999"}, 404),
        ("POST", f"/admin/campaigns/{c.id}/criteria", {"code": "moi", "kind": "attestation", "name": "Mới"}, 404),
        ("POST", f"/admin/campaigns/{c.id}/criteria/{c.criteria[0].code}/delete", {}, 404),
        ("GET", f"/admin/award-forms/{form_id}", {}, 404),
        ("POST", f"/admin/award-forms/{form_id}", {"name": "X", "pass_share_percent": "1"}, 404),
        ("GET", f"/admin/award-forms/{form_id}/attachments", {}, 404),
        ("GET", "/admin/legal-bases", {}, 403),
        ("GET", "/admin/legal-bases/new", {}, 403),
        ("POST", "/admin/legal-bases/new", {"code": "X", "citation": "Luật X", "position": "9"}, 403),
        ("GET", f"/admin/legal-bases/{legal_id}", {}, 403),
        ("POST", f"/admin/legal-bases/{legal_id}", {"code": "X", "citation": "Luật Y", "position": "9"}, 403),
        ("GET", "/admin/calendar", {}, 403),
        ("POST", "/admin/calendar", {"day": "2026-12-30", "kind": "day_off", "note": "Nghỉ"}, 403),
        ("POST", f"/admin/calendar/{override_id}/delete", {}, 403),
    ]


def test_a_commune_admin_changes_none_of_the_towns_rules_nor_what_every_unit_shares(app, client):
    """An admin of Xã Vĩnh Hiệp: the town's campaign, its pools (the commune's own too), its award
    forms do not exist for it (404); the legal basis and the calendar are the province's (403)."""
    _add_admin("qt.vinhhiep", "VC-VHIEP")
    calendar.add_override(actor("admin"), {"day": "2026-12-31", "kind": "day_off", "note": "Nghỉ bù"})
    db.session.commit()
    c = campaign()
    form_id = c.award_forms[0].id
    legal_id = db.session.scalars(select(LegalBasis.id)).first()
    override_id = db.session.scalars(select(CalendarOverride.id)).one()
    before = _rules_state()
    commune = Api(client, "qt.vinhhiep")
    failures = []
    for method, url, body, status in _api_calls(c, form_id, legal_id):
        response = commune._call(method, f"/api/v1{url}", json=body)
        if response.status_code != status:
            failures.append((method, url, response.status_code))
        elif status == 403:
            assert "chỉ quản trị cấp tỉnh" in response.get_json()["error"]["message"]
    assert commune.get("/api/v1/award-forms").get_json()["items"] == []
    browser = Browser(app, "qt.vinhhiep")
    for method, url, data, status in _page_calls(c, form_id, legal_id, override_id):
        page = browser.get(url) if method == "GET" else browser.post(url, data)
        if page.status != status:
            failures.append((method, url, page.status))
    listed = browser.get("/admin/campaigns")
    assert listed.status == 200 and not listed.find(**{"data-campaign-id": str(c.id)})
    assert browser.get("/admin/award-forms").find(href=f"/admin/award-forms/{form_id}") == []
    assert failures == []
    db.session.expire_all()
    assert _rules_state() == before


def test_the_town_admin_keeps_the_towns_rules_but_not_the_provinces(app, client):
    """An admin of Thị xã Vĩnh Châu edits the town's campaign and its pools; not a pool of a unit
    outside its scope, and not the legal basis every unit shares."""
    _add_admin("qt.vinhchau", "VC")
    c = campaign()
    town = Api(client, "qt.vinhchau")
    assert town.patch(f"/api/v1/campaigns/{c.id}", json={"appraisal_days": 12}).status_code == 200
    own = next(p for p in c.pools if p.code == "VC-VHIEP")
    assert town.patch(f"/api/v1/campaigns/{c.id}/pools/{own.id}", json={"limit_collective": 5}).status_code == 200
    elsewhere = Pool(code="HN-LN-NT-X", name="Xã Nhân Thịnh", unit=db.session.scalars(
        select(Unit).filter_by(code="HN-LN-NT")).one())
    c.pools.append(elsewhere)
    db.session.commit()
    response = town.patch(f"/api/v1/campaigns/{c.id}/pools/{elsewhere.id}", json={"limit_collective": 9999})
    assert response.status_code == 404, response.get_json()
    response = town.post("/api/v1/legal-bases", json={"code": "X", "citation": "Luật X", "position": 9})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == (
        "Văn bản căn cứ dùng chung cho mọi đơn vị; chỉ quản trị cấp tỉnh được quản lý."
    )
    db.session.expire_all()
    assert (c.appraisal_days, own.limit_collective, elsewhere.limit_collective) == (12, 5, None)


@pytest.mark.parametrize("typed", ["²", "٣", "3.5", "10001", "99999999999999999999"])
def test_a_category_limit_is_typed_in_ascii_digits_within_its_bounds(app, typed):
    """'²' made int() fail (a 500) and '٣' (Arabic-Indic three) was saved as 3."""
    c = campaign()
    pool = next(p for p in c.pools if p.code == "VC-VHIEP")
    before, events = campaign_rules.pool_facts(pool), len(_admin_events("update_pool"))
    form = {"name": pool.name, "is_open": "y", "limit_collective": str(pool.limit_collective),
            "limit_individual": str(pool.limit_individual), "category_limits.individual_citizen": typed}
    page = Browser(app, "admin").post(f"/admin/campaigns/{c.id}/pools/{pool.id}", form)
    assert page.status == 422
    assert page.errors()["category_limits.individual_citizen"] == (
        f"Chỉ tiêu 'Người dân, hộ gia đình, doanh nghiệp' phải là số nguyên từ 0 đến 10000, đã nhập '{typed[:20]}'"
    )
    db.session.expire_all()
    assert campaign_rules.pool_facts(pool) == before and len(_admin_events("update_pool")) == events


@pytest.mark.parametrize("field", ["limit_collective", "limit_individual"])
def test_a_pool_limit_in_another_scripts_digits_is_refused(app, field):
    c = campaign()
    pool = next(p for p in c.pools if p.code == "VC-VHIEP")
    before = campaign_rules.pool_facts(pool)
    form = {"name": pool.name, "is_open": "y", "limit_collective": "5", "limit_individual": "5", field: "٣"}
    page = Browser(app, "admin").post(f"/admin/campaigns/{c.id}/pools/{pool.id}", form)
    assert page.status == 422
    assert page.errors()[field] == "Phải là số nguyên."
    db.session.expire_all()
    assert campaign_rules.pool_facts(pool) == before


@pytest.mark.parametrize("body, field, message", [
    ({"category": "individual_citzen"}, "category",
     "Nhóm đối tượng 'individual_citzen' không có trong đợt thi đua; các nhóm: collective_commune, "
     "collective_hamlet, collective_other, collective_town, individual_cadre, individual_citizen, "
     "individual_town_cadre"),
    ({"nominee_type": "citizen"}, "nominee_type",
     "Loại đối tượng phải là một trong: person, household, organisation, collective"),
    ({"category": "collective_hamlet", "nominee_type": "person"}, "nominee_type",
     "Nhóm đối tượng 'Tập thể ấp, khóm' không có loại 'person'; các loại: collective, organisation"),
])
def test_a_criterion_names_a_category_and_type_the_campaign_has(app, api, body, field, message):
    """Through the API (the page offers only the campaign's categories): a typo made a rule that
    silently never applied."""
    c = campaign()
    before = [criterion_facts(x) for x in c.criteria]
    response = api("admin").put(f"/api/v1/campaigns/{c.id}/criteria/moi", json={
        "kind": "min_contribution", "name": "Đóng góp từ 10.000.000 đồng", "min_vnd": 10_000_000} | body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"]["fields"] == {field: message}
    db.session.expire_all()
    assert [criterion_facts(x) for x in c.criteria] == before
    kept = api("admin").put(f"/api/v1/campaigns/{c.id}/criteria/moi", json={
        "kind": "min_contribution", "name": "Đóng góp", "min_vnd": 1, "category": "individual_citizen"})
    assert kept.status_code == 200, kept.get_json()


def test_a_pool_limit_is_judged_against_the_busiest_round(app, api):
    """Limits hold per round: two rounds of two slots each let the limit go down to 2, not below,
    and the pool reads 2 held (it read 4, and even an unchanged limit of 3 was refused)."""
    c = campaign()
    pool = next(p for p in c.pools if p.code == "VC-VHIEP")
    first, final = (
        CampaignRound(code=code, name=name, submission_opens_on=c.submission_opens_on,
                      submission_closes_on=c.submission_closes_on, position=position)
        for position, (code, name) in enumerate((("SO-KET", "Sơ kết"), ("TONG-KET", "Tổng kết")), start=1)
    )
    c.rounds.extend([first, final])
    db.session.flush()
    for held_in in (first, first, final, final):
        nomination_in("submitted", pool_id=pool.id).round_id = held_in.id
    db.session.commit()
    assert campaign_rules.held_slots(pool)["individual"] == 2
    url = f"/api/v1/campaigns/{c.id}/pools/{pool.id}"
    refused = api("admin").patch(url, json={"limit_individual": 1})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"]["fields"] == {
        "limit_individual": "Không thể giảm chỉ tiêu cá nhân xuống 1: đã dùng 2 suất trong cùng một đợt sơ kết, tổng kết"
    }
    saved = api("admin").patch(url, json={"limit_individual": 2})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["held"]["individual"] == 2
    db.session.expire_all()
    assert pool.limit_individual == 2


def test_a_campaign_edit_says_new_time_limits_apply_at_each_dossiers_next_stage(app):
    c = campaign()
    browser = Browser(app, "admin")
    assert browser.post(f"/admin/campaigns/{c.id}", _campaign_form(c, appraisal_days="12")).status == 302
    shown = browser.get(f"/admin/campaigns/{c.id}").html
    assert "thời hạn xử lý mới áp dụng từ bước tiếp theo của từng hồ sơ" in shown
    assert "giữ quy định cũ" not in shown


NEW_CAMPAIGN = {
    "code": "VC-2027", "name": "Phong trào thi đua năm 2027", "plan_number": "5/KH-UBND", "plan_date": "2026-12-01",
    "period_starts_on": "2027-01-01", "period_ends_on": "2027-12-31",
    "submission_opens_on": "2027-10-01", "submission_closes_on": "2027-11-15",
}


def test_admin_launches_next_years_campaign_in_the_browser_audited(app):
    """From the campaign list to a new campaign of the admin's own unit, with the default stage
    limits, the chosen award form, its first rule version and a 'create_campaign' event."""
    form = campaign().award_forms[0]
    browser = Browser(app, "admin")
    assert browser.get("/admin/campaigns").find(href="/admin/campaigns/new")
    page = browser.get("/admin/campaigns/new")
    assert page.status == 200
    assert [page.value(n) for n in campaign_rules.STAGE_DAYS] == ["10", "7", "3", "5"]
    admin_unit = user("admin").unit
    assert page.options("owner_unit_id")[str(admin_unit.id)].startswith(admin_unit.name)
    data = NEW_CAMPAIGN | {"owner_unit_id": str(admin_unit.id), "award_form_ids": [str(form.id)],
                           "appraisal_days": "10", "council_days": "7", "signature_days": "3", "resubmission_days": "5"}
    page = browser.post("/admin/campaigns/new", data)
    assert page.status == 302, page.errors()
    created = campaign("VC-2027")
    assert page.response.location.endswith(f"/admin/campaigns/{created.id}")
    assert (created.owner_unit_id, created.plan_number, [f.id for f in created.award_forms]) == (
        admin_unit.id, "5/KH-UBND", [form.id])
    assert (created.appraisal_days, created.council_days, created.signature_days, created.resubmission_days) == (
        10, 7, 3, 5)
    versions = db.session.scalars(select(RuleVersion.number).where(RuleVersion.campaign_id == created.id)).all()
    assert versions == [1]
    event = _admin_events("create_campaign")[-1]
    assert (event.object_id, event.unit_id, event.details["rule_version"]) == (created.id, admin_unit.id, 1)
    assert event.changes["code"] == [None, "VC-2027"]
    assert event.changes["submission_closes_on"] == [None, "2027-11-15"]
    again = browser.post("/admin/campaigns/new", data | {"name": "Lần nữa"})
    assert again.status == 422
    assert again.errors()["code"] == "Mã đợt thi đua VC-2027 đã được dùng"


def test_a_new_campaign_takes_the_admins_scope_unit_and_default_limits_by_the_api(app, api):
    form = campaign().award_forms[0]
    answer = api("admin").post("/api/v1/campaigns", json=NEW_CAMPAIGN | {"award_form_ids": [form.id]})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["code"], body["appraisal_days"], body["resubmission_days"], body["rule_version"]["number"]) == (
        "VC-2027", 10, 5, 1)
    assert campaign("VC-2027").owner_unit_id == user("admin").unit_id


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "VC-NTM-2021"}, "code", "Mã đợt thi đua VC-NTM-2021 đã được dùng"),
        ({"code": ""}, "code", "Mã đợt thi đua là bắt buộc"),
        ({"owner_unit_id": "HN"}, "owner_unit_id", "không thuộc phạm vi quản trị của bạn"),
        ({"award_form_ids": []}, "award_form_ids", "Đợt thi đua cần ít nhất một hình thức khen thưởng"),
        ({"council_days": 61}, "council_days", "Thời hạn Hội đồng xét phải từ 1 đến 60 ngày làm việc, đã nhập 61"),
        ({"submission_closes_on": "2027-09-30"}, "submission_closes_on",
         "Ngày hết hạn nhận hồ sơ (30/09/2027) trước ngày bắt đầu (01/10/2027)"),
    ],
)
def test_a_new_campaign_is_refused_in_vietnamese_and_nothing_is_created(app, api, changes, field, message):
    form = campaign().award_forms[0]
    body = NEW_CAMPAIGN | {"award_form_ids": [form.id]} | changes
    if body.get("owner_unit_id") == "HN":
        body["owner_unit_id"] = db.session.scalars(select(Unit.id).filter_by(code="HN")).one()
    campaigns = db.session.scalar(select(func.count()).select_from(Campaign))
    answer = api("admin").post("/api/v1/campaigns", json=body)
    assert answer.status_code == 422, answer.get_json()
    assert message in answer.get_json()["error"]["details"]["fields"][field]
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == campaigns
    assert _admin_events("create_campaign") == []


def test_a_commune_admin_launches_only_in_its_commune(app, client):
    _add_admin("qt.vinhhiep", "VC-VHIEP")
    commune = Api(client, "qt.vinhhiep")
    town = db.session.scalars(select(Unit.id).filter_by(code="VC")).one()
    answer = commune.post("/api/v1/campaigns", json=NEW_CAMPAIGN | {"owner_unit_id": town, "award_form_ids": []})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"]["fields"]["owner_unit_id"] == (
        f"Đơn vị phát động số {town} không thuộc phạm vi quản trị của bạn"
    )
    assert _admin_events("create_campaign") == []


def _unit_id(code: str) -> int:
    return db.session.scalars(select(Unit.id).filter_by(code=code)).one()


def test_admin_adds_a_shared_pool_on_the_campaign_page_audited(app):
    """Categories typed one a line; members chosen; the pool admits them, counts as a new rule
    version and is recorded as 'create_pool'."""
    c = campaign()
    browser = Browser(app, "admin")
    assert browser.get(f"/admin/campaigns/{c.id}").find(id="new-pool-form")
    page = browser.post(f"/admin/campaigns/{c.id}/pools", {
        "code": "VC-PHUONG", "name": "Các phường", "unit_id": "",
        "member_ids": [str(_unit_id("VC-P1"))], "limit_collective": "2", "limit_individual": "",
        "categories": "TT-PHUONG | Tập thể phường | tập thể | 2\nCN-PHUONG | Cá nhân | Cá nhân |\n",
    })
    assert page.status == 302, page.errors()
    db.session.expire_all()
    pool = next(p for p in c.pools if p.code == "VC-PHUONG")
    assert ([m.code for m in pool.members], pool.unit_id, pool.limit_collective, pool.limit_individual) == (
        ["VC-P1"], None, 2, None)
    assert [(k.code, k.nominee_kind, k.limit) for k in pool.categories] == [
        ("TT-PHUONG", "collective", 2), ("CN-PHUONG", "individual", None)]
    event = _admin_events("create_pool")[-1]
    assert (event.object_id, event.details["campaign_id"]) == (pool.id, c.id)
    assert event.changes["categories.TT-PHUONG.nominee_kind"] == [None, "collective"]
    assert event.details["rule_version"] == db.session.scalar(
        select(func.max(RuleVersion.number)).where(RuleVersion.campaign_id == c.id))
    latest = db.session.scalars(
        select(RuleVersion).where(RuleVersion.campaign_id == c.id).order_by(RuleVersion.number.desc())
    ).first()
    assert latest.snapshot["pools"][str(pool.id)]["categories"]["TT-PHUONG"] == {"name": "Tập thể phường", "limit": 2}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("TT | Tập thể", 'Dòng 1: cần 4 phần "mã | tên | tập thể hoặc cá nhân | chỉ tiêu", đã có 2'),
        ("\nTT | Tập thể | nhóm | 2", 'Dòng 2: loại đối tượng phải là "tập thể" hoặc "cá nhân", đã nhập "nhóm"'),
        ("TT | Tập thể | tập thể | ٣", 'Dòng 1: chỉ tiêu phải là số nguyên từ 0 đến 10000, đã nhập "٣"'),
        ("TT | Tập thể | tập thể | 10001", 'Dòng 1: chỉ tiêu phải là số nguyên từ 0 đến 10000, đã nhập "10001"'),
        (" | Tập thể | tập thể | 1", "Dòng 1: cần ghi mã và tên nhóm đối tượng"),
    ],
)
def test_bad_category_lines_are_named_by_line_and_nothing_is_added(app, lines, message):
    c = campaign()
    pools = len(c.pools)
    page = Browser(app, "admin").post(f"/admin/campaigns/{c.id}/pools", {
        "code": "VC-PHUONG", "name": "Các phường", "unit_id": str(_unit_id("VC-P1")), "categories": lines,
    })
    assert page.status == 422
    assert message in page.errors()["categories"]
    db.session.expire_all()
    assert len(c.pools) == pools and _admin_events("create_pool") == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "VC-VHIEP"}, "code", "Mã nhóm chỉ tiêu VC-VHIEP đã có trong đợt thi đua này"),
        ({"unit_id": "HN"}, "unit_id", "không thuộc phạm vi quản trị của bạn"),
        ({"member_ids": ["HN"]}, "member_ids", "không thuộc phạm vi quản trị của bạn"),
        ({"unit_id": None}, "member_ids", "Nhóm chỉ tiêu cần một đơn vị có chỉ tiêu riêng hoặc ít nhất một đơn vị thành viên"),
        ({"categories": [{"code": "A", "name": "A", "nominee_kind": "collective"},
                         {"code": "A", "name": "B", "nominee_kind": "individual"}]},
         "categories.2.code", "Nhóm đối tượng 2: mã A bị trùng"),
        ({"limit_collective": 10001}, "limit_collective", "10000"),
    ],
)
def test_a_new_pool_is_refused_in_vietnamese_by_the_api(app, api, changes, field, message):
    c = campaign()
    body = {"code": "VC-P1-RIENG", "name": "Phường 1", "unit_id": _unit_id("VC-P1")} | changes
    if body.get("unit_id") == "HN":
        body["unit_id"] = _unit_id("HN")
    if body.get("member_ids") == ["HN"]:
        body["member_ids"] = [_unit_id("HN")]
    pools = len(c.pools)
    answer = api("admin").post(f"/api/v1/campaigns/{c.id}/pools", json=body)
    assert answer.status_code == 422, answer.get_json()
    assert message in answer.get_json()["error"]["details"]["fields"][field]
    db.session.expire_all()
    assert len(c.pools) == pools and _admin_events("create_pool") == []


def test_a_units_own_pool_by_the_api_admits_it_and_a_commune_admin_adds_none_to_the_towns_campaign(app, api, client):
    c = campaign()
    answer = api("admin").post(f"/api/v1/campaigns/{c.id}/pools", json={
        "code": "VC-P1-RIENG", "name": "Phường 1", "unit_id": _unit_id("VC-P1"), "limit_individual": 1,
        "categories": [{"code": "CN", "name": "Cá nhân", "nominee_kind": "individual", "limit": 1}],
    })
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["limits"] == {"collective": None, "individual": 1}
    assert answer.get_json()["categories"][0]["nominee_kind"] == "individual"
    db.session.expire_all()
    pool = next(p for p in c.pools if p.code == "VC-P1-RIENG")
    assert pool.admits(db.session.get(Unit, _unit_id("VC-P1")))
    _add_admin("qt.vinhhiep", "VC-VHIEP")
    response = Api(client, "qt.vinhhiep").post(f"/api/v1/campaigns/{c.id}/pools", json={
        "code": "X", "name": "X", "unit_id": _unit_id("VC-VHIEP")})
    assert response.status_code == 404


def test_admin_adds_an_award_form_with_its_chain_to_a_campaign_in_the_browser(app):
    """The new form is the campaign's (so the admin keeps it), with its levels, pass share and a
    'create_award_form' event; a taken code is refused on the page and nothing is added."""
    c = campaign()
    town = c.owner_unit
    browser = Browser(app, "admin")
    assert browser.get(f"/admin/campaigns/{c.id}").find(href=f"/admin/campaigns/{c.id}/award-forms/new")
    page = browser.get(f"/admin/campaigns/{c.id}/award-forms/new")
    assert page.status == 200 and page.value("pass_share_percent") == "50"
    data = {
        "code": "GK-VC-2027", "name": "Giấy khen của Chủ tịch UBND thị xã", "pass_share_percent": "60",
        "levels-0-name": "Thị xã", "levels-0-office_unit_id": str(town.id), "levels-0-appraising_unit_id": "",
        "levels-0-council_unit_id": "", "levels-1-name": "", "levels-1-office_unit_id": "",
        "levels-1-appraising_unit_id": "", "levels-1-council_unit_id": "",
    }
    page = browser.post(f"/admin/campaigns/{c.id}/award-forms/new", data)
    assert page.status == 302, page.errors()
    db.session.expire_all()
    created = next(f for f in c.award_forms if f.code == "GK-VC-2027")
    assert (created.pass_share_percent, [(lv.position, lv.office_unit_id) for lv in created.levels]) == (
        60, [(1, town.id)])
    assert created in campaign_rules.managed_award_forms(actor("admin"))
    event = _admin_events("create_award_form")[-1]
    assert (event.object_id, event.details["campaign_id"]) == (created.id, c.id)
    forms = len(c.award_forms)
    again = browser.post(f"/admin/campaigns/{c.id}/award-forms/new", data | {"name": "Khác"})
    assert again.status == 422
    assert again.errors()["code"] == "Mã hình thức khen thưởng GK-VC-2027 đã được dùng"
    db.session.expire_all()
    assert len(c.award_forms) == forms and len(_admin_events("create_award_form")) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"levels": []}, "levels", "Hình thức khen thưởng cần ít nhất một cấp xét"),
        ({"pass_share_percent": 101}, "pass_share_percent", "100"),
        ({"code": ""}, "code", "Mã hình thức khen thưởng là bắt buộc"),
        ({"levels": [{"name": "Tỉnh Hà Nam", "office_unit_id": "HN"}]}, "levels.1.office_unit_id",
         "không thuộc phạm vi quản trị của bạn"),
    ],
)
def test_a_new_award_form_is_refused_in_vietnamese_by_the_api(app, api, changes, field, message):
    c = campaign()
    body = {"code": "GK-VC-2027", "name": "Giấy khen", "pass_share_percent": 50,
            "levels": [{"name": "Thị xã", "office_unit_id": c.owner_unit_id}]} | changes
    for level in body["levels"]:
        if level["office_unit_id"] == "HN":
            level["office_unit_id"] = _unit_id("HN")
    forms = len(c.award_forms)
    answer = api("admin").post(f"/api/v1/campaigns/{c.id}/award-forms", json=body)
    assert answer.status_code == 422, answer.get_json()
    assert message in answer.get_json()["error"]["details"]["fields"][field]
    db.session.expire_all()
    assert len(c.award_forms) == forms and _admin_events("create_award_form") == []
