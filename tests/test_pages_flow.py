"""The main path through the pages, as people click it: proposer → appraiser → council → signer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from test_pages_support import Browser, redirect_id

from tdkt.models import CouncilMeeting, Decision, Nomination, Pool, db
from tdkt.workflow.clock import local_today

from factories import campaign


def _pool(code: str) -> Pool:
    return db.session.scalars(select(Pool).filter_by(code=code, campaign_id=campaign().id)).one()


def nomination_form(**overrides) -> dict:
    return {
        "campaign_id": str(campaign().id),
        "pool_id": str(_pool("VC-VHIEP").id),
        "nominee_kind": "individual",
        "nominee_type": "person",
        "category": "individual_citizen",
        "nominee_name": "Nguyễn Văn Ánh",
        "gender": "male",
        "birth_year": "1968",
        "position": "Nông dân",
        "address": "Ấp Tân Nam, xã Vĩnh Hiệp",
        "id_number": "094068001234",
        "tax_code": "",
        "achievement_summary": "Hiến 600 m² đất mở rộng đường liên ấp.",
        "contribution_vnd": "60.000.000",
    } | overrides


def test_login_lands_on_my_work(app):
    proposer = Browser(app, "xa.vinhhiep")
    page = proposer.get("/")
    assert page.status == 200
    assert "Việc của tôi" in page.html
    assert page.find(id="current-user", **{"data-username": "xa.vinhhiep"})


def test_proposer_form_offers_only_the_units_pools_and_categories(app):
    page = Browser(app, "xa.vinhhiep").get("/nominations/new")
    assert page.status == 200
    pools = set(page.options("pool_id").values())
    assert pools == {"Chỉ tiêu của Xã Vĩnh Hiệp", "Cơ quan, đoàn thể thị xã"}
    assert set(page.options("category")) == {
        "collective_hamlet", "collective_other", "individual_cadre", "individual_citizen"
    }
    assert page.value("pool_id") == str(_pool("VC-VHIEP").id)  # the unit's own pool first


def test_demo_path_through_the_pages(app):
    proposer, appraiser = Browser(app, "xa.vinhhiep"), Browser(app, "vpdp")
    council, chairman = Browser(app, "noivu"), Browser(app, "chutich")
    today = local_today()

    # The proposer creates a nomination; the money typed 60.000.000 is stored as an integer.
    nomination_id = redirect_id(proposer.post("/nominations/new", nomination_form()))
    n = db.session.get(Nomination, nomination_id)
    assert (n.state, n.contribution_vnd, n.unit.code) == ("draft", 60_000_000, "VC-VHIEP")
    detail = proposer.get(f"/nominations/{nomination_id}")
    assert detail.text("n-state") == "Dự thảo"
    assert detail.text("n-contribution") == "60.000.000 đồng"
    assert {"edit", "submit", "withdraw"} <= set(detail.actions())

    # ... and submits it with the unit's Tờ trình, from the submit queue.
    page = proposer.post(
        "/queues/submit",
        {
            "ids": str(nomination_id),
            f"version-{nomination_id}": str(n.version),
            "trigger": "submit",
            "submit-submission_number": "15/TTr-UBND",
            "submit-submission_date": today.isoformat(),
        },
    )
    assert page.status == 200, page.message()
    assert [r["data-ok"] for r in page.rows("results")[:1]] == ["true"]
    db.session.expire_all()
    assert (n.state, n.submission.number) == ("submitted", "15/TTr-UBND")

    # The appraiser finds it in "Việc của tôi", claims it and passes it with an opinion.
    tasks = appraiser.get("/")
    assert [int(r["data-nomination-id"]) for r in tasks.rows("tasks")] == [nomination_id]
    assert tasks.text("task-counts").startswith("1 hồ sơ đang chờ")
    action = f"/nominations/{nomination_id}/actions"
    assert appraiser.get(f"{action}/start_appraisal").status == 200
    redirect_id(appraiser.post(f"{action}/start_appraisal", {"version": str(n.version)}))
    db.session.expire_all()
    assert (n.state, n.assignee.username) == ("in_appraisal", "vpdp")
    assert "Đang thẩm định" in appraiser.get(f"/nominations/{nomination_id}").text("n-state")
    redirect_id(
        appraiser.post(f"{action}/pass_appraisal", {"version": str(n.version), "comment": "Đủ điều kiện."})
    )
    db.session.expire_all()
    assert n.state == "council_review"

    # The council secretary records the meeting once, with the votes, and submits for signature.
    page = council.post(
        "/queues/council",
        {
            "ids": str(nomination_id),
            f"version-{nomination_id}": str(n.version),
            f"votes_for-{nomination_id}": "8",
            "trigger": "submit_for_signature",
            "submit_for_signature-council_meeting_on": (today - timedelta(days=1)).isoformat(),
            "submit_for_signature-council_minutes_number": "03/BB-HĐTĐKT",
            "submit_for_signature-council_members_total": "9",
            "submit_for_signature-council_members_present": "8",
        },
    )
    assert page.status == 200, (page.message(), page.errors())
    db.session.expire_all()
    assert n.state == "awaiting_signature"
    meeting = db.session.scalars(select(CouncilMeeting).filter_by(minutes_number="03/BB-HĐTĐKT")).one()
    assert [(v.nomination_id, v.votes_for) for v in meeting.votes] == [(nomination_id, 8)]

    # The chairman signs from the signature queue, with the number the register proposes.
    queue = chairman.get("/queues/signature")
    proposed = queue.value("sign-decision_number")
    assert proposed and proposed.isdigit()
    assert queue.value("sign-decision_date") == today.isoformat()
    page = chairman.post(
        "/queues/signature",
        {
            "ids": str(nomination_id),
            f"version-{nomination_id}": str(n.version),
            "trigger": "sign",
            "sign-decision_date": today.isoformat(),
            "sign-decision_number": proposed,
        },
    )
    assert page.status == 200, (page.message(), page.errors())
    db.session.expire_all()
    decision = db.session.scalars(select(Decision)).one()
    assert (n.state, n.decision_id, decision.number) == ("approved", decision.id, int(proposed))

    # The proposer sees the outcome, the decision and the whole history.
    detail = proposer.get(f"/nominations/{nomination_id}")
    assert detail.text("n-state") == "Đã có quyết định khen thưởng"
    assert decision.reference in detail.text("n-decision")
    history = [e["attrs"]["data-trigger"] for e in detail.find() if e["tag"] == "tr" and "data-event-id" in e["attrs"]]
    assert history == ["", "submit", "start_appraisal", "pass_appraisal", "submit_for_signature", "sign"]
    assert "Địa chỉ IP" not in detail.html  # only auditors and admins see addresses
    assert proposer.get(f"/decisions/{decision.id}").status == 200
