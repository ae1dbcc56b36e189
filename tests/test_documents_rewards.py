"""Reward coefficients and the base salary, kept by a top-level admin as dated versions (pages
and API, audited): a new version prices the decisions signed from its day and leaves those
signed before as they were; one that would reprice a signed decision is refused. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from test_documents_support import read
from test_pages_support import Browser

from tdkt.models import AuditEvent, Decision, RoleAssignment, Unit, User, db
from tdkt.models.documents import BaseSalary, RewardCoefficient
from tdkt.workflow import engine
from tdkt.workflow.auth import hash_password
from tdkt.workflow.documents import service

from conftest import DEMO_PASSWORD
from factories import actor, campaign, nomination_in, step

ARTICLE = "Điều 75 Nghị định 98/2023/NĐ-CP"
OLD_LINE = "- Mỗi cá nhân: 0,3 lần mức lương cơ sở, thành tiền 710.000 đồng;"
NEW_LINE = "- Mỗi cá nhân: 0,5 lần mức lương cơ sở, thành tiền 1.170.000 đồng;"


def _signed_on(day: date) -> Decision:
    waiting = step(nomination_in("council_review"), "noivu", "submit_for_signature", {
        "council_meeting_on": "2025-06-20", "council_minutes_number": "01/BB-HĐTĐKT",
        "council_members_total": 9, "council_members_present": 9, "votes_for": 9,
    })
    [outcome] = engine.fire_many(actor("chutich"), "sign", {
        "items": [{"id": waiting.id, "version": waiting.version}], "decision_date": day.isoformat(),
    })
    assert outcome.error is None, outcome.error.message
    db.session.flush()
    return outcome.nomination.decision


def _lines(decision: Decision) -> list[str]:
    return read(service.decision_document(actor("chutich"), decision.id, "quyet_dinh").data).lines


def _coefficients() -> int:
    return db.session.scalar(select(func.count()).select_from(RewardCoefficient))


def _form_id() -> int:
    return campaign().award_forms[0].id


def _url() -> str:
    return f"/api/v1/award-forms/{_form_id()}/reward-coefficients"


def test_a_new_coefficient_prices_the_decisions_signed_from_its_day(app, api):
    before = _signed_on(date(2025, 7, 1))
    response = api("admin").post(_url(), json={
        "recipient": "individual", "coefficient": "0,5", "article": ARTICLE, "valid_from": "2025-07-10",
    })
    assert response.status_code == 201, response.get_json()
    assert response.get_json() | {"id": 0} == {
        "id": 0, "award_form_id": _form_id(), "recipient": "individual", "coefficient_milli": 500,
        "multiplier_milli": 1000, "article": ARTICLE, "valid_from": "2025-07-10", "valid_until": None,
    }
    after = _signed_on(date(2025, 7, 15))
    assert OLD_LINE in _lines(before) and NEW_LINE not in _lines(before)
    lines = _lines(after)
    assert NEW_LINE in lines
    assert any(ARTICLE in line for line in lines)
    listed = api("admin").get(_url()).get_json()["items"]
    assert {"recipient": "individual", "coefficient_milli": 500, "valid_from": "2025-07-10"}.items() <= listed[
        next(i for i, r in enumerate(listed) if r["valid_from"] == "2025-07-10")].items()
    [event] = [e for e in db.session.scalars(select(AuditEvent).filter_by(action="admin"))
               if e.details.get("op") == "add_reward_coefficient"]
    assert event.changes["coefficient"] == [None, "0,5"] and event.object_id == _form_id()


def test_a_version_that_would_reprice_a_signed_decision_is_refused(app, api):
    signed = _signed_on(date(2025, 7, 15))
    count, salaries = _coefficients(), db.session.scalar(select(func.count()).select_from(BaseSalary))
    response = api("admin").post(_url(), json={
        "recipient": "individual", "coefficient": "0.5", "article": ARTICLE, "valid_from": "2025-07-15",
    })
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"]["valid_from"] == (
        f"Quyết định số {signed.reference} ngày 15/07/2025 đã ký với mức đang áp dụng; "
        "phiên bản mới chỉ được áp dụng từ ngày 16/07/2025 trở đi"
    )
    response = api("admin").post("/api/v1/base-salaries", json={
        "amount_vnd": 2_500_000, "valid_from": "2025-07-01", "source": "Nghị định mới",
    })
    assert response.status_code == 422
    assert "16/07/2025" in response.get_json()["error"]["details"]["fields"]["valid_from"]
    assert (_coefficients(), db.session.scalar(select(func.count()).select_from(BaseSalary))) == (count, salaries)
    assert OLD_LINE in _lines(signed)
    # The decision awards a person: a collective's coefficient may start before it.
    response = api("admin").post(_url(), json={
        "recipient": "collective", "coefficient": "1", "article": ARTICLE, "valid_from": "2025-07-10",
    })
    assert response.status_code == 201, response.get_json()
    assert OLD_LINE in _lines(signed)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"coefficient": "٣"}, "coefficient", "'٣'"),
        ({"coefficient": "1,2345"}, "coefficient", "tối đa 3 chữ số thập phân"),
        ({"coefficient": "0"}, "coefficient", "lớn hơn 0"),
        ({"coefficient": "²"}, "coefficient", "'²'"),
        ({"article": ""}, "article", "Điều khoản quy định là bắt buộc"),
        ({"multiplier": "1,5"}, "multiplier", "Chỉ mức thưởng hộ gia đình"),
        ({"valid_until": "2030-01-01"}, "valid_until", "trước ngày áp dụng"),
    ],
)
def test_bad_coefficients_are_refused_in_vietnamese(app, api, body, field, message):
    count = _coefficients()
    response = api("admin").post(_url(), json={
        "recipient": "individual", "coefficient": "0,5", "article": ARTICLE, "valid_from": "2031-01-01",
    } | body)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["error"]["details"]["fields"][field]
    assert _coefficients() == count


def test_only_a_top_level_admin_keeps_the_reward_money(app, api, client):
    scope = db.session.scalars(select(Unit).filter_by(code="VC")).one()
    db.session.add(User(
        username="qt.vinhchau", full_name="qt.vinhchau", email="qt@vc.invalid", unit=scope,
        password_hash=hash_password(DEMO_PASSWORD), assignments=[RoleAssignment(role="admin", scope_unit=scope)],
    ))
    db.session.commit()
    town = api("qt.vinhchau")
    response = town.post("/api/v1/base-salaries", json={"amount_vnd": 1, "valid_from": "2031-01-01", "source": "X"})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == (
        "Hệ số và mức lương cơ sở tính tiền thưởng dùng chung cho mọi đơn vị; chỉ quản trị cấp tỉnh được quản lý."
    )
    assert town.get(_url()).status_code == 403
    assert api("admin").get(f"/api/v1/award-forms/{2**40}/reward-coefficients").status_code == 404


def test_the_pages_add_a_coefficient_and_a_base_salary(app):
    browser = Browser(app, "admin")
    page = browser.get(f"/admin/award-forms/{_form_id()}")
    assert page.find(id="rewards-link")
    url = f"/admin/award-forms/{_form_id()}/rewards"
    count = _coefficients()
    page = browser.post(url, {
        "recipient": "household", "coefficient": "0,3", "multiplier": "1.5x", "article": ARTICLE,
        "valid_from": "2031-01-01", "valid_until": "",
    })
    assert page.status == 422
    assert "'1.5x'" in page.errors()["multiplier"]
    assert _coefficients() == count
    page = browser.post(url, {
        "recipient": "household", "coefficient": "0,3", "multiplier": "1,5", "article": ARTICLE,
        "valid_from": "2031-01-01", "valid_until": "",
    })
    assert page.status == 302
    page = browser.get(url)
    assert "Hộ gia đình 0,3 1,5 Điều 75 Nghị định 98/2023/NĐ-CP 01/01/2031 – nay" in " ".join(
        page.text("reward-coefficients").split()
    )
    page = browser.post("/admin/base-salaries", {"amount_vnd": "2.530.000", "valid_from": "2031-01-01", "source": ""})
    assert page.status == 422 and page.errors()["source"] == "Văn bản quy định là bắt buộc"
    page = browser.post("/admin/base-salaries", {
        "amount_vnd": "2.530.000", "valid_from": "2031-01-01", "source": "Nghị định 2031",
    })
    assert page.status == 302
    assert db.session.scalars(select(BaseSalary).filter_by(valid_from=date(2031, 1, 1))).one().amount_vnd == 2_530_000
    assert "2.530.000" in browser.get("/admin/base-salaries").text("base-salaries")
