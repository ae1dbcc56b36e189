"""Public notice of the nominees before the council (niêm yết công khai): a campaign may require
the list posted for N working days; the council secretary records each posting, and the council
may send a nomination on for signature only from the N-th working day after it was posted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from test_pages_support import Browser

from tdkt.models import AuditEvent, Campaign, PublicNotice, RoleAssignment, Unit, User, db
from tdkt.workflow import public_notice, rule_versions
from tdkt.workflow.auth import hash_password
from tdkt.workflow.errors import WorkflowError

from conftest import DEMO_PASSWORD
from factories import PATH, actor, campaign, nomination_in, step

# Friday 06/03/2026; two working days later is Tuesday 10/03/2026, over the weekend.
FRIDAY = date(2026, 3, 6)
MONDAY, TUESDAY = date(2026, 3, 9), date(2026, 3, 10)


def _council_fields(meeting_on: date) -> dict:
    ((_, _, fields),) = PATH["awaiting_signature"]
    return fields | {"council_meeting_on": meeting_on.isoformat(), "council_minutes_number": f"{meeting_on:%d%m}/BB"}


def _requiring(days: int) -> Campaign:
    """The campaign's rules from now on: nominations submitted afterwards are judged by them."""
    c = campaign()
    c.public_notice_days = days
    rule_versions.record(c)
    return c


def _publish(c: Campaign, *nominations, on: date = FRIDAY, username: str = "noivu") -> PublicNotice:
    body = {"nomination_ids": [n.id for n in nominations], "published_on": on.isoformat(), "note": "Trụ sở UBND thị xã"}
    return public_notice.publish(actor(username), c.id, body)


def _add_secretary(username: str, scope_code: str) -> None:
    scope = db.session.scalars(select(Unit).filter_by(code=scope_code)).one()
    db.session.add(User(
        username=username, full_name=username, email=f"{username}@vc.invalid", unit=scope,
        password_hash=hash_password(DEMO_PASSWORD),
        assignments=[RoleAssignment(role="council_secretary", scope_unit=scope)],
    ))
    db.session.commit()


def test_the_council_may_not_meet_before_the_notice_has_run_its_working_days(app):
    c = _requiring(2)
    n = nomination_in("council_review")
    _publish(c, n)
    with pytest.raises(WorkflowError) as refused:
        step(n, "noivu", "submit_for_signature", _council_fields(MONDAY))
    assert refused.value.status == 422 and refused.value.code == "public_notice_required"
    assert refused.value.message == (
        "Danh sách phải được công khai đủ 2 ngày làm việc trước khi Hội đồng họp; hồ sơ được công khai "
        "ngày 06/03/2026, sớm nhất họp ngày 10/03/2026."
    )
    assert refused.value.details["earliest_meeting_on"] == TUESDAY.isoformat()
    assert n.state == "council_review"
    assert step(n, "noivu", "submit_for_signature", _council_fields(TUESDAY)).state == "awaiting_signature"


def test_a_nomination_never_posted_is_refused_and_a_campaign_without_notice_is_unaffected(app):
    n = nomination_in("council_review")
    assert campaign().public_notice_days is None
    assert step(n, "noivu", "submit_for_signature", _council_fields(MONDAY)).state == "awaiting_signature"
    _requiring(5)
    other = nomination_in("council_review")
    with pytest.raises(WorkflowError) as refused:
        step(other, "noivu", "submit_for_signature", _council_fields(MONDAY))
    assert refused.value.code == "public_notice_required"
    assert "đủ 5 ngày làm việc" in refused.value.message and "chưa được công khai" in refused.value.message


def test_publishing_is_audited_and_the_earliest_posting_counts(app):
    c = _requiring(2)
    n = nomination_in("council_review")
    first = _publish(c, n, on=date(2026, 3, 2))
    _publish(c, n, on=FRIDAY)
    (event,) = [
        e for e in db.session.scalars(select(AuditEvent).filter_by(action="admin", object_type="public_notice"))
        if e.object_id == first.id
    ]
    assert event.role == "council_secretary"
    assert event.details == {
        "op": "publish_notice", "campaign_id": c.id, "published_on": "2026-03-02", "nomination_ids": [n.id],
    }
    assert public_notice.status(n) == public_notice.NoticeStatus(2, date(2026, 3, 2), date(2026, 3, 4))


def test_only_nominations_before_the_secretarys_council_may_be_posted(app):
    c = _requiring(2)
    submitted = nomination_in("submitted")
    with pytest.raises(WorkflowError) as refused:
        _publish(c, submitted)
    assert refused.value.status == 404
    # A secretary of another province sees neither the town's campaign nor its nominations.
    _add_secretary("tk.hanam", "HN")
    ha_nam = db.session.scalars(select(Campaign).filter_by(code="HN-NTM-2021-2025")).one()
    in_review = nomination_in("council_review")
    for target in (c, ha_nam):
        with pytest.raises(WorkflowError) as refused:
            _publish(target, in_review, username="tk.hanam")
        assert refused.value.status == 404
    assert db.session.scalars(select(PublicNotice)).all() == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"nomination_ids": [], "published_on": "2026-03-06"}, "nomination_ids", "Cần chọn ít nhất một hồ sơ để công khai"),
        ({"nomination_ids": [], "published_on": "2099-01-01"}, "published_on", "Ngày niêm yết (01/01/2099) không được sau hôm nay"),
    ],
)
def test_bad_postings_are_refused_in_vietnamese(app, body, field, message):
    c = _requiring(2)
    with pytest.raises(WorkflowError) as refused:
        public_notice.publish(actor("noivu"), c.id, body)
    assert refused.value.code == "validation_failed"
    assert refused.value.details["fields"][field].startswith(message)


def test_a_campaign_without_notice_takes_no_posting(app):
    n = nomination_in("council_review")
    with pytest.raises(WorkflowError) as refused:
        _publish(campaign(), n)
    assert refused.value.details["fields"]["nomination_ids"] == (
        "Đợt thi đua này không yêu cầu công khai danh sách trước khi Hội đồng họp"
    )


def test_the_secretary_posts_the_list_on_its_page_and_the_nomination_shows_it(app):
    c = _requiring(2)
    n = nomination_in("council_review")
    db.session.commit()
    browser = Browser(app, "noivu")
    assert browser.get(f"/campaigns/{c.id}").find(id="public-notice")
    page = browser.get(f"/campaigns/{c.id}/public-notice")
    assert page.status == 200
    assert [r["data-nomination-id"] for r in page.rows("notice-candidates")] == [str(n.id)]
    page = browser.post(f"/campaigns/{c.id}/public-notice", {"nomination_ids": str(n.id), "published_on": ""})
    assert page.status == 422 and page.errors()["published_on"] == "Ngày niêm yết công khai là bắt buộc"
    page = browser.post(
        f"/campaigns/{c.id}/public-notice",
        {"nomination_ids": str(n.id), "published_on": FRIDAY.isoformat(), "note": "Trụ sở UBND thị xã"},
    )
    assert page.status == 302
    (notice,) = db.session.scalars(select(PublicNotice)).all()
    assert (notice.published_on, notice.note, notice.nominations) == (FRIDAY, "Trụ sở UBND thị xã", [n])
    expected = "Đã công khai ngày 06/03/2026, đủ hạn ngày 10/03/2026"
    assert browser.get(f"/campaigns/{c.id}/public-notice").rows("notice-candidates")[0]["text"].endswith(expected)
    assert browser.get(f"/nominations/{n.id}").text("n-public-notice") == expected


def test_a_nomination_out_of_reach_posted_from_the_page_is_a_404(app):
    c = _requiring(2)
    submitted = nomination_in("submitted")
    db.session.commit()
    page = Browser(app, "noivu").post(
        f"/campaigns/{c.id}/public-notice", {"nomination_ids": str(submitted.id), "published_on": FRIDAY.isoformat()}
    )
    assert page.status == 404
    assert db.session.scalars(select(PublicNotice)).all() == []
    assert Browser(app, "vpdp").get(f"/campaigns/{c.id}/public-notice").status == 403


def test_the_admin_sets_the_notice_days_on_the_campaign_page_audited(app):
    c = campaign()
    browser = Browser(app, "admin")
    form = {
        "name": c.name, "plan_number": c.plan_number or "", "plan_date": c.plan_date.isoformat() if c.plan_date else "",
        "period_starts_on": c.period_starts_on.isoformat(), "period_ends_on": c.period_ends_on.isoformat(),
        "submission_opens_on": c.submission_opens_on.isoformat(), "submission_closes_on": c.submission_closes_on.isoformat(),
        "appraisal_days": str(c.appraisal_days), "council_days": str(c.council_days),
        "signature_days": str(c.signature_days), "resubmission_days": str(c.resubmission_days),
        "award_form_ids": [str(f.id) for f in c.award_forms],
    }
    page = browser.post(f"/admin/campaigns/{c.id}", form | {"public_notice_days": "31"})
    assert page.status == 422
    assert page.errors()["public_notice_days"] == "Số ngày làm việc công khai danh sách trước khi Hội đồng họp không được quá 30"
    assert browser.post(f"/admin/campaigns/{c.id}", form | {"public_notice_days": "5"}).status == 302
    db.session.expire_all()
    assert c.public_notice_days == 5
    (event,) = [
        e for e in db.session.scalars(select(AuditEvent).filter_by(action="admin", object_type="campaign"))
        if e.details.get("op") == "update_campaign"
    ]
    assert event.changes == {"public_notice_days": [None, 5]}


def test_the_api_reads_and_edits_the_notice_days(app, api):
    c = campaign()
    admin = api("admin")
    assert admin.get(f"/api/v1/campaigns/{c.id}/rules").get_json()["public_notice_days"] is None
    answer = admin.patch(f"/api/v1/campaigns/{c.id}", json={"public_notice_days": 0})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"]["fields"]["public_notice_days"] == (
        "Số ngày làm việc công khai danh sách trước khi Hội đồng họp phải từ 1 trở lên"
    )
    answer = admin.patch(f"/api/v1/campaigns/{c.id}", json={"public_notice_days": 5})
    assert answer.status_code == 200 and answer.get_json()["public_notice_days"] == 5


def test_a_notice_switched_on_later_does_not_stop_dossiers_already_on_their_way(app):
    on_its_way = nomination_in("council_review")
    _requiring(5)
    assert step(on_its_way, "noivu", "submit_for_signature", _council_fields(MONDAY)).state == "awaiting_signature"
    later = nomination_in("council_review")
    with pytest.raises(WorkflowError) as refused:
        step(later, "noivu", "submit_for_signature", _council_fields(MONDAY))
    assert refused.value.code == "public_notice_required"
