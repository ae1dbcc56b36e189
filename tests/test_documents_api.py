"""The document routes: content type and Vietnamese-safe file names, scope (another commune's is
404), roles (403), a Giấy khen before approval (409), PDF without LibreOffice (501), the
audit record, and a decision's certificates as a background job, in-process and through RQ."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import unquote

import pytest
from rq import SimpleWorker
from sqlalchemy import select
from test_documents_support import assert_signed_ready, read
from test_notifications_support import drop_queue, redis_or_skip

from tdkt.models import AuditEvent, db
from tdkt.workflow import engine
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import jobs

from factories import actor, campaign, nomination_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sign_all(*nominations):
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    items = [{"id": n.id, "version": n.version} for n in nominations]
    outcomes = engine.fire_many(actor("chutich"), "sign", {"items": items, "decision_date": yesterday})
    assert all(o.error is None for o in outcomes)
    db.session.commit()
    return outcomes[0].nomination.decision_id


def error_code(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_files_carry_their_type_name_and_hash(api):
    approved = nomination_in("approved", nominee_name="Lâm Thị Ngọc Hân")
    db.session.commit()
    response = api("xa.vinhhiep").get(f"/api/v1/nominations/{approved.id}/documents/giay_khen")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Giay-khen-Lam-Thi-Ngoc-Han.docx"; ')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Giấy khen - Lâm Thị Ngọc Hân.docx"
    assert_signed_ready(read(response.data), landscape=True)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document").order_by(AuditEvent.id.desc())
    ).first()
    assert event.nomination_id == approved.id
    assert event.details["sha256"] == response.headers["X-Content-SHA256"]
    auditor_view = api("kiemtra").get(f"/api/v1/audit?action=document&nomination_id={approved.id}")
    [seen] = auditor_view.get_json()["items"]
    assert seen["actor"]["username"] == "xa.vinhhiep"
    assert seen["details"]["kind"] == "giay_khen" and seen["details"]["template_version"] == 1
    assert seen["details"]["sha256"] == response.headers["X-Content-SHA256"]


def test_scope_roles_and_state(api):
    mine = nomination_in("awaiting_signature")
    theirs = nomination_in("approved", proposer="xa.laihoa")
    db.session.commit()
    laihoa, vinhhiep, office = api("xa.laihoa"), api("xa.vinhhiep"), api("vpdp")
    for kind in ("bao_cao_thanh_tich", "to_trinh", "giay_khen"):
        assert error_code(laihoa.get(f"/api/v1/nominations/{mine.id}/documents/{kind}")) == (404, "not_found")
    assert error_code(vinhhiep.get(f"/api/v1/nominations/{mine.id}/documents/giay_khen")) == (409, "not_approved")
    assert error_code(vinhhiep.get(f"/api/v1/decisions/{theirs.decision_id}/documents/quyet_dinh")) == (404, "not_found")
    assert laihoa.get(f"/api/v1/decisions/{theirs.decision_id}/documents/quyet_dinh").status_code == 200
    meeting = theirs.council_meeting_id
    assert error_code(laihoa.get(f"/api/v1/council-meetings/{meeting}/documents/bien_ban")) == (403, "forbidden")
    assert office.get(f"/api/v1/council-meetings/{meeting}/documents/bien_ban").status_code == 200
    campaign_id = campaign().id
    base = f"/api/v1/campaigns/{campaign_id}/documents"
    assert error_code(vinhhiep.get(f"{base}/danh_sach?issuer=office")) == (403, "forbidden")
    assert error_code(vinhhiep.get(f"{base}/danh_sach?unit_id={theirs.unit_id}")) == (404, "not_found")
    assert error_code(office.get(f"{base}/danh_sach?issuer=unit")) == (422, "validation_failed")
    own = vinhhiep.get(f"{base}/danh_sach")
    assert own.status_code == 200 and "Lai Hòa" not in read(own.data).text
    assert office.get(f"{base}/danh_sach?issuer=unit&unit_id={theirs.unit_id}").status_code == 200
    assert error_code(vinhhiep.get(f"{base}/bien_ban")) == (404, "not_found")
    assert error_code(vinhhiep.get(f"{base}/danh_sach?format=odt")) == (422, "validation_failed")
    assert error_code(vinhhiep.get(f"{base}/danh_sach?unit_id=abc")) == (400, "bad_request")
    assert error_code(vinhhiep.get(f"{base}/danh_sach?colour=red")) == (400, "bad_request")


def test_pdf_without_libreoffice_is_501_in_vietnamese(app, api):
    approved = nomination_in("approved")
    db.session.commit()
    app.config["SOFFICE_PATH"] = "/nonexistent/soffice"
    try:
        response = api("chutich").get(f"/api/v1/decisions/{approved.decision_id}/documents/quyet_dinh?format=pdf")
    finally:
        app.config.pop("SOFFICE_PATH")
    assert error_code(response) == (501, "pdf_unavailable")
    assert "LibreOffice" in response.get_json()["error"]["message"]
    assert "không xuất được PDF" in response.get_json()["error"]["message"]


@pytest.fixture
def batch(app):
    """A decision of three certificates, over a threshold of two: a batch."""
    waiting = [nomination_in("awaiting_signature") for _ in range(3)]
    decision_id = sign_all(*waiting)
    app.config["DOCUMENT_BATCH_THRESHOLD"] = 2
    yield decision_id
    app.config.pop("DOCUMENT_BATCH_THRESHOLD")


def test_a_large_batch_runs_as_a_job_in_process(batch, api):
    chairman = api("chutich")
    response = chairman.get(f"/api/v1/decisions/{batch}/documents/giay_khen")
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{job['job_id']}"
    polled = chairman.get(f"/api/v1/jobs/{job['job_id']}").get_json()
    assert (polled["status"], polled["progress"]) == ("finished", 100)
    result = chairman.get(polled["result_url"])
    assert result.status_code == 200 and result.mimetype == DOCX
    reading = read(result.data)
    assert_signed_ready(reading, landscape=True)
    assert reading.lines.count("GIẤY KHEN") == 3
    assert error_code(api("xa.vinhhiep").get(f"/api/v1/jobs/{job['job_id']}")) == (404, "not_found")
    small = chairman.get(f"/api/v1/decisions/{batch}/documents/quyet_dinh")
    assert small.status_code == 200


def test_a_large_batch_goes_to_an_rq_worker(app, batch, api):
    connection = redis_or_skip()
    from conftest import REDIS_URL

    queue = f"documents-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, DOCUMENT_QUEUE=queue)
    try:
        chairman = api("chutich")
        response = chairman.get(f"/api/v1/decisions/{batch}/documents/giay_khen")
        assert response.status_code == 202
        job_id = response.get_json()["job_id"]
        assert chairman.get(f"/api/v1/jobs/{job_id}").get_json()["status"] == "queued"
        worker = SimpleWorker([queue], connection=connection)
        assert worker.work(burst=True)
        db.session.expire_all()
        polled = chairman.get(f"/api/v1/jobs/{job_id}").get_json()
        assert (polled["status"], polled["progress"]) == ("finished", 100), polled
        assert read(chairman.get(polled["result_url"]).data).lines.count("GIẤY KHEN") == 3
        assert jobs.get(actor("chutich").user, job_id).sha256 == chairman.get(polled["result_url"]).headers["X-Content-SHA256"]
    finally:
        app.config.update(REDIS_URL=None)
        app.config.pop("DOCUMENT_QUEUE")
        drop_queue(connection, queue)
