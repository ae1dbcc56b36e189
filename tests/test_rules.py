"""The seed's rules at their boundaries: quotas per pool and category, recognition, the
50,000,000 VND contribution, duplicates, the submission window, the race for the last slot."""

from __future__ import annotations

import itertools
import threading
import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import select

from tdkt.models import Nomination, Pool, db
from tdkt.workflow.clock import local_today

from conftest import DEMO_PASSWORD, build_app, create_pg_database, drop_pg_database
from factories import campaign, nomination_in, step

_names = itertools.count(1)


def create(api_client, **fields):
    n = next(_names)
    body = {
        "campaign_id": campaign().id,
        "nominee_kind": "individual",
        "category": "individual_citizen",
        "nominee_name": f"Trần Văn Bình {n}",
        "birth_year": 1960 + n % 40,
        "achievement_summary": "Đóng góp xây dựng đường giao thông nông thôn.",
        "contribution_vnd": 50_000_000,
    } | fields
    response = api_client.post("/api/v1/nominations", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def fire(api_client, nomination, trigger, **fields):
    return api_client.post(
        f"/api/v1/nominations/{nomination['id']}/actions/{trigger}",
        json={"version": nomination["version"]} | fields,
    )


def submit(api_client, **fields):
    return fire(api_client, create(api_client, **fields), "submit")


def error_of(response):
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]


def test_the_last_citizen_slot_succeeds_and_the_next_is_refused(api):
    proposer = api("xa.vinhhiep")
    for _ in range(3):
        assert submit(proposer).status_code == 200
    error = error_of(submit(proposer))
    assert error["code"] == "quota_exceeded"
    assert error["message"] == (
        "Xã Vĩnh Hiệp đã dùng 3/3 suất 'Người dân, hộ gia đình, doanh nghiệp' của đợt thi đua."
    )
    assert error["details"] | {} == {
        "rule": "quota", "pool": "VC-VHIEP", "category": "individual_citizen", "used": 3, "limit": 3
    }


def test_the_collective_total_counts_across_categories(api):
    proposer = api("xa.vinhhiep")
    for category in ("collective_hamlet", "collective_other"):
        assert submit(proposer, nominee_kind="collective", category=category, contribution_vnd=None).status_code == 200
    error = error_of(submit(proposer, nominee_kind="collective", category="collective_other"))
    assert error["message"] == "Xã Vĩnh Hiệp đã dùng 1/1 suất 'Tập thể khác' của đợt thi đua."


def test_individual_total_of_four(api, app):
    proposer = api("xa.vinhhiep")
    pool = db.session.scalars(select(Pool).filter_by(code="VC-VHIEP")).one()
    pool.limit_individual = 2  # the kind's total bites before the category's
    db.session.commit()
    assert submit(proposer).status_code == 200
    assert submit(proposer, category="individual_cadre", contribution_vnd=None).status_code == 200
    error = error_of(submit(proposer))
    assert error["message"] == "Xã Vĩnh Hiệp đã dùng 2/2 suất cá nhân của đợt thi đua."
    assert error["details"]["category"] == "individual"


def test_withdrawal_frees_a_slot_and_a_return_keeps_it(api):
    proposer, appraiser = api("xa.vinhhiep"), api("vpdp")
    submitted = [submit(proposer).get_json() for _ in range(3)]
    assert error_of(submit(proposer))["code"] == "quota_exceeded"
    claimed = fire(appraiser, submitted[0], "start_appraisal").get_json()
    returned = fire(appraiser, claimed, "return_for_revision", comment="Bổ sung ảnh").get_json()
    assert returned["state"] == "returned"
    assert error_of(submit(proposer))["code"] == "quota_exceeded"  # the returned one keeps its slot
    assert fire(proposer, returned, "submit").status_code == 200  # and may come back
    withdrawn = fire(proposer, submitted[1], "withdraw", comment="Đơn vị rút")
    assert withdrawn.status_code == 200
    assert submit(proposer).status_code == 200


def test_a_draft_holds_no_slot(api):
    proposer = api("xa.vinhhiep")
    for _ in range(5):
        create(proposer)
    assert submit(proposer).status_code == 200


def test_the_shared_pool_of_departments(api):
    department, commune = api("phong.vanhoa"), api("xa.vinhhiep")
    pool = next(p for p in campaign().pools if p.code == "CQ-DT")
    for _ in range(4):
        assert submit(department, category="individual_cadre", contribution_vnd=None).status_code == 200
    error = error_of(submit(commune, pool_id=pool.id, category="individual_cadre", contribution_vnd=None))
    assert error["message"] == "Nhóm 'Cơ quan, đoàn thể thị xã' đã dùng 4/4 suất cá nhân của đợt thi đua."
    # the message counts the pool, and names no other unit's nominee
    assert "Vĩnh Hiệp" not in error["message"] and "Văn hóa" not in error["message"]


def test_an_unrecognised_commune_cannot_use_its_own_pool(api):
    error = error_of(submit(api("xa.vinhtan")))
    assert error["code"] == "unit_not_recognized"
    assert "Xã Vĩnh Tân chưa được công nhận" in error["message"]


def test_the_town_pool_stays_closed_until_the_town_is_recognised(api):
    pool = next(p for p in campaign().pools if p.code == "TX-HT")
    pool.members.append(next(p for p in campaign().pools if p.code == "VC-VHIEP").unit)
    db.session.commit()
    error = error_of(submit(api("xa.vinhhiep"), pool_id=pool.id))
    assert error["code"] == "unit_not_recognized" and error["details"]["rule"] == "pool_open"


@pytest.mark.parametrize("amount, ok", [(49_999_999, False), (50_000_000, True)])
def test_the_contribution_threshold(api, amount, ok):
    response = submit(api("xa.vinhhiep"), contribution_vnd=amount)
    if ok:
        assert response.status_code == 200
    else:
        error = error_of(response)
        assert error["code"] == "not_eligible"
        assert error["message"] == "Giá trị đóng góp 49.999.999 đồng, chưa đạt mức tối thiểu 50.000.000 đồng."


def test_households_need_the_contribution_in_any_category(api):
    response = submit(api("xa.vinhhiep"), category="individual_cadre", nominee_type="household", contribution_vnd=1_000_000)
    assert error_of(response)["code"] == "not_eligible"
    assert submit(api("xa.vinhhiep"), category="individual_cadre", contribution_vnd=None).status_code == 200


def test_contribution_is_required_where_the_rule_applies(api):
    error = error_of(submit(api("xa.vinhhiep"), contribution_vnd=None))
    assert error["code"] == "validation_failed" and "contribution_vnd" in error["details"]["fields"]


def test_duplicate_by_id_number_across_units_names_no_unit(api):
    assert submit(api("xa.laihoa"), id_number="094201001234").status_code == 200
    error = error_of(submit(api("xa.vinhhiep"), id_number="094201001234"))
    assert error["code"] == "duplicate_nominee"
    assert "Lai Hòa" not in error["message"]


def test_duplicate_by_folded_name_and_birth_year(api):
    assert submit(api("xa.laihoa"), nominee_name="Nguyễn Thị Hồng Đào", birth_year=1975).status_code == 200
    error = error_of(submit(api("xa.vinhhiep"), nominee_name="NGUYEN THI HONG DAO", birth_year=1975))
    assert error["details"]["match"] == "name_and_birth_year"


def test_common_names_with_other_birth_years_are_not_duplicates(api):
    proposer = api("xa.laihoa")
    for year in (1970, 1971):
        assert submit(proposer, nominee_name="Nguyễn Văn Hùng", birth_year=year).status_code == 200
    assert submit(proposer, nominee_name="Nguyễn Văn Hùng", birth_year=None).status_code == 200


def test_the_birth_year_boundary_of_a_name_match(api):
    proposer, other = api("xa.laihoa"), api("xa.vinhhiep")
    assert submit(proposer, nominee_name="Lý Thị Thu", birth_year=1975).status_code == 200
    for year in (1974, 1976):
        assert submit(other, nominee_name="Lý Thị Thu", birth_year=year).status_code == 200
    decomposed = unicodedata.normalize("NFD", "  LÝ   thị THU ")
    error = error_of(submit(other, nominee_name=decomposed, birth_year=1975))
    assert error["details"]["match"] == "name_and_birth_year"
    assert error["message"].startswith("Đối tượng cùng họ tên và năm sinh 1975 đã được đề nghị")
    assert "Lai Hòa" not in error["message"]


def test_different_cccds_tell_a_common_name_apart(api):
    lai_hoa, vinh_hiep = api("xa.laihoa"), api("xa.vinhhiep")
    assert submit(lai_hoa, nominee_name="Nguyễn Văn An", birth_year=1975, id_number="094075000001").status_code == 200
    assert submit(vinh_hiep, nominee_name="Nguyễn Văn An", birth_year=1975, id_number="094075000002").status_code == 200
    # a CCCD on one side only, or a tax code against a CCCD, tells no one apart
    for numbers in ({}, {"tax_code": "2200123456"}):
        error = error_of(submit(vinh_hiep, nominee_name="Nguyễn Văn An", birth_year=1975, **numbers))
        assert error["details"]["match"] == "name_and_birth_year"


def test_the_same_tax_code_or_cccd_whatever_the_name(api):
    lai_hoa, vinh_hiep = api("xa.laihoa"), api("xa.vinhhiep")
    assert submit(lai_hoa, tax_code="2200765432", id_number="094201005555").status_code == 200
    for numbers in ({"tax_code": "2200765432"}, {"id_number": "094201005555", "tax_code": "2200000001"}):
        error = error_of(submit(vinh_hiep, **numbers))
        assert error["code"] == "duplicate_nominee" and error["details"]["match"] == "id_number_or_tax_code"


def test_collectives_are_not_compared_by_name(api):
    """Every commune has an 'Ấp 1'; and a person may bear a collective's name."""
    hamlet = {"nominee_kind": "collective", "category": "collective_hamlet", "contribution_vnd": None,
              "nominee_name": "Ấp 1", "birth_year": 1990}
    assert submit(api("xa.laihoa"), **hamlet).status_code == 200
    assert submit(api("xa.vinhhiep"), **hamlet).status_code == 200
    assert submit(api("xa.vinhhiep"), nominee_name="Ấp 1", birth_year=1990).status_code == 200


def test_a_returned_nominee_keeps_the_name_and_a_withdrawn_one_frees_it(api):
    proposer, appraiser = api("xa.vinhhiep"), api("vpdp")
    first = submit(proposer, nominee_name="Huỳnh Văn Sơn", birth_year=1968).get_json()
    claimed = fire(appraiser, first, "start_appraisal").get_json()
    returned = fire(appraiser, claimed, "return_for_revision", comment="Bổ sung").get_json()
    second = create(proposer, nominee_name="Huỳnh Văn Sơn", birth_year=1968)
    assert error_of(fire(proposer, second, "submit"))["code"] == "duplicate_nominee"
    assert fire(proposer, returned, "withdraw", comment="Trùng đối tượng").status_code == 200
    assert fire(proposer, second, "submit").status_code == 200


def test_withdrawn_nominees_may_be_proposed_again(api):
    proposer = api("xa.vinhhiep")
    first = submit(proposer, id_number="094201009999").get_json()
    assert fire(proposer, first, "withdraw", comment="Nhầm đơn vị").status_code == 200
    assert submit(proposer, id_number="094201009999").status_code == 200


def test_the_window_is_checked_at_the_first_submit_only(api, app):
    proposer, appraiser = api("xa.vinhhiep"), api("vpdp")
    submitted = submit(proposer).get_json()
    claimed = fire(appraiser, submitted, "start_appraisal").get_json()
    returned = fire(appraiser, claimed, "return_for_revision", comment="Bổ sung").get_json()
    demo = campaign()
    demo.submission_closes_on = local_today() - timedelta(days=1)
    db.session.commit()
    assert error_of(submit(proposer))["code"] == "submission_closed"
    assert fire(proposer, returned, "submit").status_code == 200


def test_rules_are_checked_again_at_pass_appraisal(app):
    nomination = nomination_in("in_appraisal")
    nomination.contribution_vnd = 10_000_000  # as if edited behind the engine's back
    db.session.flush()
    from tdkt.workflow.errors import WorkflowError

    with pytest.raises(WorkflowError) as refused:
        step(nomination, "vpdp", "pass_appraisal", {"comment": "Đạt"})
    assert refused.value.code == "not_eligible"


@pytest.mark.postgres_only
def test_two_proposers_racing_for_the_last_slot(tmp_path):
    url = create_pg_database()
    try:
        app = build_app(url, str(tmp_path))
        client = app.test_client()

        def token(username):
            r = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            return {"Authorization": f"Bearer {r.get_json()['token']}"}

        headers = token("xa.vinhhiep")
        with app.app_context():
            demo_id = campaign().id
        drafts = []
        for i in range(4):
            r = client.post("/api/v1/nominations", headers=headers, json={
                "campaign_id": demo_id, "nominee_kind": "individual", "category": "individual_citizen",
                "nominee_name": f"Người đua {i}", "achievement_summary": "x", "contribution_vnd": 60_000_000,
            })
            drafts.append(r.get_json())
        for d in drafts[:2]:  # two of the three slots taken
            assert client.post(f"/api/v1/nominations/{d['id']}/actions/submit", headers=headers,
                               json={"version": d["version"]}).status_code == 200
        barrier = threading.Barrier(2)
        statuses = []

        def race(d):
            own = app.test_client()
            barrier.wait()
            r = own.post(f"/api/v1/nominations/{d['id']}/actions/submit", headers=headers,
                         json={"version": d["version"]})
            statuses.append((r.status_code, r.get_json().get("error", {}).get("code")))

        threads = [threading.Thread(target=race, args=(d,)) for d in drafts[2:]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [(200, None), (422, "quota_exceeded")]
        with app.app_context():
            held = db.session.scalars(
                select(Nomination).where(Nomination.state == "submitted", Nomination.category == "individual_citizen")
            ).all()
            assert len(held) == 3
            db.engine.dispose()
    finally:
        drop_pg_database(url)
