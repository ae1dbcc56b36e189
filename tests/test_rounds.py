"""Campaign rounds: the Hà Nam plan's preliminary review (Sơ kết 2023) and final review (Tổng kết
2025). A nomination joins one round at creation; its first submit is held to the round's window;
a nominee is a duplicate only within a round, and pool limits count per round. A campaign
without rounds (the Vĩnh Châu demo) behaves as before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from test_pages_support import Browser, redirect_id

from tdkt import demo
from tdkt.models import CampaignRound, Nomination, Pool, RoleAssignment, Unit, User, db
from tdkt.workflow import nominations
from tdkt.workflow.auth import hash_password
from tdkt.workflow.clock import local_today
from tdkt.workflow.errors import WorkflowError

from conftest import DEMO_PASSWORD
from factories import actor, campaign, draft, step, unlimited_pool

HA_NAM = "HN-NTM-2021-2025"
TODAY = local_today


@pytest.fixture
def hanam(app):
    """The Hà Nam campaign as seeded (closed, two past rounds), a commune proposer and a pool
    of one individual per round for the commune."""
    commune = db.session.scalars(select(Unit).filter_by(code="HN-LN-NT")).one()
    db.session.add(User(
        username="hn.xa", full_name="Cán bộ xã Nhân Thịnh", email="hn.xa@hn.invalid", unit=commune,
        password_hash=hash_password(DEMO_PASSWORD),
        assignments=[RoleAssignment(role="proposer", scope_unit=commune)],
    ))
    found = campaign(HA_NAM)
    found.pools.append(Pool(code="HN-LN-NT", name="Chỉ tiêu của Xã Nhân Thịnh", unit=commune, limit_individual=1))
    db.session.commit()
    return found


def _rounds(found) -> tuple[CampaignRound, CampaignRound]:
    first, final = found.rounds
    return first, final


def _window(found_round: CampaignRound, opens: date, closes: date) -> None:
    found_round.submission_opens_on, found_round.submission_closes_on = opens, closes
    db.session.commit()


def _hanam_draft(found, round_id: int | None = None, **fields) -> Nomination:
    body = {
        "campaign_id": found.id,
        "award_form_id": next(f.id for f in found.award_forms if f.code == "GK-HN-LN"),
        "nominee_kind": "individual",
        "category": "individual",
        "nominee_name": "Trần Văn Hùng",
        "birth_year": 1970,
        "id_number": "035070001234",
        "achievement_summary": "Hiến 300 m² đất làm đường trục xã.",
    } | fields
    if round_id is not None:
        body["round_id"] = round_id
    created = nominations.create(actor("hn.xa"), body)
    db.session.commit()
    return created


def _submitted(nomination: Nomination, proposer: str = "hn.xa") -> Nomination:
    done = step(nomination, proposer, "submit")
    db.session.commit()
    return done


def _refusal(nomination: Nomination, proposer: str = "hn.xa") -> WorkflowError:
    """The submit's refusal; what the refused call did is rolled back, as a request's would be."""
    with pytest.raises(WorkflowError) as refused:
        step(nomination, proposer, "submit")
    db.session.rollback()
    return refused.value


def test_the_hanam_fixture_has_its_two_rounds_and_stays_closed(app):
    found = campaign(HA_NAM)
    assert [(r.code, r.name, r.submission_opens_on.year, r.submission_closes_on.year) for r in found.rounds] == [
        ("SO-KET-2023", "Sơ kết 2023", 2023, 2023),
        ("TONG-KET-2025", "Tổng kết 2025", 2025, 2025),
    ]
    assert (found.submission_opens_on, found.submission_closes_on) == (
        found.rounds[0].submission_opens_on,
        found.rounds[-1].submission_closes_on,
    )
    assert not found.is_open_on(local_today())
    # between the rounds the campaign takes nothing, though its overall window spans the day
    assert not found.is_open_on(date(2024, 6, 1))
    assert found.is_open_on(found.rounds[0].submission_opens_on)


@pytest.mark.parametrize(
    "opens, closes, accepted",
    [
        (0, 30, True),  # opens today
        (-30, 0, True),  # closes today
        (-30, -1, False),  # closed yesterday
        (1, 30, False),  # opens tomorrow
    ],
)
def test_the_first_submit_is_held_to_the_rounds_window(hanam, opens, closes, accepted):
    first, _ = _rounds(hanam)
    # the campaign's own window is wide open: only the round's counts
    hanam.submission_opens_on, hanam.submission_closes_on = date(2020, 1, 1), date(2030, 12, 31)
    db.session.commit()
    start, end = TODAY() + timedelta(days=opens), TODAY() + timedelta(days=closes)
    _window(first, start, end)
    n = _hanam_draft(hanam, first.id)
    assert n.round == first
    if accepted:
        assert _submitted(n).state == "submitted"
        return
    error = _refusal(n)
    assert (error.status, error.code) == (422, "submission_closed")
    assert error.message == (
        f"Đợt Sơ kết 2023 nhận hồ sơ từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}; "
        f"hôm nay {TODAY():%d/%m/%Y} ngoài thời hạn."
    )
    assert error.details["round"] == "SO-KET-2023"
    assert db.session.get(Nomination, n.id).state == "draft"


def test_a_nomination_joins_the_round_open_today_else_the_latest(hanam):
    first, final = _rounds(hanam)
    assert _hanam_draft(hanam).round == final  # both past: the latest
    _window(first, TODAY() - timedelta(days=1), TODAY() + timedelta(days=1))
    assert _hanam_draft(hanam, nominee_name="Lê Thị Lan", id_number="035170004321").round == first
    assert _hanam_draft(hanam, final.id, nominee_name="Phạm Văn Nam", id_number="035068009876").round == final


def test_a_round_of_another_campaign_is_refused_on_its_field(hanam, api):
    first, _ = _rounds(hanam)
    vinh_chau = campaign()
    other = CampaignRound(code="KHAC", name="Đợt khác", submission_opens_on=TODAY(),
                          submission_closes_on=TODAY(), position=1)
    vinh_chau.rounds.append(other)
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Nomination))
    for round_id in (other.id, 987654):
        with pytest.raises(WorkflowError) as refused:
            _hanam_draft(hanam, round_id)
        assert refused.value.status == 422
        assert refused.value.details["fields"] == {"round_id": "Đợt sơ kết, tổng kết không thuộc đợt thi đua này"}
    db.session.rollback()
    # and through the API: a Vĩnh Châu proposer naming a Hà Nam round
    response = api("xa.vinhhiep").post("/api/v1/nominations", json={
        "campaign_id": campaign().id, "round_id": first.id, "nominee_kind": "individual",
        "category": "individual_citizen", "nominee_name": "Nguyễn Văn Ánh",
    })
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"] == {
        "round_id": "Đợt sơ kết, tổng kết không thuộc đợt thi đua này"
    }
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == before


def _both_rounds_open(found) -> tuple[CampaignRound, CampaignRound]:
    first, final = _rounds(found)
    for r in (first, final):
        _window(r, TODAY() - timedelta(days=5), TODAY() + timedelta(days=5))
    return first, final


def test_a_duplicate_is_refused_in_its_round_and_accepted_in_the_other(hanam):
    first, final = _both_rounds_open(hanam)
    # the pool's single individual slot per round would refuse the second one first
    hanam.pools[-1].limit_individual = None
    db.session.commit()
    _submitted(_hanam_draft(hanam, first.id))
    again = _hanam_draft(hanam, first.id, nominee_name="Trần Văn Hùng (trùng)")
    error = _refusal(again)
    assert (error.code, error.details["match"]) == ("duplicate_nominee", "id_number_or_tax_code")
    assert error.message == "Đối tượng này (trùng số CCCD hoặc mã số thuế) đã được đề nghị trong đợt Sơ kết 2023."
    by_name = _hanam_draft(hanam, first.id, id_number=None)
    assert _refusal(by_name).details["match"] == "name_and_birth_year"
    # the final review may propose the same person again
    in_final = _hanam_draft(hanam, final.id)
    assert _submitted(in_final).state == "submitted"


def test_pool_limits_count_per_round(hanam):
    first, final = _both_rounds_open(hanam)
    _submitted(_hanam_draft(hanam, first.id))
    second = _hanam_draft(hanam, first.id, nominee_name="Lê Thị Lan", birth_year=1975, id_number="035175001111")
    error = _refusal(second)
    assert (error.code, error.details["used"], error.details["limit"]) == ("quota_exceeded", 1, 1)
    assert error.message == "Xã Nhân Thịnh đã dùng 1/1 suất cá nhân của đợt Sơ kết 2023."
    # the slot held in the preliminary review leaves the final review's whole
    in_final = _hanam_draft(hanam, final.id, nominee_name="Lê Thị Lan", birth_year=1975, id_number="035175001111")
    assert _submitted(in_final).state == "submitted"


def test_the_vinh_chau_campaign_is_unaffected(app, api):
    demo_campaign = campaign()
    assert demo_campaign.rounds == [] and demo_campaign.is_open_on(TODAY())
    body = api("vpdp").get(f"/api/v1/campaigns/{demo_campaign.id}").get_json()
    assert body["rounds"] == [] and body["open"] is True
    assert (body["submission_opens_on"], body["submission_closes_on"]) == (
        (TODAY() - timedelta(days=30)).isoformat(),
        (TODAY() + timedelta(days=180)).isoformat(),
    )
    pool = unlimited_pool("xa.vinhhiep")
    fields = {"pool_id": pool.id, "category": "individual_cadre", "id_number": "094068001234"}
    first = _submitted(draft(**fields), "xa.vinhhiep")
    assert first.round_id is None
    created = api("xa.vinhhiep").get(f"/api/v1/nominations/{first.id}").get_json()
    assert (created["round_id"], created["round"]) == (None, None)
    second = draft(**fields)
    db.session.commit()
    refused = _refusal(second, "xa.vinhhiep")
    assert refused.message == "Đối tượng này (trùng số CCCD hoặc mã số thuế) đã được đề nghị trong đợt thi đua."
    # its window is the campaign's, as before
    campaign().submission_closes_on = TODAY() - timedelta(days=1)
    db.session.commit()
    refused = _refusal(db.session.get(Nomination, second.id), "xa.vinhhiep")
    assert refused.code == "submission_closed"
    assert refused.message.startswith("Đợt thi đua nhận hồ sơ từ ")
    assert "round" not in refused.details


def test_the_api_names_the_round(hanam, api):
    first, _ = _rounds(hanam)
    client = api("hn.xa")
    response = client.post("/api/v1/nominations", json={
        "campaign_id": hanam.id, "round_id": first.id, "nominee_kind": "individual",
        "category": "individual", "nominee_name": "Trần Văn Hùng",
    })
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["round_id"] == first.id
    assert created["round"] == {"id": first.id, "code": "SO-KET-2023", "name": "Sơ kết 2023"}
    # chosen once: a PATCH may not move it
    moved = client.patch(f"/api/v1/nominations/{created['id']}", json={"version": 1, "round_id": None})
    assert moved.status_code in (400, 422)
    body = client.get(f"/api/v1/campaigns/{hanam.id}").get_json()
    assert body["open"] is False
    assert [(r["code"], r["name"], r["open"]) for r in body["rounds"]] == [
        ("SO-KET-2023", "Sơ kết 2023", False),
        ("TONG-KET-2025", "Tổng kết 2025", False),
    ]
    assert body["rounds"][0]["submission_opens_on"] == first.submission_opens_on.isoformat()


def test_the_nomination_form_offers_the_rounds(hanam, app):
    first, final = _rounds(hanam)
    browser = Browser(app, "hn.xa")
    page = browser.get("/nominations/new")
    assert page.status == 200
    options = page.options("round_id")
    assert options[str(first.id)] == f"Sơ kết 2023 (nhận hồ sơ {first.submission_opens_on:%d/%m/%Y} – {first.submission_closes_on:%d/%m/%Y})"
    assert str(final.id) in options
    assert page.value("round_id") == str(final.id)  # neither open: the latest
    created = redirect_id(browser.post("/nominations/new", {
        "campaign_id": str(hanam.id), "round_id": str(first.id), "pool_id": str(hanam.pools[-1].id),
        "award_form_id": str(hanam.award_forms[0].id), "nominee_kind": "individual", "nominee_type": "person",
        "category": "individual", "nominee_name": "Trần Văn Hùng", "birth_year": "1970", "gender": "",
    }))
    assert db.session.get(Nomination, created).round_id == first.id
    shown = browser.get(f"/nominations/{created}")
    assert shown.text("n-round").startswith("Sơ kết 2023 (nhận hồ sơ ")
    edit = browser.get(f"/nominations/{created}/edit")
    assert edit.text("n-round") == "Sơ kết 2023" and not edit.find(name="round_id")
    # a campaign without rounds asks nothing
    assert not Browser(app, "xa.vinhhiep").get("/nominations/new").find(name="round_id")


def test_seed_demo_is_idempotent_and_adds_the_rounds_once(app):
    found = campaign(HA_NAM)
    ids = [r.id for r in found.rounds]
    demo.seed(DEMO_PASSWORD)
    demo.seed(DEMO_PASSWORD)
    db.session.expire_all()
    assert [r.id for r in campaign(HA_NAM).rounds] == ids
    # a database seeded before rounds existed gets them on the next seed, its window spanning them
    for r in list(found.rounds):
        db.session.delete(r)
    found.submission_opens_on, found.submission_closes_on = date(2025, 6, 1), date(2025, 10, 31)
    db.session.flush()
    db.session.expire_all()
    demo.seed(DEMO_PASSWORD)
    found = campaign(HA_NAM)
    assert [r.code for r in found.rounds] == ["SO-KET-2023", "TONG-KET-2025"]
    assert (found.submission_opens_on, found.submission_closes_on) == (date(2023, 3, 1), date(2025, 10, 31))
    assert campaign().rounds == []
