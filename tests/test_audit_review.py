"""The auditor's review: refusals in the trail, filtered pages, CSV export, a nomination's
timeline, the chain check page and checking a file against what was issued."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from sqlalchemy import func, select, text
from test_pages_support import Browser, visible_text

from tdkt.models import AuditEvent, db
from tdkt.workflow import audit

from factories import actor, nomination_in, step


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def test_refusals_on_real_nominations_are_recorded(app, api):
    other_unit = nomination_in("submitted", proposer="xa.laihoa")
    own = nomination_in("submitted")
    db.session.commit()
    assert api("xa.vinhhiep").get(f"/api/v1/nominations/{other_unit.id}").status_code == 404
    refused = api("kiemtra").post(f"/api/v1/nominations/{own.id}/actions/start_appraisal", json={"version": own.version})
    assert refused.status_code == 403
    assert api("xa.vinhhiep").get("/api/v1/nominations/999999").status_code == 404  # no object, no event
    denied = _events("denied")
    assert [(e.actor.username, e.nomination_id, e.details["code"]) for e in denied] == [
        ("xa.vinhhiep", other_unit.id, "not_found"),
        ("kiemtra", own.id, "forbidden"),
    ]
    assert denied[0].details["path"] == f"/api/v1/nominations/{other_unit.id}"
    assert all(e.ip == "127.0.0.1" for e in denied)


def test_a_page_refusal_is_recorded_too(app):
    other_unit = nomination_in("submitted", proposer="xa.laihoa")
    db.session.commit()
    assert Browser(app, "xa.vinhhiep").get(f"/nominations/{other_unit.id}").status == 404
    assert [e.nomination_id for e in _events("denied")] == [other_unit.id]


@pytest.mark.parametrize("username", ["xa.vinhhiep", "vpdp", "noivu", "chutich"])
def test_only_auditors_and_admins_read_the_trail(app, username):
    browser = Browser(app, username)
    for url in ("/audit", "/audit/export.csv", "/audit/verify", "/audit/check-file"):
        assert browser.get(url).status == 403, url


def test_the_auditor_filters_the_trail(app):
    first = nomination_in("in_appraisal")
    nomination_in("submitted", proposer="xa.laihoa")
    db.session.commit()
    auditor = Browser(app, "kiemtra")
    page = auditor.get(f"/audit?nomination_id={first.id}")
    assert page.status == 200
    rows = page.find(**{"data-action": "transition"})
    assert len(rows) == 2  # submit, start_appraisal (newest first)
    by_actor = auditor.get("/audit?actor=vpdp&action=transition")
    assert {e["attrs"]["data-action"] for e in by_actor.elements if "data-event-id" in e["attrs"]} == {"transition"}
    assert "Lê Minh Tâm" in visible_text(by_actor)
    bad = auditor.get("/audit?since=2026-13-01")
    assert bad.status == 200 and "Ngày phải có dạng YYYY-MM-DD" in visible_text(bad)


def test_the_trail_is_scoped_by_unit(app):
    """An auditor of the town sees no event of a unit outside it (the Hà Nam province)."""
    ha_nam = db.session.execute(text("SELECT id FROM units WHERE code = 'HN-LN-NT'")).scalar_one()
    audit.record(actor("kiemtra"), "admin", unit_id=ha_nam, details={"note": "ngoài phạm vi"})
    db.session.commit()
    body = Browser(app, "kiemtra").get(f"/audit?unit_id={ha_nam}")
    assert not [e for e in body.elements if "data-event-id" in e["attrs"]]
    admin_events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.unit_id == ha_nam))
    assert admin_events == 1


def test_csv_export_is_excel_ready_and_neutralises_formulas(app):
    nomination = nomination_in("draft")
    step(nomination, "xa.vinhhiep", "withdraw", {"comment": "=HYPERLINK(\"http://x\")"})
    audit.record(actor("kiemtra"), "admin", details={"note": "@SUM(1)"})
    db.session.commit()
    response = Browser(app, "kiemtra").get(f"/audit/export.csv?nomination_id={nomination.id}").response
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["ID", "Thời gian", "Người thực hiện", "Vai trò", "Hành động"]
    withdrawal = next(r for r in rows[1:] if r[5] == "Rút hồ sơ")
    assert withdrawal[9] == "'=HYPERLINK(\"http://x\")"
    assert withdrawal[8] == "Đơn vị rút hồ sơ"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_nominations_timeline(app):
    nomination = nomination_in("council_review")
    db.session.commit()
    page = Browser(app, "kiemtra").get(f"/audit/nominations/{nomination.id}")
    assert page.status == 200
    states = [e["attrs"]["data-state"] for e in page.elements if e["tag"] == "tr" and "data-state" in e["attrs"]]
    assert states == ["draft", "submitted", "in_appraisal", "council_review"]
    assert "Đủ điều kiện" in visible_text(page)


def test_the_verify_page_reports_a_broken_chain(app, backend):
    nomination_in("submitted")
    db.session.commit()
    auditor = Browser(app, "kiemtra")
    assert auditor.get("/audit/verify").find(id="verify-result")[0]["attrs"]["data-ok"] == "true"
    if backend == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
    db.session.execute(text("UPDATE audit_events SET comment = 'x' WHERE seq = 2"))
    db.session.commit()
    page = auditor.get("/audit/verify")
    assert page.find(id="verify-result")[0]["attrs"]["data-ok"] == "false"
    assert "KHÔNG toàn vẹn" in visible_text(page)


def test_checking_a_file_against_what_was_issued(app):
    issued = "Quyết định khen thưởng số 01/QĐ-UBND".encode()
    nomination = nomination_in("approved")
    audit.record(
        actor("chutich"), "document", nomination=nomination,
        details={"kind": "quyet_dinh", "sha256": hashlib.sha256(issued).hexdigest()},
    )
    db.session.commit()
    auditor = Browser(app, "kiemtra")
    match = auditor.client.post(
        "/audit/check-file", data={"file": (io.BytesIO(issued), "qd.docx")}, content_type="multipart/form-data"
    )
    assert 'data-matches="1"' in match.get_data(as_text=True)
    forged = auditor.client.post(
        "/audit/check-file", data={"file": (io.BytesIO(issued + b" "), "qd.docx")}, content_type="multipart/form-data"
    )
    assert 'data-matches="0"' in forged.get_data(as_text=True)
