"""Admins edit a campaign's review rounds, through the API and the pages: code, name, window and
position; windows of one campaign never overlap; a round with nominations is not deleted; every
change is audited and makes a rule version. Proposers and the public campaign page see each
round's window and whether it takes dossiers now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from test_pages_flow import nomination_form
from test_pages_support import Browser

from tdkt.models import (
    AuditEvent,
    CampaignRound,
    Nomination,
    Pool,
    RoleAssignment,
    RuleVersion,
    Unit,
    User,
    db,
)
from tdkt.workflow import campaign_rules, nominations
from tdkt.workflow.auth import hash_password
from tdkt.workflow.clock import local_today

from conftest import DEMO_PASSWORD, Api
from factories import actor, campaign, draft

HA_NAM = "HN-NTM-2021-2025"
ROUNDS = "/api/v1/campaigns/{}/rounds"


def _add_user(username: str, scope_code: str, role: str) -> User:
    scope = db.session.scalars(select(Unit).filter_by(code=scope_code)).one()
    person = User(
        username=username, full_name=f"Cán bộ {scope.name}", email=f"{username}@hn.invalid", unit=scope,
        password_hash=hash_password(DEMO_PASSWORD), assignments=[RoleAssignment(role=role, scope_unit=scope)],
    )
    db.session.add(person)
    db.session.commit()
    return person


@pytest.fixture
def hanam(app):
    """The Hà Nam campaign as seeded (rounds Sơ kết 2023 and Tổng kết 2025) and an admin of Hà Nam."""
    _add_user("qt.hanam", "HN", "admin")
    return campaign(HA_NAM)


def _state(found) -> tuple:
    """Everything a refused call could have changed."""
    db.session.expire_all()
    return (
        [campaign_rules.round_facts(r) for r in found.rounds],
        db.session.scalar(select(func.count()).select_from(RuleVersion).filter_by(campaign_id=found.id)),
        db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="admin")),
    )


def _round_in(found, round_code: str) -> CampaignRound:
    return next(r for r in found.rounds if r.code == round_code)


def _nomination_in(found, round_code: str) -> Nomination:
    """A draft of Xã Nhân Thịnh's in the round."""
    if db.session.scalars(select(User).filter_by(username="hn.xa")).first() is None:
        _add_user("hn.xa", "HN-LN-NT", "proposer")
    created = nominations.create(actor("hn.xa"), {
        "campaign_id": found.id,
        "round_id": _round_in(found, round_code).id,
        "award_form_id": next(f.id for f in found.award_forms if f.code == "GK-HN-LN"),
        "nominee_kind": "individual",
        "category": "individual",
        "nominee_name": "Trần Văn Hùng",
        "birth_year": 1970,
        "achievement_summary": "Hiến 300 m² đất làm đường trục xã.",
    })
    db.session.commit()
    return created


NEW_ROUND = {"code": "BO-SUNG-2026", "name": "Bổ sung 2026", "submission_opens_on": "2026-03-01",
             "submission_closes_on": "2026-04-30"}


def test_an_admin_lists_adds_and_edits_rounds_audited_and_versioned(hanam, client):
    admin = Api(client, "qt.hanam")
    listed = admin.get(ROUNDS.format(hanam.id)).get_json()["items"]
    assert [(r["code"], r["position"], r["submission_opens_on"]) for r in listed] == [
        ("SO-KET-2023", 1, "2023-03-01"), ("TONG-KET-2025", 2, "2025-06-01"),
    ]
    added = admin.post(ROUNDS.format(hanam.id), json=NEW_ROUND)
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert (body["code"], body["position"], body["open"]) == ("BO-SUNG-2026", 3, False)
    event = db.session.scalars(select(AuditEvent).filter_by(action="admin", object_type="campaign_round")).one()
    assert event.details["op"] == "create_round"
    assert event.changes["submission_closes_on"] == [None, "2026-04-30"]
    version = db.session.scalars(select(RuleVersion).filter_by(campaign_id=hanam.id)).one()
    assert [r["code"] for r in version.snapshot["rounds"]] == ["SO-KET-2023", "TONG-KET-2025", "BO-SUNG-2026"]
    assert event.details["rule_version"] == version.number

    changed = admin.patch(f"{ROUNDS.format(hanam.id)}/{body['id']}",
                          json={"name": "Bổ sung năm 2026", "submission_closes_on": "2026-05-15"})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["name"], changed.get_json()["submission_closes_on"]) == (
        "Bổ sung năm 2026", "2026-05-15")
    event = db.session.scalars(
        select(AuditEvent).filter_by(action="admin", object_type="campaign_round").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["op"] == "update_round"
    assert event.changes == {"name": ["Bổ sung 2026", "Bổ sung năm 2026"],
                             "submission_closes_on": ["2026-04-30", "2026-05-15"]}
    rules = admin.get(f"/api/v1/campaigns/{hanam.id}/rules").get_json()
    assert [r["code"] for r in rules["rounds"]] == ["SO-KET-2023", "TONG-KET-2025", "BO-SUNG-2026"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"submission_opens_on": "2025-10-31", "submission_closes_on": "2025-12-31"}, "submission_opens_on",
         "Thời gian nhận hồ sơ 31/10/2025 – 31/12/2025 trùng với đợt 'Tổng kết 2025' (01/06/2025 – 31/10/2025)"),
        ({"submission_opens_on": "2026-05-01", "submission_closes_on": "2026-04-30"}, "submission_closes_on",
         "Ngày hết hạn nhận hồ sơ (30/04/2026) trước ngày bắt đầu (01/05/2026)"),
        ({"code": "SO-KET-2023"}, "code", "Mã đợt SO-KET-2023 đã được dùng trong đợt thi đua này"),
        ({"name": ""}, "name", "Tên đợt sơ kết, tổng kết là bắt buộc"),
        ({"position": 1001}, "position", "Thứ tự"),
        ({"submission_opens_on": "2026-02-30"}, "submission_opens_on", "Ngày bắt đầu nhận hồ sơ"),
    ],
)
def test_a_bad_new_round_is_refused_naming_the_rule_and_nothing_changes(hanam, client, body, field, message):
    before = _state(hanam)
    response = Api(client, "qt.hanam").post(ROUNDS.format(hanam.id), json=NEW_ROUND | body)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["error"]["details"]["fields"][field]
    assert _state(hanam) == before


def test_a_window_moved_onto_another_round_is_refused(hanam, client):
    first = _round_in(hanam, "SO-KET-2023")
    before = _state(hanam)
    response = Api(client, "qt.hanam").patch(f"{ROUNDS.format(hanam.id)}/{first.id}",
                                              json={"submission_closes_on": "2025-06-01"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"]["submission_opens_on"] == (
        "Thời gian nhận hồ sơ 01/03/2023 – 01/06/2025 trùng với đợt 'Tổng kết 2025' (01/06/2025 – 31/10/2025)"
    )
    assert _state(hanam) == before


def test_a_new_window_applies_to_first_submits_only(hanam, client):
    """A draft in the final review keeps its round when the window moves; opening the window
    around today lets it be submitted."""
    n = _nomination_in(hanam, "TONG-KET-2025")
    final = _round_in(hanam, "TONG-KET-2025")
    opens, closes = local_today() - timedelta(days=1), local_today() + timedelta(days=10)
    response = Api(client, "qt.hanam").patch(f"{ROUNDS.format(hanam.id)}/{final.id}", json={
        "submission_opens_on": opens.isoformat(), "submission_closes_on": closes.isoformat()})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["open"] is True
    db.session.expire_all()
    assert db.session.get(Nomination, n.id).round_id == final.id


def test_a_round_with_nominations_is_not_deleted_and_an_empty_one_is(hanam, client):
    admin = Api(client, "qt.hanam")
    _nomination_in(hanam, "SO-KET-2023")
    first, final = _round_in(hanam, "SO-KET-2023"), _round_in(hanam, "TONG-KET-2025")
    before = _state(hanam)
    refused = admin.delete(f"{ROUNDS.format(hanam.id)}/{first.id}")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "Không thể xóa đợt 'Sơ kết 2023': đã có 1 hồ sơ đề nghị thuộc đợt này."
    )
    assert _state(hanam) == before
    assert admin.delete(f"{ROUNDS.format(hanam.id)}/{final.id}").status_code == 204
    db.session.expire_all()
    assert [r.code for r in campaign(HA_NAM).rounds] == ["SO-KET-2023"]
    event = db.session.scalars(select(AuditEvent).filter_by(action="admin", object_type="campaign_round")).one()
    assert (event.object_id, event.details["op"], event.changes["code"]) == (
        final.id, "delete_round", ["TONG-KET-2025", None])


def test_a_campaign_with_nominations_filed_without_rounds_is_not_split(app, api):
    """Vĩnh Châu's nominations belong to no round: a first round would count them apart."""
    draft()
    db.session.commit()
    c = campaign()
    response = api("admin").post(ROUNDS.format(c.id), json=NEW_ROUND)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "Không thể chia đợt thi đua thành các đợt sơ kết, tổng kết: đã có 1 hồ sơ đề nghị không thuộc đợt nào."
    )
    db.session.expire_all()
    assert campaign().rounds == []


def test_rounds_are_edited_only_by_the_campaigns_admins(hanam, api):
    """The demo admin (Sóc Trăng) does not manage Hà Nam's campaign (404); a proposer is no admin (403)."""
    first = _round_in(hanam, "SO-KET-2023")
    before = _state(hanam)
    for username, status in (("admin", 404), ("xa.vinhhiep", 403)):
        client = api(username)
        assert client.get(ROUNDS.format(hanam.id)).status_code == status
        assert client.post(ROUNDS.format(hanam.id), json=NEW_ROUND).status_code == status
        assert client.patch(f"{ROUNDS.format(hanam.id)}/{first.id}", json={"name": "X"}).status_code == status
        assert client.delete(f"{ROUNDS.format(hanam.id)}/{first.id}").status_code == status
    other = campaign()
    assert api("admin").patch(f"{ROUNDS.format(other.id)}/{first.id}", json={"name": "X"}).status_code == 404
    assert _state(hanam) == before


# --- pages ----------------------------------------------------------------------------------------


def _form(**values) -> dict:
    return {"code": "BO-SUNG-2026", "name": "Bổ sung 2026", "submission_opens_on": "2026-03-01",
            "submission_closes_on": "2026-04-30", "position": ""} | values


def test_the_admin_pages_list_add_edit_and_delete_rounds(hanam, app):
    browser = Browser(app, "qt.hanam")
    admin_page = browser.get(f"/admin/campaigns/{hanam.id}")
    assert admin_page.find(id="edit-rounds", href=f"/admin/campaigns/{hanam.id}/rounds")
    assert [e["attrs"]["data-round-status"] for e in admin_page.find() if "data-round-id" in e["attrs"]] == [
        "closed", "closed"]
    listed = browser.get(f"/admin/campaigns/{hanam.id}/rounds")
    assert listed.status == 200
    assert "Sơ kết 2023" in listed.text("rounds") and "01/03/2023 – 30/04/2023" in listed.text("rounds")

    added = browser.post(f"/admin/campaigns/{hanam.id}/rounds", _form())
    assert added.status == 302, added.errors()
    new = _round_in(campaign(HA_NAM), "BO-SUNG-2026")
    assert (new.position, new.submission_closes_on.isoformat()) == (3, "2026-04-30")

    edited = browser.post(f"/admin/campaigns/{hanam.id}/rounds/{new.id}",
                          _form(name="Bổ sung năm 2026", position="5"))
    assert edited.status == 302, edited.errors()
    db.session.expire_all()
    assert (new.name, new.position) == ("Bổ sung năm 2026", 5)

    shown = browser.get(f"/admin/campaigns/{hanam.id}/rounds/{new.id}")
    assert shown.value("name") == "Bổ sung năm 2026" and shown.find(id="round-delete")
    assert browser.post(f"/admin/campaigns/{hanam.id}/rounds/{new.id}/delete", {}).status == 302
    db.session.expire_all()
    assert [r.code for r in campaign(HA_NAM).rounds] == ["SO-KET-2023", "TONG-KET-2025"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"submission_opens_on": "2025-10-01", "submission_closes_on": "2025-12-31"}, "submission_opens_on",
         "Thời gian nhận hồ sơ 01/10/2025 – 31/12/2025 trùng với đợt 'Tổng kết 2025' (01/06/2025 – 31/10/2025)"),
        ({"submission_closes_on": "2026-02-01"}, "submission_closes_on",
         "Ngày hết hạn nhận hồ sơ (01/02/2026) trước ngày bắt đầu (01/03/2026)"),
        ({"code": ""}, "code", "Mã đợt là bắt buộc"),
        ({"submission_opens_on": ""}, "submission_opens_on", "Ngày bắt đầu nhận hồ sơ là bắt buộc"),
        ({"position": "٣"}, "position", "Phải là số nguyên."),
        ({"position": "1001"}, "position", "Thứ tự không được quá 1000"),
    ],
)
def test_a_bad_round_on_the_page_is_refused_on_its_field(hanam, app, values, field, message):
    before = _state(hanam)
    page = Browser(app, "qt.hanam").post(f"/admin/campaigns/{hanam.id}/rounds", _form(**values))
    assert page.status == 422
    assert page.errors()[field] == message
    assert page.value("name") == "Bổ sung 2026"  # what was typed stays
    assert _state(hanam) == before


def test_deleting_a_round_with_nominations_on_the_page_names_the_count(hanam, app):
    _nomination_in(hanam, "SO-KET-2023")
    first = _round_in(hanam, "SO-KET-2023")
    browser = Browser(app, "qt.hanam")
    shown = browser.get(f"/admin/campaigns/{hanam.id}/rounds/{first.id}")
    assert "1 hồ sơ đề nghị thuộc đợt này" in shown.text("round-note") and not shown.find(id="round-delete")
    before = _state(hanam)
    page = browser.post(f"/admin/campaigns/{hanam.id}/rounds/{first.id}/delete", {})
    assert page.status == 409
    assert page.message() == "Không thể xóa đợt 'Sơ kết 2023': đã có 1 hồ sơ đề nghị thuộc đợt này."
    assert _state(hanam) == before


def test_the_campaign_page_and_my_work_show_each_rounds_window_and_status(hanam, app):
    """Sơ kết 2023 over, Tổng kết 2025 taking dossiers today, a later round not yet open."""
    final = _round_in(hanam, "TONG-KET-2025")
    final.submission_opens_on = local_today() - timedelta(days=3)
    final.submission_closes_on = local_today() + timedelta(days=3)
    later = CampaignRound(code="BO-SUNG", name="Bổ sung", position=3,
                          submission_opens_on=local_today() + timedelta(days=10),
                          submission_closes_on=local_today() + timedelta(days=40))
    hanam.rounds.append(later)
    db.session.commit()
    _add_user("hn.xa", "HN-LN-NT", "proposer")
    browser = Browser(app, "hn.xa")
    expected = {"Sơ kết 2023": "Đã kết thúc", "Tổng kết 2025": "Đang nhận hồ sơ", "Bổ sung": "Chưa mở"}
    shown = browser.get(f"/campaigns/{hanam.id}")
    rows = [e for e in shown.find() if e["tag"] == "tr" and "data-round-id" in e["attrs"]]
    assert [e["attrs"]["data-round-status"] for e in rows] == ["closed", "open", "upcoming"]
    table = shown.text("rounds")
    for name, status in expected.items():
        assert f"{name} " in table and status in table
    assert f"{later.submission_opens_on:%d/%m/%Y} – {later.submission_closes_on:%d/%m/%Y}" in table
    home = browser.get("/")
    items = [e for e in home.find() if e["tag"] == "li" and "data-round-id" in e["attrs"]]
    assert [e["attrs"]["data-round-status"] for e in items] == ["closed", "open", "upcoming"]
    text = " ".join("".join(e["text"]) for e in items)
    assert all(f"{name}: nhận hồ sơ" in text and status in text for name, status in expected.items())
    # A campaign without rounds keeps its one window and no rounds table.
    vinh_chau = Browser(app, "xa.vinhhiep")
    assert not vinh_chau.get(f"/campaigns/{campaign().id}").find(id="campaign-rounds")


# --- review leftovers: what a lower-level admin is offered ---------------------------------------


def test_only_a_top_level_admin_is_offered_the_calendar_and_the_legal_basis(app):
    _add_user("qt.vinhchau", "VC", "admin")
    for username, offered in (("admin", True), ("qt.vinhchau", False)):
        page = Browser(app, username).get("/admin/campaigns")
        for link in ("admin-nav-calendar", "admin-nav-legal-bases"):
            assert bool(page.find(id=link)) is offered, (username, link)
        assert page.find(id="admin-nav-campaigns")


def _pool_forms(page) -> set[str]:
    return {e["attrs"]["data-pool-id"] for e in page.find() if e["tag"] == "form" and "data-pool-id" in e["attrs"]}


def test_a_pool_outside_the_admins_scope_is_shown_but_not_offered(app):
    """A town admin: its communes' pools have their forms; a pool of Xã Nhân Thịnh (Hà Nam)
    added to the town's campaign is read-only (posting to it is a 404)."""
    _add_user("qt.vinhchau", "VC", "admin")
    c = campaign()
    elsewhere = db.session.scalars(select(Unit).filter_by(code="HN-LN-NT")).one()
    c.pools.append(Pool(code="HN-LN-NT-X", name="Chỉ tiêu Xã Nhân Thịnh", unit=elsewhere, limit_individual=2))
    db.session.commit()
    outside = next(p for p in c.pools if p.code == "HN-LN-NT-X")
    own = next(p for p in c.pools if p.code == "VC-VHIEP")
    page = Browser(app, "qt.vinhchau").get(f"/admin/campaigns/{c.id}")
    forms = _pool_forms(page)
    assert str(own.id) in forms and str(outside.id) not in forms
    (shown,) = page.find(id=f"pool-{outside.id}")
    assert shown["attrs"]["data-readonly"] == "true"
    assert "Chỉ tiêu cá nhân: 2" in page.text(f"pool-{outside.id}")


@pytest.mark.parametrize("typed", ["٣", "١٩٧٠", "²", "19700"])
def test_a_birth_year_is_typed_in_ascii_digits(app, typed):
    before = db.session.scalar(select(func.count()).select_from(Nomination))
    page = Browser(app, "xa.vinhhiep").post("/nominations/new", nomination_form(birth_year=typed))
    assert page.status == 422
    assert page.errors()["birth_year"] == (
        f"Năm sinh phải viết bằng chữ số 0-9, tối đa 4 chữ số; đã nhập '{typed}'"
    )
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == before
