"""The town-completion pool opens when the town is recognised (DESIGN §4): recording Thị xã
Vĩnh Châu's recognition on the admin unit page opens the pools that follow it, with a new rule
version, in the same audit event; withdrawing it closes them again unless dossiers hold slots.
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_pages_support import Browser

from tdkt.models import AuditEvent, Pool, RoleAssignment, Unit, User, db
from tdkt.workflow import nominations
from tdkt.workflow.auth import hash_password
from tdkt.workflow.errors import WorkflowError

from conftest import DEMO_PASSWORD
from factories import actor, campaign, step

RECOGNITION = {"recognized": "1", "decision_number": "1505/QĐ-TTg", "decision_date": "2022-11-25"}


def _town() -> Unit:
    return db.session.scalars(select(Unit).filter_by(code="VC")).one()


def _town_pool() -> Pool:
    return next(p for p in campaign().pools if p.code == "TX-HT")


def _town_proposer() -> str:
    """The demo has no proposer at the town itself, the one unit the town pool admits."""
    db.session.add(User(
        username="vp.thixa", full_name="Văn phòng thị xã", email="vp@vc.invalid", unit=_town(),
        password_hash=hash_password(DEMO_PASSWORD), assignments=[RoleAssignment(role="proposer", scope_unit=_town())],
    ))
    db.session.commit()
    return "vp.thixa"


def _recognition_events() -> list[AuditEvent]:
    return [e for e in db.session.scalars(select(AuditEvent).filter_by(action="admin").order_by(AuditEvent.id))
            if e.details.get("op") == "set_recognition"]


def _open_in_api(api, username: str) -> bool:
    pools = api(username).get(f"/api/v1/campaigns/{campaign().id}").get_json()["pools"]
    town = next(p for p in pools if p["code"] == "TX-HT")
    assert town["opens_on_recognition"]
    return town["open"]


def test_recognising_the_town_opens_its_pool_and_a_proposer_files_into_it(app, api):
    proposer = _town_proposer()
    pool = _town_pool()
    assert (pool.is_open, pool.opens_on_recognition, _town().recognized) == (False, True, False)
    assert not _open_in_api(api, proposer)
    page = Browser(app, "admin").post(f"/admin/units/{_town().id}", RECOGNITION)
    assert page.status == 302
    db.session.expire_all()
    assert _town_pool().is_open
    assert _open_in_api(api, proposer)
    [event] = _recognition_events()
    assert event.changes["recognized"] == [False, True]
    assert event.details["pools_opened"] == ["TX-HT"]
    assert set(event.details["rule_versions"]) == {"VC-NTM-2021"}
    quota = api(proposer).get(f"/api/v1/campaigns/{campaign().id}/quota?pool_id={pool.id}").get_json()["items"]
    assert {"pool_id": pool.id, "category": "individual_citizen", "used": 0, "limit": 6} in quota
    # The proposer files into it, and the dossier passes submit's checks (the pool is open in
    # the rule version it pins).
    filed = nominations.create(actor(proposer), {
        "campaign_id": campaign().id, "pool_id": pool.id, "nominee_kind": "individual",
        "category": "individual_citizen", "nominee_name": "Trần Thị Bé", "birth_year": 1970,
        "achievement_summary": "Hiến 300 m² đất làm đường.", "contribution_vnd": 60_000_000,
    })
    submitted = step(filed, proposer, "submit")
    assert submitted.state == "submitted"
    quota = api(proposer).get(f"/api/v1/campaigns/{campaign().id}/quota?pool_id={pool.id}").get_json()["items"]
    assert {"pool_id": pool.id, "category": "individual_citizen", "used": 1, "limit": 6} in quota


def test_before_recognition_the_town_pool_refuses_a_submit(app):
    proposer = _town_proposer()
    filed = nominations.create(actor(proposer), {
        "campaign_id": campaign().id, "pool_id": _town_pool().id, "nominee_kind": "individual",
        "category": "individual_citizen", "nominee_name": "Trần Thị Bé", "birth_year": 1970,
        "achievement_summary": "Hiến 300 m² đất làm đường.", "contribution_vnd": 60_000_000,
    })
    with pytest.raises(WorkflowError) as refused:
        step(filed, proposer, "submit")
    assert (refused.value.status, refused.value.code) == (422, "unit_not_recognized")
    assert refused.value.message == (
        "Chỉ tiêu 'Thị xã hoàn thành nhiệm vụ xây dựng nông thôn mới' chỉ mở khi đơn vị được công nhận; hiện chưa mở."
    )


def test_withdrawing_the_recognition_closes_the_pool_unless_slots_are_held(app):
    proposer = _town_proposer()
    browser = Browser(app, "admin")
    url = f"/admin/units/{_town().id}"
    assert browser.post(url, RECOGNITION).status == 302
    assert browser.post(url, {"recognized": "0", "decision_number": "", "decision_date": ""}).status == 302
    db.session.expire_all()
    assert not _town_pool().is_open
    assert _recognition_events()[-1].details["pools_closed"] == ["TX-HT"]
    assert browser.post(url, RECOGNITION).status == 302
    filed = nominations.create(actor(proposer), {
        "campaign_id": campaign().id, "pool_id": _town_pool().id, "nominee_kind": "individual",
        "category": "individual_citizen", "nominee_name": "Trần Thị Bé", "birth_year": 1970,
        "achievement_summary": "Hiến 300 m² đất làm đường.", "contribution_vnd": 60_000_000,
    })
    step(filed, proposer, "submit")
    db.session.commit()
    assert browser.post(url, {"recognized": "0", "decision_number": "", "decision_date": ""}).status == 302
    db.session.expire_all()
    assert _town_pool().is_open
    event = _recognition_events()[-1]
    assert event.details["pools_kept_open"] == [{"pool": "TX-HT", "campaign": "VC-NTM-2021", "held_slots": 1}]
    assert "pools_closed" not in event.details and "rule_versions" not in event.details


def test_a_pool_that_does_not_follow_recognition_stays_as_it_is(app):
    """A commune's own pool is opened and closed by hand; recognising the commune leaves it."""
    commune = db.session.scalars(select(Unit).filter_by(code="VC-VHIEP")).one()
    own = next(p for p in campaign().pools if p.unit_id == commune.id)
    own.is_open = False
    db.session.commit()
    browser = Browser(app, "admin")
    assert browser.post(f"/admin/units/{commune.id}", {"recognized": "0"}).status == 302
    assert browser.post(f"/admin/units/{commune.id}", RECOGNITION).status == 302
    db.session.expire_all()
    assert not next(p for p in campaign().pools if p.unit_id == commune.id).is_open
    assert "pools_opened" not in _recognition_events()[-1].details
