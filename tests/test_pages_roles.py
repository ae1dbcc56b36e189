"""Each role's actions through the pages: single actions, bulk actions with each item's outcome."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from test_pages_support import Browser

from tdkt.models import CouncilMeeting, Decision, Nomination, Pool, RoleAssignment, Unit, User, db
from tdkt.workflow import attestations, nominations
from tdkt.workflow.auth import hash_password
from tdkt.workflow.clock import local_today

from conftest import DEMO_PASSWORD
from factories import actor, campaign, nomination_in, open_now, step, user


def fresh(n: Nomination) -> Nomination:
    db.session.expire_all()
    return db.session.get(Nomination, n.id)


def bulk(browser: Browser, queue: str, trigger: str, nominations, **fields):
    data = [("trigger", trigger)]
    for n in nominations:
        data += [("ids", str(n.id)), (f"version-{n.id}", str(n.version))]
    for name, value in fields.items():
        data.append((name if name.startswith("votes_for-") else f"{trigger}-{name}", str(value)))
    return browser.post(f"/queues/{queue}", data)


def outcomes(page) -> dict[int, str]:
    return {int(r["data-nomination-id"]): r["data-ok"] for r in page.rows("results")}


# --- proposer ---------------------------------------------------------------------------


def test_proposer_edits_a_draft_and_the_edit_is_in_the_history(app):
    n = nomination_in("draft")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    form = browser.get(f"/nominations/{n.id}/edit")
    data = {name: form.value(name) or "" for name in (
        "version", "pool_id", "nominee_kind", "nominee_type", "category", "nominee_name", "gender",
        "birth_year", "position", "address", "id_number", "tax_code", "achievement_summary", "contribution_vnd",
    )}
    page = browser.post(f"/nominations/{n.id}/edit", data | {"position": "Chi hội trưởng", "contribution_vnd": "75.000.000"})
    assert page.status == 302
    n = fresh(n)
    assert (n.position, n.contribution_vnd, n.version) == ("Chi hội trưởng", 75_000_000, 2)
    detail = browser.get(f"/nominations/{n.id}")
    edits = detail.find(**{"data-event-action": "edit"})
    assert len(edits) == 1 and "Chi hội trưởng" in "".join(edits[0]["text"])


def test_proposer_withdraws_with_a_reason(app):
    n = nomination_in("submitted")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    assert browser.get(f"/nominations/{n.id}/actions/withdraw").status == 200
    page = browser.post(f"/nominations/{n.id}/actions/withdraw", {"version": str(n.version), "comment": "Trùng đối tượng"})
    assert page.status == 302
    assert fresh(n).state == "withdrawn"
    assert browser.get(f"/nominations/{n.id}").actions() == []


def test_returned_nomination_shows_why_and_is_resubmitted(app):
    n = nomination_in("returned")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    detail = browser.get(f"/nominations/{n.id}")
    assert "Bổ sung hồ sơ" in detail.text("return-reason")
    assert {"edit", "submit", "withdraw"} <= set(detail.actions())
    assert "Bổ sung hồ sơ" in browser.get(f"/nominations/{n.id}/edit").text("return-reason")
    page = browser.post(f"/nominations/{n.id}/actions/submit", {"version": str(n.version)})
    assert page.status == 302
    n = fresh(n)
    assert (n.state, n.assignee.username) == ("submitted", "vpdp")  # the former assignee is kept


def test_proposer_submits_many_under_one_letter(app):
    drafts = [nomination_in("draft") for _ in range(3)]
    db.session.commit()
    page = bulk(
        Browser(app, "xa.vinhhiep"), "submit", "submit", drafts,
        submission_number="21/TTr-UBND", submission_date=local_today().isoformat(),
    )
    assert page.status == 200
    assert outcomes(page) == {n.id: "true" for n in drafts}
    submissions = {fresh(n).submission_id for n in drafts}
    assert len(submissions) == 1 and None not in submissions


def test_proposer_cannot_open_office_queues(app):
    browser = Browser(app, "xa.vinhhiep")
    assert browser.get("/queues/submit").status == 200
    for queue in ("appraisal", "council", "signature"):
        assert browser.get(f"/queues/{queue}").status == 403
    assert browser.get("/queues/nothing").status == 404


# --- appraiser --------------------------------------------------------------------------


def test_appraiser_claims_many_and_sees_each_outcome(app):
    items = [nomination_in("submitted") for _ in range(3)]
    db.session.commit()
    browser = Browser(app, "vpdp")
    queue = browser.get("/queues/appraisal")
    listed = {int(r["data-nomination-id"]) for r in queue.rows("queue-items")}
    assert {n.id for n in items} <= listed
    # The third changes under the appraiser's feet: its version in the page is stale.
    stale = items[2]
    page_versions = {n.id: n.version for n in items}
    step(stale, "vpdp2", "start_appraisal")
    db.session.commit()
    data = [("trigger", "start_appraisal")]
    for n in items:
        data += [("ids", str(n.id)), (f"version-{n.id}", str(page_versions[n.id]))]
    page = browser.post("/queues/appraisal", data)
    assert page.status == 200
    assert outcomes(page) == {items[0].id: "true", items[1].id: "true", stale.id: "false"}
    failed = next(r for r in page.rows("results") if r["data-ok"] == "false")
    assert "Hồ sơ đã được người khác thay đổi" in failed["text"]
    assert page.message() == "" and "Đã thực hiện 2/3 hồ sơ" in page.html
    assert [fresh(n).assignee.username for n in items] == ["vpdp", "vpdp", "vpdp2"]


def test_appraiser_reassigns_returns_passes_and_rejects(app):
    a, b, c = (nomination_in("in_appraisal") for _ in range(3))
    db.session.commit()
    browser = Browser(app, "vpdp")
    form = browser.get(f"/nominations/{a.id}/actions/reassign")
    choices = form.options("assignee_id")
    assert str(user("vpdp2").id) in choices and str(user("vpdp").id) not in choices
    page = browser.post(f"/nominations/{a.id}/actions/reassign", {"version": str(a.version), "assignee_id": str(user("vpdp2").id)})
    assert page.status == 302 and fresh(a).assignee.username == "vpdp2"
    # Now vpdp2's: vpdp may no longer pass it.
    assert browser.get(f"/nominations/{a.id}/actions/pass_appraisal").status == 409

    page = bulk(browser, "appraisal", "return_for_revision", [b], comment="Thiếu xác nhận của UBND xã")
    assert outcomes(page) == {b.id: "true"} and fresh(b).state == "returned"
    page = bulk(browser, "appraisal", "reject", [c], comment="Không đủ tiêu chuẩn")
    assert outcomes(page) == {c.id: "true"} and fresh(c).state == "rejected"


def test_bulk_without_selection_or_comment_changes_nothing(app):
    n = nomination_in("in_appraisal")
    db.session.commit()
    browser = Browser(app, "vpdp")
    nothing = browser.post("/queues/appraisal", {"trigger": "pass_appraisal", "pass_appraisal-comment": "Đạt"})
    assert nothing.status == 422 and nothing.message() == "Chưa chọn hồ sơ nào."
    page = bulk(browser, "appraisal", "pass_appraisal", [n], comment="")
    assert outcomes(page) == {n.id: "false"}
    assert "Thao tác này cần ghi rõ lý do (ý kiến)." in page.rows("results")[0]["text"]
    assert fresh(n).state == "in_appraisal"


# --- council secretary ------------------------------------------------------------------


def test_council_records_one_meeting_for_many_with_votes_each(app):
    a, b, c = (nomination_in("council_review") for _ in range(3))
    db.session.commit()
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    page = bulk(
        Browser(app, "noivu"), "council", "submit_for_signature", [a, b, c],
        council_meeting_on=yesterday, council_minutes_number="05/BB-HĐTĐKT",
        council_members_total=9, council_members_present=7,
        **{f"votes_for-{a.id}": 7, f"votes_for-{b.id}": 5, f"votes_for-{c.id}": 3},
    )
    assert page.status == 200
    # 3 of 9 is under the award form's pass share: only that one stays for the council.
    assert outcomes(page) == {a.id: "true", b.id: "true", c.id: "false"}
    assert "chưa đạt tỷ lệ" in [r for r in page.rows("results") if r["data-ok"] == "false"][0]["text"]
    meeting = db.session.scalars(select(CouncilMeeting).filter_by(minutes_number="05/BB-HĐTĐKT")).one()
    assert {(v.nomination_id, v.votes_for) for v in meeting.votes} == {(a.id, 7), (b.id, 5)}
    assert [fresh(n).state for n in (a, b, c)] == ["awaiting_signature", "awaiting_signature", "council_review"]
    detail = Browser(app, "noivu").get(f"/council-meetings/{meeting.id}")
    assert detail.status == 200 and detail.text("m-members") == "7/9 thành viên dự họp"


def test_council_sends_back_and_rejects(app):
    a, b = nomination_in("council_review"), nomination_in("council_review")
    db.session.commit()
    browser = Browser(app, "noivu")
    assert browser.post(f"/nominations/{a.id}/actions/send_back", {"version": str(a.version), "comment": "Xem lại số liệu"}).status == 302
    assert fresh(a).state == "in_appraisal"
    assert outcomes(bulk(browser, "council", "reject", [b], comment="Hội đồng không thông qua")) == {b.id: "true"}
    assert fresh(b).state == "rejected"


def test_council_records_a_paper_signature(app):
    n = nomination_in("awaiting_signature")
    db.session.commit()
    browser = Browser(app, "noivu")
    queue = browser.get("/queues/signature")
    assert queue.status == 200
    assert str(user("chutich").id) in queue.options("sign-signed_by")
    assert set(queue.rows("queue-items")[0]["data-actions"].split()) == {"sign"}
    missing = bulk(browser, "signature", "sign", [n], decision_date=local_today().isoformat())
    assert missing.status == 422
    assert missing.errors() == {"sign-signed_by": "Cần chọn lãnh đạo đã ký quyết định trên giấy"}
    assert fresh(n).state == "awaiting_signature"
    page = bulk(
        browser, "signature", "sign", [n],
        decision_date=local_today().isoformat(), signed_by=user("phochutich").id,
    )
    assert page.status == 200, page.html
    n = fresh(n)
    assert (n.state, n.decision.signer.username, n.decision.capacity, n.decision.recorded_by.username) == (
        "approved", "phochutich", "vice_chairman", "noivu"
    )


# --- signer -----------------------------------------------------------------------------


def test_signer_signs_many_as_one_decision(app):
    items = [nomination_in("awaiting_signature") for _ in range(3)]
    db.session.commit()
    browser = Browser(app, "phochutich")
    queue = browser.get("/queues/signature")
    assert "signed_by" not in " ".join(e["attrs"].get("name", "") for e in queue.find())
    number = queue.value("sign-decision_number")
    page = bulk(browser, "signature", "sign", items, decision_date=local_today().isoformat(), decision_number=number)
    assert page.status == 200
    assert set(outcomes(page).values()) == {"true"}
    decisions = {fresh(n).decision_id for n in items}
    assert len(decisions) == 1
    decision = db.session.get(Decision, decisions.pop())
    assert (decision.number, decision.capacity) == (int(number), "vice_chairman")


def test_bulk_sign_is_all_or_nothing(app):
    items = [nomination_in("awaiting_signature") for _ in range(2)]
    db.session.commit()
    page_versions = {n.id: n.version for n in items}
    step(items[1], "chutich", "return_to_council", {"comment": "Bổ sung biên bản"})
    db.session.commit()
    data = [("trigger", "sign"), ("sign-decision_date", local_today().isoformat())]
    for n in items:
        data += [("ids", str(n.id)), (f"version-{n.id}", str(page_versions[n.id]))]
    page = Browser(app, "chutich").post("/queues/signature", data)
    assert page.status == 409
    assert outcomes(page) == {items[0].id: "false", items[1].id: "false"}
    assert "cả đợt bị hủy" in page.rows("results")[0]["text"]
    assert fresh(items[0]).state == "awaiting_signature"
    assert db.session.scalars(select(Decision)).first() is None


def test_signer_returns_to_council_and_rejects(app):
    a, b = nomination_in("awaiting_signature"), nomination_in("awaiting_signature")
    db.session.commit()
    browser = Browser(app, "chutich")
    assert set(browser.get(f"/nominations/{a.id}").actions()) >= {"sign", "return_to_council", "reject"}
    assert browser.post(f"/nominations/{a.id}/actions/return_to_council", {"version": str(a.version), "comment": "Họp lại"}).status == 302
    assert fresh(a).state == "council_review"
    assert outcomes(bulk(browser, "signature", "reject", [b], comment="Không đồng ý")) == {b.id: "true"}
    assert fresh(b).state == "rejected"


# --- auditor ----------------------------------------------------------------------------


def test_auditor_reads_everything_in_scope_with_addresses_and_no_buttons(app):
    n = nomination_in("in_appraisal")
    db.session.commit()
    browser = Browser(app, "kiemtra")
    detail = browser.get(f"/nominations/{n.id}")
    assert detail.status == 200
    assert detail.actions() == []
    assert "Địa chỉ IP" in detail.html and "pytest" in detail.html
    assert browser.get(f"/nominations/{n.id}/actions/reject").status == 403
    page = browser.post(f"/nominations/{n.id}/actions/reject", {"version": str(n.version), "comment": "x"})
    assert page.status == 403 and fresh(n).state == "in_appraisal"
    for queue in ("submit", "appraisal", "council", "signature"):
        assert browser.get(f"/queues/{queue}").status == 403
    assert browser.get("/").status == 200


def test_district_chairman_forwards_to_the_province_from_the_queue(app):
    """A Bằng khen of the provincial Chairman: the district signs nothing, it forwards."""
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.like("HN%")))}
    staff = [("hn.xa", "HN-LN-NT", "proposer"), ("hn.td", "HN-LN", "appraiser"),
             ("hn.hd", "HN-LN", "council_secretary"), ("hn.ct", "HN-LN", "signer"), ("hn.tinh.td", "HN", "appraiser")]
    for username, scope, role in staff:
        db.session.add(User(
            username=username, full_name=username, email=f"{username}@hn.invalid", unit=units[scope],
            password_hash=hash_password(DEMO_PASSWORD),
            assignments=[RoleAssignment(role=role, scope_unit=units[scope], capacity="chairman" if role == "signer" else None)],
        ))
    hanam = campaign("HN-NTM-2021-2025")
    open_now(hanam, 1, 9)
    hanam.pools.append(Pool(code="HN-LN-NT", name="Xã Nhân Thịnh", unit=units["HN-LN-NT"]))
    form = next(f for f in hanam.award_forms if f.code == "BK-CT-HN")
    n = nominations.create(actor("hn.xa"), {
        "campaign_id": hanam.id, "award_form_id": form.id, "nominee_kind": "collective",
        "nominee_type": "collective", "category": "collective_commune",
        "nominee_name": "Nhân dân và cán bộ xã Nhân Thịnh", "achievement_summary": "Nông thôn mới kiểu mẫu.",
    })
    # The Hà Nam plan's criteria for communes, attested by the proposer with their evidence.
    n = attestations.set_answers(actor("hn.xa"), n.id, {"version": n.version, "answers": [
        {"criterion": "xa_ntm_nang_cao_kieu_mau", "answer": True, "evidence": "QĐ 1234/QĐ-UBND ngày 10/10/2024"},
        {"criterion": "xa_khong_no_dong_xdcb", "answer": True, "evidence": "Báo cáo của UBND huyện ngày 01/11/2024"},
    ]})
    for username, trigger, fields in (
        ("hn.xa", "submit", {}), ("hn.td", "start_appraisal", {}), ("hn.td", "pass_appraisal", {"comment": "Đạt"}),
        ("hn.hd", "submit_for_signature", {
            "council_meeting_on": (local_today() - timedelta(days=1)).isoformat(), "council_minutes_number": "09/BB",
            "council_members_total": 10, "council_members_present": 10, "votes_for": 9,
        }),
    ):
        n = step(n, username, trigger, fields)
    db.session.commit()

    chairman = Browser(app, "hn.ct")
    queue = chairman.get("/queues/signature")
    assert "forward" in queue.rows("queue-items")[0]["data-actions"].split()
    missing = bulk(chairman, "signature", "forward", [n])
    assert outcomes(missing) == {n.id: "false"} and fresh(n).level == 1
    page = bulk(chairman, "signature", "forward", [n], submission_number="45/TTr-UBND",
                submission_date=local_today().isoformat())
    assert outcomes(page) == {n.id: "true"}
    n = fresh(n)
    assert (n.state, n.level, n.submission.number) == ("submitted", 2, "45/TTr-UBND")
    province = Browser(app, "hn.tinh.td").get("/queues/appraisal")
    assert [int(r["data-nomination-id"]) for r in province.rows("queue-items")] == [n.id]
    assert Browser(app, "hn.td").get("/queues/appraisal").rows("queue-items") == []
