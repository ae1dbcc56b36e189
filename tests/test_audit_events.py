"""Every kind of audit event, written by the real action of a person (a page or an API call,
or the cron command for the system's own events), with each field of its row checked: time,
actor, role, unit, address, browser, object, action and details; the chain verifies after each.
Every administrative operation has its own case too: they share the kind "admin", and the guard
at the end reads the operations from the app's source.

Kind written elsewhere with the same care: `file_damaged` in test_attachments_integrity.py.
"""

from __future__ import annotations

import ast
import hashlib
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_pages_support import Browser

import tdkt
from tdkt.models import (
    ApiToken,
    AuditEvent,
    AwardForm,
    CalendarOverride,
    Campaign,
    Pool,
    PublicNotice,
    RuleVersion,
    Unit,
    User,
    db,
)
from tdkt.models.documents import BaseSalary, DocumentIssuer, DocumentTemplate, LegalBasis
from tdkt.workflow import attachment_store, auth, calendar
from tdkt.workflow.audit_query import ACTIONS
from tdkt.workflow.audit_verify import verify
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents.templates import builtin_path

import factories
from attachments_support import API, pdf, upload
from conftest import DEMO_PASSWORD
from factories import nomination_in, step

ADDRESS = "203.0.113.7"
BROWSER = "TDKT-kiem-thu/1.0 (audit)"


@pytest.fixture
def client(app):
    """Every request of these tests comes from one known address and browser (the `api`
    fixture's client too)."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    return client


def browser(app, username: str | None) -> Browser:
    person = Browser(app)
    person.client.environ_base.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    if username is not None:
        assert person.post("/login", {"username": username, "password": DEMO_PASSWORD}).status == 302
    return person


def user(username: str) -> User:
    return factories.user(username)


def unit(code: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


@dataclass
class Expected:
    """The event an action must leave, field by field. `details` and `changes` must be
    contained in the row's (other keys may be there too). The system's own events come from a
    command: no address, and the command's name for a browser."""

    action: str
    actor: str | None
    role: str | None
    unit_id: int | None
    object_type: str | None
    object_id: int | None
    nomination_id: int | None = None
    details: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    transition: tuple[str | None, str | None, str | None] = (None, None, None)  # trigger, from, to
    comment: str | None = None
    ip: str | None = ADDRESS
    user_agent: str | None = BROWSER


class Trail:
    """Where the trail stood before the action under test."""

    def __init__(self, app, api, monkeypatch, tmp_path: Path):
        self.app, self.api, self.monkeypatch, self.tmp_path = app, api, monkeypatch, tmp_path
        self.frozen_at: datetime | None = None
        self.mark()

    def clock(self, now: datetime) -> None:
        """The system's time from now on (the sweep's and the audit's)."""
        self.frozen_at = now
        for where in ("tdkt.workflow.clock.utcnow", "tdkt.workflow.audit.utcnow", "tdkt.workflow.reminders.utcnow"):
            self.monkeypatch.setattr(where, lambda: now)

    def mark(self) -> None:
        db.session.commit()
        self.seq = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
        self.started = self.now()

    def now(self) -> datetime:
        return self.frozen_at or datetime.now(UTC)

    def since(self) -> list[AuditEvent]:
        db.session.expire_all()
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > self.seq).order_by(AuditEvent.seq)))


CASES: dict[str, Callable[[Trail], Expected]] = {}
COVERED_ACTIONS = {"file_damaged"}  # test_attachments_integrity.py
COVERED_ADMIN_OPERATIONS: set[str] = set()


def case(action: str, admin_operation: str | None = None):
    """Register an action's test case; `action` is the kind of event it must leave and, for an
    "admin" event, `admin_operation` the change it records (see admin_operations_in_the_code)."""

    def register(function: Callable[[Trail], Expected]) -> Callable[[Trail], Expected]:
        CASES[function.__name__] = function
        COVERED_ACTIONS.add(action)
        if admin_operation is not None:
            COVERED_ADMIN_OPERATIONS.add(admin_operation)
        return function

    return register


# --- signing in and out -----------------------------------------------------------------------


@case("login")
def login_on_the_page(t: Trail) -> Expected:
    browser(t.app, "xa.vinhhiep")
    return Expected("login", "xa.vinhhiep", None, user("xa.vinhhiep").unit_id, None, None,
                    details={"username": "xa.vinhhiep"})


@case("login_failed")
def login_failed_on_the_page(t: Trail) -> Expected:
    page = browser(t.app, None).post("/login", {"username": "vpdp", "password": "sai-mat-khau"})
    assert page.status == 401
    return Expected("login_failed", None, None, None, None, None, details={"username": "vpdp"})


@case("logout")
def logout(t: Trail) -> Expected:
    person = browser(t.app, "kiemtra")
    t.mark()
    assert person.post("/logout", {}).status == 302
    return Expected("logout", "kiemtra", None, user("kiemtra").unit_id, None, None)


@case("token")
def api_token_issued(t: Trail) -> Expected:
    answer = t.api("vpdp").client.post("/api/v1/auth/token", json={"username": "vpdp", "password": DEMO_PASSWORD})
    row = db.session.scalars(select(ApiToken).filter_by(token_hash=auth._digest(answer.get_json()["token"]))).one()
    return Expected("token", "vpdp", None, user("vpdp").unit_id, "api_token", row.id, details={"op": "issue"})


@case("token")
def api_token_revoked(t: Trail) -> Expected:
    appraiser = t.api("vpdp")
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user("vpdp").id)).one()
    t.mark()
    assert appraiser.delete("/api/v1/auth/token").status_code == 204
    return Expected("token", "vpdp", None, user("vpdp").unit_id, "api_token", row.id, details={"op": "revoke"})


# --- a dossier's life -------------------------------------------------------------------------


def _nomination_body(name: str) -> dict:
    pool = factories.unlimited_pool("xa.vinhhiep")
    return {
        "campaign_id": factories.campaign().id, "pool_id": pool.id, "nominee_kind": "individual",
        "category": "individual_citizen", "nominee_name": name, "birth_year": 1961,
        "achievement_summary": "Hiến 300 m² đất làm đường.", "contribution_vnd": 50_000_000,
    }


@case("create")
def nomination_created(t: Trail) -> Expected:
    proposer = t.api("xa.vinhhiep")
    body = _nomination_body("Trần Thị Lệ")
    t.mark()
    created = proposer.post("/api/v1/nominations", json=body)
    assert created.status_code == 201, created.get_json()
    n_id = created.get_json()["id"]
    return Expected("create", "xa.vinhhiep", "proposer", user("xa.vinhhiep").unit_id, "nomination", n_id,
                    nomination_id=n_id, transition=(None, None, "draft"),
                    changes={"nominee_name": [None, "Trần Thị Lệ"], "contribution_vnd": [None, 50_000_000]})


@case("edit")
def nomination_edited_with_a_field_diff(t: Trail) -> Expected:
    n = factories.draft(nominee_name="Lý Văn Sơn")
    proposer = t.api("xa.vinhhiep")
    t.mark()
    edited = proposer.patch(f"/api/v1/nominations/{n.id}", json={"version": n.version, "nominee_name": "Lý Văn Sang"})
    assert edited.status_code == 200, edited.get_json()
    return Expected("edit", "xa.vinhhiep", "proposer", n.unit_id, "nomination", n.id, nomination_id=n.id,
                    transition=(None, "draft", "draft"), changes={"nominee_name": ["Lý Văn Sơn", "Lý Văn Sang"]})


@case("transition")
def transition_by_the_api(t: Trail) -> Expected:
    n = nomination_in("in_appraisal")
    appraiser = t.api("vpdp")
    t.mark()
    answer = appraiser.post(f"/api/v1/nominations/{n.id}/actions/pass_appraisal",
                            json={"version": n.version, "comment": "Đủ điều kiện, đề nghị Hội đồng xét"})
    assert answer.status_code == 200, answer.get_json()
    return Expected("transition", "vpdp", "appraiser", n.unit_id, "nomination", n.id, nomination_id=n.id,
                    transition=("pass_appraisal", "in_appraisal", "council_review"),
                    comment="Đủ điều kiện, đề nghị Hội đồng xét")


@case("transition")
def transition_on_the_page(t: Trail) -> Expected:
    n = factories.draft()
    person = browser(t.app, "xa.vinhhiep")
    t.mark()
    page = person.post(f"/nominations/{n.id}/actions/submit", {"version": str(n.version)})
    assert page.status == 302, page.message()
    return Expected("transition", "xa.vinhhiep", "proposer", n.unit_id, "nomination", n.id, nomination_id=n.id,
                    transition=("submit", "draft", "submitted"))


@case("edit")
def attachment_added(t: Trail) -> Expected:
    n = factories.draft()
    proposer = t.api("xa.vinhhiep")
    t.mark()
    added = upload(proposer, n.id, pdf("nhật ký"), "báo cáo.pdf").get_json()
    return Expected("edit", "xa.vinhhiep", "proposer", n.unit_id, "attachment", added["id"], nomination_id=n.id,
                    transition=(None, "draft", "draft"),
                    changes={"attachments": [None, "Báo cáo thành tích: báo cáo.pdf"]},
                    details={"op": "attachment_added", "sha256": hashlib.sha256(pdf("nhật ký")).hexdigest()})


@case("edit")
def attachment_removed_on_the_page(t: Trail) -> Expected:
    n = factories.draft()
    added = upload(t.api("xa.vinhhiep"), n.id, pdf("bản nháp"), "nháp.pdf").get_json()
    person = browser(t.app, "xa.vinhhiep")
    t.mark()
    assert person.post(f"/nominations/{n.id}/attachments/{added['id']}/remove", {}).status == 302
    return Expected("edit", "xa.vinhhiep", "proposer", n.unit_id, "attachment", added["id"], nomination_id=n.id,
                    transition=(None, "draft", "draft"),
                    changes={"attachments": ["Báo cáo thành tích: nháp.pdf", None]},
                    details={"op": "attachment_removed"})


@case("download")
def attachment_downloaded_on_the_page(t: Trail) -> Expected:
    n = factories.draft()
    added = upload(t.api("xa.vinhhiep"), n.id, pdf("tải về"), "tải.pdf").get_json()
    step(n, "xa.vinhhiep", "submit")
    person = browser(t.app, "kiemtra")
    t.mark()
    assert person.client.get(f"/nominations/{n.id}/attachments/{added['id']}").status_code == 200
    return Expected("download", "kiemtra", "auditor", n.unit_id, "attachment", added["id"], nomination_id=n.id,
                    details={"filename": "tải.pdf", "sha256": added["sha256"]})


@case("download")
def dossier_zip_downloaded(t: Trail) -> Expected:
    n = factories.draft()
    added = upload(t.api("xa.vinhhiep"), n.id, pdf("gói"), "gói.pdf").get_json()
    step(n, "xa.vinhhiep", "submit")
    appraiser = t.api("vpdp")
    t.mark()
    got = appraiser.get(f"{API}/nominations/{n.id}/attachments.zip")
    assert got.status_code == 200
    return Expected("download", "vpdp", "appraiser", n.unit_id, "nomination", n.id, nomination_id=n.id,
                    details={"zip": True, "attachment_ids": [added["id"]], "sha256": hashlib.sha256(got.data).hexdigest()})


@case("document")
def document_generated(t: Trail) -> Expected:
    n = nomination_in("approved")
    proposer = t.api("xa.vinhhiep")
    t.mark()
    got = proposer.get(f"/api/v1/nominations/{n.id}/documents/giay_khen")
    assert got.status_code == 200
    return Expected("document", "xa.vinhhiep", "proposer", n.unit_id, "nomination", n.id, nomination_id=n.id,
                    details={"kind": "giay_khen", "sha256": hashlib.sha256(got.data).hexdigest()})


@case("download")
def document_job_result_downloaded(t: Trail) -> Expected:
    waiting = [nomination_in("awaiting_signature") for _ in range(2)]
    day = (local_today() - timedelta(days=1)).isoformat()
    chairman = t.api("chutich")
    signed = chairman.post("/api/v1/nominations/actions/sign", json={
        "items": [{"id": n.id, "version": n.version} for n in waiting], "decision_date": day,
    })
    assert signed.status_code == 200, signed.get_json()
    db.session.expire_all()
    t.app.config["DOCUMENT_BATCH_THRESHOLD"] = 1
    try:
        job = chairman.get(f"/api/v1/decisions/{waiting[0].decision_id}/documents/giay_khen").get_json()
    finally:
        t.app.config.pop("DOCUMENT_BATCH_THRESHOLD")
    t.mark()
    result = chairman.get(f"/api/v1/jobs/{job['job_id']}/result")
    assert result.status_code == 200
    return Expected("download", "chutich", None, user("chutich").unit_id, "document_job", job["job_id"],
                    details={"kind": "giay_khen", "sha256": hashlib.sha256(result.data).hexdigest()})


@case("denied")
def refusal_on_a_real_nomination(t: Trail) -> Expected:
    theirs = nomination_in("submitted", proposer="xa.laihoa")
    proposer = t.api("xa.vinhhiep")
    t.mark()
    assert proposer.post(f"/api/v1/nominations/{theirs.id}/actions/withdraw",
                         json={"version": theirs.version, "comment": "x"}).status_code == 404
    return Expected("denied", "xa.vinhhiep", None, theirs.unit_id, "nomination", theirs.id, nomination_id=theirs.id,
                    details={"code": "not_found", "status": 404, "method": "POST",
                             "path": f"/api/v1/nominations/{theirs.id}/actions/withdraw"})


@case("edit")
def notification_settings_edited(t: Trail) -> Expected:
    person = browser(t.app, "vpdp")
    me = user("vpdp")
    before = me.email
    t.mark()
    page = person.post("/profile", {"email": "vpdp.moi@vinhchau.gov.vn", "digest": "immediate"})
    assert page.status == 302, page.message()
    return Expected("edit", "vpdp", None, me.unit_id, "user", me.id,
                    changes={"email": [before, "vpdp.moi@vinhchau.gov.vn"]})


# --- administration ---------------------------------------------------------------------------


def _admin(op: str, object_type: str, object_id: int, unit_id: int, changes=None) -> Expected:
    return Expected("admin", "admin", "admin", unit_id, object_type, object_id, details={"op": op},
                    changes=changes or {})


@case("admin", "change_password")
def own_password_changed(t: Trail) -> Expected:
    person = browser(t.app, "xa.vinhtan")
    me = user("xa.vinhtan")
    t.mark()
    page = person.post("/password", {"old_password": DEMO_PASSWORD, "new_password": "mat-khau-rieng-7",
                                      "confirm": "mat-khau-rieng-7"})
    assert page.status == 302, page.errors()
    # The proposer acted as themselves, not as an administrator.
    return Expected("admin", "xa.vinhtan", None, me.unit_id, "user", me.id, details={"op": "change_password"})


@case("admin", "create_user")
def admin_creates_a_user(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    t.mark()
    page = person.post("/admin/users/new", {
        "username": "xa.laihoa3", "full_name": "Thạch Thị Mai", "email": "mai@laihoa.gov.vn",
        "unit_id": str(unit("VC-LHOA").id), "password": "mat-khau-tam",
    })
    assert page.status == 302, page.errors()
    created = user("xa.laihoa3")
    return _admin("create_user", "user", created.id, unit("VC-LHOA").id,
                  {"username": [None, "xa.laihoa3"], "full_name": [None, "Thạch Thị Mai"]})


@case("admin", "deactivate_user")
def admin_deactivates_a_user(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    target = user("vpdp2")
    t.mark()
    assert person.post(f"/admin/users/{target.id}/deactivate", {}).status == 302
    return _admin("deactivate_user", "user", target.id, target.unit_id, {"active": [True, False]})


@case("admin", "activate_user")
def admin_reactivates_a_user(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    target = user("vpdp2")
    assert person.post(f"/admin/users/{target.id}/deactivate", {}).status == 302
    t.mark()
    assert person.post(f"/admin/users/{target.id}/activate", {}).status == 302
    return _admin("activate_user", "user", target.id, target.unit_id, {"active": [False, True]})


@case("admin", "reset_password")
def admin_resets_a_password(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    target = user("xa.vinhtan")
    t.mark()
    assert person.post(f"/admin/users/{target.id}/password", {"password": "mat-khau-moi-9"}).status == 302
    return _admin("reset_password", "user", target.id, target.unit_id)


@case("admin", "set_assignments")
def admin_assigns_a_role(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    target = user("vpdp2")
    before = [f"{a.role}@{a.scope_unit.code}" for a in target.assignments]
    t.mark()
    page = person.post(f"/admin/users/{target.id}/assignments",
                       {"role": "auditor", "scope_unit_id": str(unit("VC-VHIEP").id), "capacity": ""})
    assert page.status == 302, page.errors()
    return _admin("set_assignments", "user", target.id, target.unit_id,
                  {"assignments": [before, [*before, "auditor@VC-VHIEP"]]})


@case("admin", "create_unit")
def admin_adds_a_unit(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    parent = unit("VC-VTAN")
    t.mark()
    page = person.post("/admin/units/new", {"parent_id": str(parent.id), "code": "VC-VTAN-A9", "name": "Ấp Thử", "kind": "hamlet"})
    assert page.status == 302, page.errors()
    hamlet = unit("VC-VTAN-A9")
    return _admin("create_unit", "unit", hamlet.id, hamlet.id, {"code": [None, "VC-VTAN-A9"]})


@case("admin", "set_recognition")
def admin_records_a_recognition(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    commune = unit("VC-VTAN")
    t.mark()
    page = person.post(f"/admin/units/{commune.id}",
                       {"recognized": "1", "decision_number": "3001/QĐ-UBND", "decision_date": "2022-03-15"})
    assert page.status == 302, page.errors()
    return _admin("set_recognition", "unit", commune.id, commune.id, {"recognized": [False, True]})


@case("admin", "set_attachment_requirements")
def admin_sets_the_required_papers(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    form = db.session.get(AwardForm, factories.draft().award_form_id)
    t.mark()
    page = person.post(f"/admin/award-forms/{form.id}/attachments", [("required", "*:bao_cao_thanh_tich")])
    assert page.status == 302, page.message()
    # Not about one unit: the administrator's own unit stands for where it was done.
    return _admin("set_attachment_requirements", "award_form", form.id, user("admin").unit_id,
                  {"attachment_requirements": [[], ["*:bao_cao_thanh_tich"]]})


def _admin_unit() -> int:
    """Where a change about no one unit was made: the administrator's own unit."""
    return user("admin").unit_id


@case("admin", "add_calendar_override")
def admin_adds_a_day_off_to_the_calendar(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    t.mark()
    page = person.post("/admin/calendar", {"day": "2026-12-29", "kind": "day_off", "note": "Nghỉ bù sự kiện của thị xã"})
    assert page.status == 302, page.errors()
    row = db.session.scalars(select(CalendarOverride).filter_by(day=date(2026, 12, 29))).one()
    return _admin("add_calendar_override", "calendar_override", row.id, _admin_unit(),
                  {"day": [None, "2026-12-29"], "kind": [None, "day_off"], "note": [None, "Nghỉ bù sự kiện của thị xã"]})


@case("admin", "remove_calendar_override")
def admin_removes_a_day_from_the_calendar(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    assert person.post("/admin/calendar", {"day": "2026-12-26", "kind": "working_day", "note": "Làm bù"}).status == 302
    row = db.session.scalars(select(CalendarOverride).filter_by(day=date(2026, 12, 26))).one()
    t.mark()
    assert person.post(f"/admin/calendar/{row.id}/delete", {}).status == 302
    assert db.session.get(CalendarOverride, row.id) is None
    return _admin("remove_calendar_override", "calendar_override", row.id, _admin_unit(),
                  {"day": ["2026-12-26", None], "kind": ["working_day", None]})


def _latest_rule_version(campaign_id: int) -> int:
    return db.session.scalar(select(func.max(RuleVersion.number)).where(RuleVersion.campaign_id == campaign_id))


@case("admin", "update_campaign")
def admin_edits_the_campaign_on_the_page(t: Trail) -> Expected:
    c = factories.campaign()
    person = browser(t.app, "admin")
    form = {
        "name": c.name, "plan_number": "34/KH-UBND", "plan_date": c.plan_date.isoformat() if c.plan_date else "",
        "period_starts_on": c.period_starts_on.isoformat(), "period_ends_on": c.period_ends_on.isoformat(),
        "submission_opens_on": c.submission_opens_on.isoformat(), "submission_closes_on": c.submission_closes_on.isoformat(),
        "appraisal_days": str(c.appraisal_days), "council_days": str(c.council_days),
        "signature_days": str(c.signature_days), "resubmission_days": str(c.resubmission_days),
        "award_form_ids": [str(f.id) for f in c.award_forms],
    }
    before = c.plan_number
    t.mark()
    page = person.post(f"/admin/campaigns/{c.id}", form)
    assert page.status == 302, page.errors()
    expected = _admin("update_campaign", "campaign", c.id, c.owner_unit_id, {"plan_number": [before, "34/KH-UBND"]})
    expected.details["rule_version"] = _latest_rule_version(c.id)
    return expected


@case("admin", "publish_notice")
def secretary_posts_the_list_on_the_page(t: Trail) -> Expected:
    c = factories.campaign()
    c.public_notice_days = 5
    n = nomination_in("council_review")
    person = browser(t.app, "noivu")
    t.mark()
    page = person.post(f"/campaigns/{c.id}/public-notice",
                       {"nomination_ids": str(n.id), "published_on": "2026-03-02", "note": "Trụ sở UBND thị xã"})
    assert page.status == 302, page.errors()
    notice = db.session.scalars(select(PublicNotice)).one()
    return Expected("admin", "noivu", "council_secretary", user("noivu").unit_id, "public_notice", notice.id,
                    details={"op": "publish_notice", "campaign_id": c.id, "published_on": "2026-03-02",
                             "nomination_ids": [n.id]})


@case("admin", "update_pool")
def admin_edits_a_pool_by_the_api(t: Trail) -> Expected:
    c = factories.campaign()
    pool = next(p for p in c.pools if p.code == "VC-VHIEP")
    admin = t.api("admin")
    t.mark()
    answer = admin.patch(f"/api/v1/campaigns/{c.id}/pools/{pool.id}",
                         json={"limit_individual": 5, "category_limits": {"individual_citizen": 4}})
    assert answer.status_code == 200, answer.get_json()
    expected = _admin("update_pool", "pool", pool.id, c.owner_unit_id,
                      {"limit_individual": [4, 5], "category_limits.individual_citizen": [3, 4]})
    expected.details |= {"campaign_id": c.id, "rule_version": _latest_rule_version(c.id)}
    return expected


@case("admin", "set_criterion")
def admin_adds_a_criterion_on_the_page(t: Trail) -> Expected:
    c = factories.campaign()
    person = browser(t.app, "admin")
    t.mark()
    page = person.post(f"/admin/campaigns/{c.id}/criteria", {
        "code": "khong_vi_pham", "kind": "attestation", "name": "Không vi phạm pháp luật trong thời gian thi đua",
        "category": "", "nominee_type": "", "award_form_id": "", "min_vnd": "",
    })
    assert page.status == 302, page.errors()
    expected = _admin("set_criterion", "campaign", c.id, c.owner_unit_id, {
        "criteria.khong_vi_pham.kind": [None, "attestation"],
        "criteria.khong_vi_pham.name": [None, "Không vi phạm pháp luật trong thời gian thi đua"],
    })
    expected.details["rule_version"] = _latest_rule_version(c.id)
    return expected


@case("admin", "remove_criterion")
def admin_removes_a_criterion_by_the_api(t: Trail) -> Expected:
    c = factories.campaign()
    citizen = next(cr for cr in c.criteria if cr.code == "min_contribution_citizen")
    admin = t.api("admin")
    t.mark()
    assert admin.delete(f"/api/v1/campaigns/{c.id}/criteria/{citizen.code}").status_code == 204
    expected = _admin("remove_criterion", "campaign", c.id, c.owner_unit_id, {
        "criteria.min_contribution_citizen.kind": ["min_contribution", None],
        "criteria.min_contribution_citizen.min_vnd": [50_000_000, None],
    })
    expected.details["rule_version"] = _latest_rule_version(c.id)
    return expected


@case("admin", "create_campaign")
def admin_launches_a_campaign_by_the_api(t: Trail) -> Expected:
    form = factories.campaign().award_forms[0]
    admin = t.api("admin")
    t.mark()
    answer = admin.post("/api/v1/campaigns", json={
        "code": "VC-2027", "name": "Phong trào thi đua năm 2027", "submission_opens_on": "2027-10-01",
        "submission_closes_on": "2027-11-15", "award_form_ids": [form.id],
    })
    assert answer.status_code == 201, answer.get_json()
    expected = _admin("create_campaign", "campaign", answer.get_json()["id"], _admin_unit(), {
        "code": [None, "VC-2027"], "appraisal_days": [None, 10], "award_form_ids": [None, [form.id]],
    })
    expected.details["rule_version"] = 1
    return expected


@case("admin", "create_pool")
def admin_adds_a_pool_on_the_page(t: Trail) -> Expected:
    c = factories.campaign()
    ward = db.session.scalars(select(Unit).filter_by(code="VC-P1")).one()
    person = browser(t.app, "admin")
    t.mark()
    page = person.post(f"/admin/campaigns/{c.id}/pools", {
        "code": "VC-PHUONG", "name": "Các phường", "unit_id": "", "member_ids": [str(ward.id)],
        "limit_collective": "2", "limit_individual": "", "categories": "TT | Tập thể phường | tập thể | 2",
    })
    assert page.status == 302, page.errors()
    pool = db.session.scalars(select(Pool).filter_by(campaign_id=c.id, code="VC-PHUONG")).one()
    expected = _admin("create_pool", "pool", pool.id, c.owner_unit_id, {
        "code": [None, "VC-PHUONG"], "member_ids": [None, [ward.id]], "category_limits.TT": [None, 2],
    })
    expected.details |= {"campaign_id": c.id, "rule_version": _latest_rule_version(c.id)}
    return expected


@case("admin", "create_award_form")
def admin_adds_an_award_form_by_the_api(t: Trail) -> Expected:
    c = factories.campaign()
    admin = t.api("admin")
    t.mark()
    answer = admin.post(f"/api/v1/campaigns/{c.id}/award-forms", json={
        "code": "GK-VC-2027", "name": "Giấy khen của Chủ tịch UBND thị xã", "pass_share_percent": 60,
        "levels": [{"name": "Thị xã", "office_unit_id": c.owner_unit_id}],
    })
    assert answer.status_code == 201, answer.get_json()
    expected = _admin("create_award_form", "award_form", answer.get_json()["id"], c.owner_unit_id, {
        "code": [None, "GK-VC-2027"], "pass_share_percent": [None, 60], "levels.1.office_unit_id": [None, c.owner_unit_id],
    })
    expected.details |= {"campaign_id": c.id, "rule_version": _latest_rule_version(c.id)}
    return expected


NEW_ROUND = {"code": "SO-KET", "name": "Sơ kết", "submission_opens_on": "2026-03-01",
             "submission_closes_on": "2026-04-30"}


def _round_event(op: str, c, round_id: int, changes: dict) -> Expected:
    expected = _admin(op, "campaign_round", round_id, c.owner_unit_id, changes)
    expected.details |= {"campaign_id": c.id, "rule_version": _latest_rule_version(c.id)}
    return expected


@case("admin", "create_round")
def admin_adds_a_round_by_the_api(t: Trail) -> Expected:
    c = factories.campaign()
    admin = t.api("admin")
    t.mark()
    answer = admin.post(f"/api/v1/campaigns/{c.id}/rounds", json=NEW_ROUND)
    assert answer.status_code == 201, answer.get_json()
    return _round_event("create_round", c, answer.get_json()["id"], {
        "code": [None, "SO-KET"], "submission_opens_on": [None, "2026-03-01"], "position": [None, 1],
    })


@case("admin", "update_round")
def admin_moves_a_rounds_window_on_the_page(t: Trail) -> Expected:
    c = factories.campaign()
    round_id = t.api("admin").post(f"/api/v1/campaigns/{c.id}/rounds", json=NEW_ROUND).get_json()["id"]
    person = browser(t.app, "admin")
    t.mark()
    page = person.post(f"/admin/campaigns/{c.id}/rounds/{round_id}", NEW_ROUND | {
        "submission_closes_on": "2026-05-15", "position": "1"})
    assert page.status == 302, page.errors()
    return _round_event("update_round", c, round_id, {"submission_closes_on": ["2026-04-30", "2026-05-15"]})


@case("admin", "delete_round")
def admin_removes_a_round_by_the_api(t: Trail) -> Expected:
    c = factories.campaign()
    admin = t.api("admin")
    round_id = admin.post(f"/api/v1/campaigns/{c.id}/rounds", json=NEW_ROUND).get_json()["id"]
    t.mark()
    assert admin.delete(f"/api/v1/campaigns/{c.id}/rounds/{round_id}").status_code == 204
    return _round_event("delete_round", c, round_id, {"code": ["SO-KET", None], "name": ["Sơ kết", None]})


@case("admin", "update_award_form")
def admin_edits_an_award_form_by_the_api(t: Trail) -> Expected:
    c = factories.campaign()
    form = c.award_forms[0]
    before = form.pass_share_percent
    admin = t.api("admin")
    t.mark()
    answer = admin.patch(f"/api/v1/award-forms/{form.id}", json={"pass_share_percent": 65})
    assert answer.status_code == 200, answer.get_json()
    # Every campaign offering the form gets a new rule version; the first one's unit stands for where.
    offering = [x for x in db.session.scalars(select(Campaign).order_by(Campaign.id)) if form in x.award_forms]
    expected = _admin("update_award_form", "award_form", form.id, offering[0].owner_unit_id,
                      {"pass_share_percent": [before, 65]})
    expected.details["rule_versions"] = {x.code: _latest_rule_version(x.id) for x in offering}
    return expected


@case("admin", "create_legal_basis")
def admin_adds_a_legal_basis_on_the_page(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    t.mark()
    page = person.post("/admin/legal-bases/new", {
        "code": "QD-HN-2025", "citation": "Quyết định số 12/2025/QĐ-UBND của UBND tỉnh", "position": "40",
        "valid_from": "2025-01-01", "valid_until": "",
    })
    assert page.status == 302, page.errors()
    row = db.session.scalars(select(LegalBasis).filter_by(code="QD-HN-2025")).one()
    return _admin("create_legal_basis", "legal_basis", row.id, _admin_unit(),
                  {"code": [None, "QD-HN-2025"], "valid_from": [None, "2025-01-01"]})


@case("admin", "update_legal_basis")
def admin_ends_a_legal_basis_by_the_api(t: Trail) -> Expected:
    row = db.session.scalars(select(LegalBasis).where(LegalBasis.valid_until.is_(None)).order_by(LegalBasis.id)).first()
    admin = t.api("admin")
    t.mark()
    answer = admin.patch(f"/api/v1/legal-bases/{row.id}", json={"valid_until": "2030-12-31"})
    assert answer.status_code == 200, answer.get_json()
    return _admin("update_legal_basis", "legal_basis", row.id, _admin_unit(), {"valid_until": [None, "2030-12-31"]})


@case("admin", "add_reward_coefficient")
def admin_adds_a_reward_coefficient_by_the_api(t: Trail) -> Expected:
    form = factories.campaign().award_forms[0]
    admin = t.api("admin")
    t.mark()
    answer = admin.post(f"/api/v1/award-forms/{form.id}/reward-coefficients", json={
        "recipient": "collective", "coefficient": "1,0", "article": "Điều 75 Nghị định 98/2023/NĐ-CP",
        "valid_from": "2031-01-01",
    })
    assert answer.status_code == 201, answer.get_json()
    expected = _admin("add_reward_coefficient", "award_form", form.id, _admin_unit(),
                      {"recipient": [None, "collective"], "coefficient": [None, "1"], "valid_from": [None, "2031-01-01"]})
    expected.details["coefficient_id"] = answer.get_json()["id"]
    return expected


@case("admin", "add_base_salary")
def admin_adds_a_base_salary_on_the_page(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    t.mark()
    page = person.post("/admin/base-salaries", {"amount_vnd": "2.530.000", "valid_from": "2031-01-01",
                                                "source": "Nghị định 2031"})
    assert page.status == 302, page.errors()
    row = db.session.scalars(select(BaseSalary).filter_by(valid_from=date(2031, 1, 1))).one()
    return _admin("add_base_salary", "base_salary", row.id, _admin_unit(),
                  {"amount_vnd": [None, 2_530_000], "source": [None, "Nghị định 2031"]})


@case("admin", "upload_template")
def admin_uploads_a_document_template(t: Trail) -> Expected:
    person = browser(t.app, "admin")
    data = builtin_path("giay_khen").read_bytes()
    t.mark()
    page = person.post("/admin/document-templates/giay_khen",
                       [("file", (io.BytesIO(data), "giấy khen.docx")), ("note", "Đổi phông chữ")])
    assert page.status == 302, page.message()
    row = db.session.scalars(select(DocumentTemplate).filter_by(kind="giay_khen").order_by(DocumentTemplate.version.desc())).first()
    return Expected("admin", "admin", "admin", _admin_unit(), "document_template", row.id, details={
        "op": "upload_template", "kind": "giay_khen", "version": row.version, "sha256": hashlib.sha256(data).hexdigest(), "filename": "giấy khen.docx",
    })


@case("admin", "update_issuer")
def admin_edits_a_document_issuer(t: Trail) -> Expected:
    commune = unit("VC-VHIEP")
    person = browser(t.app, "admin")
    url = f"/admin/document-issuers/{commune.id}/unit"
    form = {name: person.get(url).value(name) or "" for name in (
        "parent_line", "body_lines", "display_name", "abbreviation", "place_name", "authority", "head_title",
        "head_name", "fund_source")}
    before = form["head_name"]
    t.mark()
    page = person.post(url, form | {"head_name": "Nguyễn Văn Mới"})
    assert page.status == 302, page.errors()
    row = db.session.scalars(select(DocumentIssuer).filter_by(unit_id=commune.id, role="unit")).one()
    return Expected("admin", "admin", "admin", commune.id, "document_issuer", row.id,
                    details={"op": "update_issuer", "role": "unit"}, changes={"head_name": [before, "Nguyễn Văn Mới"]})


@case("admin", "set_certificate_offsets")
def admin_sets_the_certificate_offsets(t: Trail) -> Expected:
    town = unit("VC")
    person = browser(t.app, "admin")
    t.mark()
    page = person.post(f"/admin/certificate-layouts/{town.id}", {"offset_x_mm": "2,5", "offset_y_mm": "-1"})
    assert page.status == 302, page.errors()
    return _admin("set_certificate_offsets", "certificate_layout", town.id, town.id,
                  {"offset_x_mm": [0.0, 2.5], "offset_y_mm": [0.0, -1.0]})


@case("admin", "attachments_gc")
def attachments_gc_by_the_command(t: Trail) -> Expected:
    t.monkeypatch.setitem(t.app.config, "ATTACHMENTS_DIR", str(t.tmp_path / "store"))
    store = attachment_store.FolderStore(t.tmp_path / "store")
    left_behind = pdf("tải lên hỏng giữa chừng")
    with store.receive(io.BytesIO(left_behind), len(left_behind)) as incoming:
        store.keep(incoming)
    hours_ago = time.time() - 7200
    os.utime(store.path_of(incoming.sha256), (hours_ago, hours_ago))
    t.mark()
    result = t.app.test_cli_runner().invoke(args=["attachments", "gc", "--delete"])
    assert result.exit_code == 0, result.output
    return Expected("admin", None, None, None, "attachment_store", None,
                    details={"op": "attachments_gc", "removed_sha256": [incoming.sha256], "bytes": len(left_behind)},
                    ip=None, user_agent="attachments-gc")


# --- the system's own events ------------------------------------------------------------------


def _stage_due(n) -> tuple[date, datetime]:
    due = n.stage_due_on
    return due, datetime(due.year, due.month, due.day, 5, tzinfo=UTC)


def _sweep(t: Trail) -> None:
    result = t.app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0, result.output


@case("reminder")
def reminder_by_the_sweep(t: Trail) -> Expected:
    n = nomination_in("submitted")
    due, due_noon = _stage_due(n)
    working = calendar.current()
    day_before = due - timedelta(days=1)
    while not working.is_working_day(day_before):
        day_before -= timedelta(days=1)
    t.clock(due_noon - (due - day_before))
    t.mark()
    _sweep(t)
    return Expected("reminder", None, None, n.unit_id, "nomination", n.id, nomination_id=n.id,
                    details={"stage_due_on": due.isoformat(), "recipients": ["vpdp", "vpdp2"]},
                    ip=None, user_agent="deadline-sweep")


@case("escalation")
def escalation_by_the_sweep(t: Trail) -> Expected:
    n = nomination_in("submitted")
    due, due_noon = _stage_due(n)
    t.clock(due_noon + timedelta(days=7))
    t.mark()
    _sweep(t)
    return Expected("escalation", None, None, n.unit_id, "nomination", n.id, nomination_id=n.id,
                    details={"stage_due_on": due.isoformat()},
                    ip=None, user_agent="deadline-sweep")


@pytest.fixture
def trail(app, api, monkeypatch, tmp_path) -> Trail:
    return Trail(app, api, monkeypatch, tmp_path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_kind_of_event_is_written_whole_by_the_real_action(trail, name):
    expected = CASES[name](trail)
    written = [
        e for e in trail.since()
        if e.action == expected.action and e.object_type == expected.object_type and e.object_id == expected.object_id
    ]
    assert len(written) == 1, [(e.action, e.object_type, e.object_id, e.details) for e in trail.since()]
    (event,) = written
    assert (event.actor.username if event.actor else None) == expected.actor
    assert event.role == expected.role
    assert event.unit_id == expected.unit_id
    assert event.nomination_id == expected.nomination_id
    assert (event.trigger, event.from_state, event.to_state) == expected.transition
    assert event.comment == expected.comment
    assert expected.details.items() <= event.details.items(), event.details
    assert expected.changes.items() <= event.changes.items(), event.changes
    assert (event.ip, event.user_agent) == (expected.ip, expected.user_agent)
    assert trail.started - timedelta(seconds=1) <= event.at <= trail.now() + timedelta(seconds=1)
    assert event.action in ACTIONS
    assert verify().ok


def test_every_kind_of_event_has_a_case():
    """A new kind of event (audit_query.ACTIONS) needs its case above."""
    assert set(ACTIONS) == COVERED_ACTIONS


def _strings(node: ast.expr) -> list[str] | None:
    """The string constants an expression can be ('a' if x else 'b' is both); None if it can be
    anything else (a helper passing its own argument on)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def admin_operations_in_the_code() -> set[str]:
    """Every administrative change the app audits, read from its source: the operation passed to
    record_admin_change, or the `op` of an "admin" event's details (which every one must have)."""
    found: set[str] = set()
    for path in Path(tdkt.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            where = f"{path.relative_to(Path(tdkt.__file__).parent)}:{node.lineno}"
            if called == "record_admin_change":
                operations = _strings(node.args[1])
                assert operations is not None, f"{where}: the operation is not spelled out"
                found.update(operations)
            elif called == "record" and _strings(node.args[1]) == ["admin"]:
                keywords = {k.arg: k.value for k in node.keywords}
                details = keywords.get("details")
                op = None
                if isinstance(details, ast.Dict):  # a key of None is a **spread
                    op = next((v for k, v in zip(details.keys, details.values, strict=True) if k and _strings(k) == ["op"]), None)
                assert op is not None, f"{where}: an admin event without an op in its details"
                if _strings(op) is not None:  # a helper's own call passes its argument on
                    found.update(_strings(op))
    return found


def test_every_administrative_operation_has_a_case():
    """A new administrative change (users, units, campaigns, rules, calendar, templates, the
    file store) needs its case above, through the page, API call or command that makes it."""
    assert admin_operations_in_the_code() == COVERED_ADMIN_OPERATIONS
