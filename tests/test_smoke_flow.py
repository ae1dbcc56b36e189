"""The main path through the API, on SQLite and PostgreSQL."""

from datetime import timedelta

from tdkt.workflow.clock import local_today


def test_demo_path_to_a_decision(api):
    proposer, appraiser, council, chairman = api("xa.vinhhiep"), api("vpdp"), api("noivu"), api("chutich")
    campaign = proposer.get("/api/v1/campaigns").get_json()["items"][0]
    created = proposer.post(
        "/api/v1/nominations",
        json={
            "campaign_id": campaign["id"],
            "nominee_kind": "individual",
            "category": "individual_citizen",
            "nominee_name": "Nguyễn Văn A",
            "achievement_summary": "Hiến đất làm đường",
            "contribution_vnd": 60_000_000,
        },
    )
    assert created.status_code == 201, created.get_json()
    n = created.get_json()
    assert (n["state"], n["version"], n["allowed_actions"]) == ("draft", 1, ["submit", "withdraw"])
    yesterday = (local_today() - timedelta(days=1)).isoformat()

    def act(who, trigger, **fields):
        nonlocal n
        r = who.post(f"/api/v1/nominations/{n['id']}/actions/{trigger}", json={"version": n["version"], **fields})
        assert r.status_code == 200, r.get_json()
        n = r.get_json()
        return n

    assert act(proposer, "submit")["state"] == "submitted"
    assert act(appraiser, "start_appraisal")["assignee"]["username"] == "vpdp"
    assert act(appraiser, "pass_appraisal", comment="Đủ điều kiện")["state"] == "council_review"
    act(
        council,
        "submit_for_signature",
        council_meeting_on=yesterday,
        council_minutes_number="02/BB-HĐTĐKT",
        council_members_total=9,
        council_members_present=7,
        votes_for=6,
    )
    signed = act(chairman, "sign", decision_date=local_today().isoformat())
    assert signed["state"] == "approved"
    assert signed["decision"]["reference"].endswith("/QĐ-UBND")
    history = proposer.get(f"/api/v1/nominations/{n['id']}/audit").get_json()["items"]
    assert [e["to_state"] for e in history] == [
        "draft", "submitted", "in_appraisal", "council_review", "awaiting_signature", "approved"
    ]
    assert "ip" not in history[0]
    assert api("xa.laihoa").get(f"/api/v1/nominations/{n['id']}").status_code == 404


def test_factory_reaches_every_state(app):
    from factories import nomination_in

    for state in ("draft", "submitted", "in_appraisal", "returned", "council_review",
                  "awaiting_signature", "approved", "rejected", "withdrawn", "revoked"):
        assert nomination_in(state).state == state
