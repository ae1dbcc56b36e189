"""A higher award form travels up its chain: the Hà Nam Bằng khen goes from the district to
the province with `forward`, and each level's offices act only at their own level; the
nomination page shows the chain as pinned: levels passed, the one it is at, those above."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from test_pages_support import Browser

from tdkt.models import AwardForm, Campaign, Pool, RoleAssignment, Unit, User, db
from tdkt.workflow import attestations, campaign_rules, nominations, permissions
from tdkt.workflow.actor import Actor
from tdkt.workflow.auth import hash_password
from tdkt.workflow.clock import local_today
from tdkt.workflow.errors import WorkflowError

from factories import nomination_in, open_now, step, user


def _unit(code):
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


def _add_user(username, unit_code, role, scope_code, capacity=None):
    db.session.add(
        User(
            username=username,
            full_name=username,
            email=f"{username}@demo.invalid",
            unit=_unit(unit_code),
            password_hash=hash_password("x"),
            assignments=[RoleAssignment(role=role, scope_unit=_unit(scope_code), capacity=capacity)],
        )
    )


@pytest.fixture
def ha_nam(app):
    """Open the Hà Nam campaign and staff both levels of its chain."""
    campaign = db.session.scalars(select(Campaign).filter_by(code="HN-NTM-2021-2025")).one()
    open_now(campaign, 10, 10)
    commune = _unit("HN-LN-NT")
    campaign.pools.append(Pool(code="HN-LN-NT", name="Xã Nhân Thịnh", unit=commune))
    _add_user("hn.xa", "HN-LN-NT", "proposer", "HN-LN-NT")
    for level, scope in (("huyen", "HN-LN"), ("tinh", "HN")):
        _add_user(f"hn.{level}.td", scope, "appraiser", scope)
        _add_user(f"hn.{level}.hd", scope, "council_secretary", scope)
        _add_user(f"hn.{level}.ct", scope, "signer", scope, "chairman")
    db.session.flush()
    return campaign


def _walk_level(nomination, level):
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    nomination = step(nomination, f"hn.{level}.td", "start_appraisal")
    nomination = step(nomination, f"hn.{level}.td", "pass_appraisal", {"comment": "Đạt"})
    return step(
        nomination,
        f"hn.{level}.hd",
        "submit_for_signature",
        {
            "council_meeting_on": yesterday,
            "council_minutes_number": f"01/BB-{level}",
            "council_members_total": 10,
            "council_members_present": 9,
            "votes_for": 8,
        },
    )


def test_bang_khen_travels_two_levels(ha_nam):
    form = db.session.scalars(select(AwardForm).filter_by(code="BK-CT-HN")).one()
    draft = nominations.create(
        Actor(user("hn.xa")),
        {
            "campaign_id": ha_nam.id,
            "award_form_id": form.id,
            "nominee_kind": "collective",
            "nominee_type": "collective",
            "category": "collective_commune",
            "nominee_name": "Nhân dân và cán bộ xã Nhân Thịnh",
            "achievement_summary": "Đạt chuẩn nông thôn mới kiểu mẫu năm 2024.",
        },
    )
    # Seed 001's criteria for communes, attested with their evidence.
    draft = attestations.set_answers(Actor(user("hn.xa")), draft.id, {"version": draft.version, "answers": [
        {"criterion": "xa_ntm_nang_cao_kieu_mau", "answer": True, "evidence": "QĐ 1234/QĐ-UBND ngày 10/10/2024"},
        {"criterion": "xa_khong_no_dong_xdcb", "answer": True, "evidence": "Báo cáo của UBND huyện ngày 01/11/2024"},
    ]})
    submitted = step(draft, "hn.xa", "submit")
    at_district = _walk_level(submitted, "huyen")
    assert at_district.state == "awaiting_signature" and at_district.level == 1
    assert permissions.allowed_actions(user("hn.huyen.ct"), at_district) == [
        "return_to_council", "sign", "forward", "reject"
    ]
    forwarded = step(
        at_district, "hn.huyen.ct", "forward",
        {"submission_number": "45/TTr-UBND", "submission_date": local_today().isoformat()},
    )
    assert (forwarded.state, forwarded.level, forwarded.assignee_id) == ("submitted", 2, None)
    assert forwarded.submission.unit.code == "HN-LN" and forwarded.submission.level == 2

    # the district's offices see it but no longer act on it; the province's do
    with pytest.raises(WorkflowError) as refused:
        step(forwarded, "hn.huyen.td", "start_appraisal")
    assert refused.value.status == 403
    district_tasks = db.session.scalars(permissions.task_nominations(user("hn.huyen.td"))).all()
    province_tasks = db.session.scalars(permissions.task_nominations(user("hn.tinh.td"))).all()
    assert forwarded not in district_tasks and forwarded in province_tasks
    assert permissions.can_view(user("hn.huyen.td"), forwarded)

    at_province = _walk_level(forwarded, "tinh")
    assert permissions.allowed_actions(user("hn.tinh.ct"), at_province) == [
        "return_to_council", "sign", "reject"
    ]  # the province is the chain's last level here
    signed = step(at_province, "hn.tinh.ct", "sign", {"decision_date": local_today().isoformat()})
    assert signed.state == "approved"
    assert signed.decision.issuer_unit.code == "HN"


def test_the_pass_share_is_the_award_forms(ha_nam):
    form = db.session.scalars(select(AwardForm).filter_by(code="BK-CT-HN")).one()
    draft = nominations.create(
        Actor(user("hn.xa")),
        {
            "campaign_id": ha_nam.id,
            "award_form_id": form.id,
            "nominee_kind": "individual",
            "category": "individual",
            "nominee_name": "Trần Thị Thu",
            "achievement_summary": "Nhiều sáng kiến.",
        },
    )
    nomination = step(step(draft, "hn.xa", "submit"), "hn.huyen.td", "start_appraisal")
    nomination = step(nomination, "hn.huyen.td", "pass_appraisal", {"comment": "Đạt"})
    with pytest.raises(WorkflowError) as refused:
        step(nomination, "hn.huyen.hd", "submit_for_signature", {
            "council_meeting_on": local_today().isoformat(),
            "council_minutes_number": "02/BB",
            "council_members_total": 10,
            "council_members_present": 10,
            "votes_for": 7,
        })
    assert refused.value.code == "vote_threshold_not_met"
    assert refused.value.details["required_percent"] == 80


def test_forward_is_refused_where_the_chain_ends(app):
    nomination = nomination_in("awaiting_signature")
    assert "forward" not in permissions.allowed_actions(user("chutich"), nomination)
    with pytest.raises(WorkflowError) as refused:
        step(nomination, "chutich", "forward", {"submission_number": "1/TTr", "submission_date": local_today().isoformat()})
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")


def _chain_on_page(app, username, nomination) -> list[tuple[str, str, str]]:
    page = Browser(app, username, password="x").get(f"/nominations/{nomination.id}")
    assert page.status == 200
    steps = [e for e in page.elements if e["tag"] == "li" and "data-status" in e["attrs"]]
    return [
        (e["attrs"]["data-status"], e["attrs"].get("aria-current", ""), " ".join("".join(e["text"]).split()))
        for e in steps
    ]


def test_the_nomination_page_shows_the_pinned_chain_passed_current_and_later(ha_nam, app):
    """Each level as pinned at the first submit: an admin renaming the levels and adding a
    third afterwards changes neither the steps nor the level's name on the page."""
    form = db.session.scalars(select(AwardForm).filter_by(code="BK-CT-HN")).one()
    draft = nominations.create(Actor(user("hn.xa")), {
        "campaign_id": ha_nam.id, "award_form_id": form.id, "nominee_kind": "individual",
        "category": "individual", "nominee_name": "Trần Văn Bình", "achievement_summary": "Hiến đất.",
    })
    assert _chain_on_page(app, "hn.xa", draft) == [
        ("current", "step", "Huyện Lý Nhân Đang ở cấp này: Dự thảo"),
        ("later", "", "UBND tỉnh Hà Nam Chưa đến"),
    ]
    at_district = _walk_level(step(draft, "hn.xa", "submit"), "huyen")
    _add_user("hn.admin", "HN", "admin", "HN")
    # Renamed, the province's appraisal moved from the Sở Nội vụ to the province, a third level.
    campaign_rules.update_award_form(Actor(user("hn.admin")), form.id, {"levels": [
        {"name": f"{lv.name} (đổi tên)", "office_unit_id": lv.office_unit_id,
         "appraising_unit_id": lv.office_unit_id, "council_unit_id": lv.council_unit_id}
        for lv in form.levels
    ] + [{"name": "Thủ tướng Chính phủ", "office_unit_id": _unit("HN").id}]})
    forwarded = step(at_district, "hn.huyen.ct", "forward",
                     {"submission_number": "45/TTr-UBND", "submission_date": local_today().isoformat()})
    db.session.commit()
    today = local_today().strftime("%d/%m/%Y")
    steps = _chain_on_page(app, "hn.tinh.td", forwarded)
    assert [s[:2] for s in steps] == [("passed", ""), ("current", "step")]
    assert steps[0][2].startswith(f"Huyện Lý Nhân Đã chuyển lên cấp trên ngày {today} ")
    assert steps[1][2] == "UBND tỉnh Hà Nam Đang ở cấp này: Đã trình, chờ thẩm định"
    page = Browser(app, "hn.tinh.td", password="x").get(f"/nominations/{forwarded.id}")
    assert page.text("n-level") == "UBND tỉnh Hà Nam"
    assert page.text("n-holder") == "Chuyên viên Văn phòng Điều phối — Sở Nội vụ tỉnh Hà Nam"
    # The district's own Giấy khen has one level: no steps.
    district_form = db.session.scalars(select(AwardForm).filter_by(code="GK-HN-LN")).one()
    single = nominations.create(Actor(user("hn.xa")), {
        "campaign_id": ha_nam.id, "award_form_id": district_form.id, "nominee_kind": "individual",
        "category": "individual", "nominee_name": "Lê Thị Cúc", "achievement_summary": "Hiến đất.",
    })
    assert _chain_on_page(app, "hn.xa", single) == []
