"""A decision cites the legal basis in force on the day it is signed, recorded when it is
signed: NĐ 98/2023 until 30/6/2025, NĐ 152/2025 from 1/7/2025; editing a legal basis
afterwards leaves an issued decision's "Căn cứ" lines as they were, while a copy still to be
signed reads what is in force today."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from test_documents_support import read
from test_pages_support import Browser

from tdkt.models import Decision, db
from tdkt.models.documents import DecisionLegalBasis, LegalBasis
from tdkt.workflow import campaign_rules, engine
from tdkt.workflow.documents import service

from factories import actor, campaign, nomination_in, step

ND98 = "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
ND152 = "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật Thi đua, khen thưởng;"


def _awaiting(meeting_on: str, count: int = 1):
    return [
        step(nomination_in("council_review"), "noivu", "submit_for_signature", {
            "council_meeting_on": meeting_on, "council_minutes_number": f"0{i + 1}/BB-HĐTĐKT",
            "council_members_total": 9, "council_members_present": 9, "votes_for": 9,
        })
        for i in range(count)
    ]


def _signed_on(day: date, count: int = 1) -> Decision:
    waiting = _awaiting("2025-06-20", count)
    outcomes = engine.fire_many(actor("chutich"), "sign", {
        "items": [{"id": n.id, "version": n.version} for n in waiting], "decision_date": day.isoformat(),
    })
    assert all(o.error is None for o in outcomes), [o.error.message for o in outcomes if o.error]
    db.session.flush()
    return outcomes[0].nomination.decision


def _recorded(decision: Decision) -> list[str]:
    rows = db.session.scalars(
        select(DecisionLegalBasis).filter_by(decision_id=decision.id).order_by(DecisionLegalBasis.ordinal)
    )
    return [row.legal_basis.code for row in rows]


def _basis_lines(decision: Decision) -> list[str]:
    data = service.decision_document(actor("chutich"), decision.id, "quyet_dinh").data
    return [line for line in read(data).lines if line.startswith("Căn cứ ")]


def test_signing_records_the_legal_basis_in_force_that_day(app):
    last_day = _signed_on(date(2025, 6, 30), count=2)  # one decision for both: recorded once
    first_day = _signed_on(date(2025, 7, 1))
    assert _recorded(last_day) == ["LUAT-TCCQDP-2015", "LUAT-TDKT-2022", "ND-98-2023"]
    assert _recorded(first_day) == ["LUAT-TCCQDP-2025", "LUAT-TDKT-2022", "ND-152-2025"]
    assert ND98 in _basis_lines(last_day) and ND152 not in _basis_lines(last_day)
    assert ND152 in _basis_lines(first_day) and ND98 not in _basis_lines(first_day)
    # The plan of the campaign closes the lines, after the recorded texts.
    assert _basis_lines(first_day)[-1].startswith("Căn cứ Kế hoạch số")


def test_editing_a_legal_basis_leaves_an_issued_decision_unchanged(app):
    decision = _signed_on(date(2025, 6, 30))
    issued = _basis_lines(decision)
    nd98 = db.session.scalars(select(LegalBasis).filter_by(code="ND-98-2023")).one()
    campaign_rules.update_legal_basis(actor("admin"), nd98.id, {
        "citation": "Nghị định số 98/2023/NĐ-CP (đã sửa)", "valid_until": "2025-06-29",
    })
    db.session.flush()
    assert _recorded(decision) == ["LUAT-TCCQDP-2015", "LUAT-TDKT-2022", "ND-98-2023"]
    assert _basis_lines(decision) == issued
    # A copy still to be signed reads the texts in force on the day it is made.
    _awaiting("2025-06-20")
    draft = service.campaign_document(actor("noivu"), campaign().id, "quyet_dinh", service.Options()).data
    lines = read(draft).lines
    assert ND152 in lines and not any("98/2023" in line for line in lines)


def test_the_decision_page_and_api_show_the_legal_basis_recorded_at_signing(app, api):
    decision = _signed_on(date(2025, 6, 30))
    nd98 = db.session.scalars(select(LegalBasis).filter_by(code="ND-98-2023")).one()
    recorded_wording = nd98.citation
    campaign_rules.update_legal_basis(
        actor("admin"), nd98.id, {"citation": "Nghị định số 98/2023/NĐ-CP (đã sửa)", "valid_until": "2025-06-15"}
    )
    db.session.commit()

    page = Browser(app, "xa.vinhhiep").get(f"/decisions/{decision.id}")
    assert page.status == 200
    lines = {e["attrs"]["data-code"]: " ".join("".join(e["text"]).split()) for e in page.find() if "data-code" in e["attrs"]}
    assert list(lines) == ["LUAT-TCCQDP-2015", "LUAT-TDKT-2022", "ND-98-2023"]
    assert lines["ND-98-2023"] == f"Căn cứ {recorded_wording} (hiệu lực từ 01/01/2024 đến 30/06/2025)"

    body = api("xa.vinhhiep").get(f"/api/v1/decisions/{decision.id}").get_json()
    assert [b["code"] for b in body["legal_bases"]] == ["LUAT-TCCQDP-2015", "LUAT-TDKT-2022", "ND-98-2023"]
    assert body["legal_bases"][2] == {
        "code": "ND-98-2023", "citation": recorded_wording, "valid_from": "2024-01-01", "valid_until": "2025-06-30",
    }
    listed = api("xa.vinhhiep").get(f"/api/v1/decisions?campaign_id={campaign().id}").get_json()["items"]
    assert next(d for d in listed if d["id"] == decision.id)["legal_bases"] == body["legal_bases"]


def test_a_decision_without_recorded_legal_basis_says_so(app):
    decision = _signed_on(date(2025, 6, 30))
    db.session.execute(delete(DecisionLegalBasis).where(DecisionLegalBasis.decision_id == decision.id))
    db.session.commit()
    page = Browser(app, "chutich").get(f"/decisions/{decision.id}")
    assert page.text("legal-bases-none") == "Chưa ghi nhận căn cứ pháp lý cho quyết định này."
