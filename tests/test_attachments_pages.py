"""Attachments on the nomination page: the checklist with ticks, upload and removal by the
proposer (CSRF checked), refusals shown in place, what changed since a return for the
appraiser, downloads, and the admin's checklist page."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select
from test_pages_support import Browser, Page

from tdkt.models import AuditEvent, AwardForm, db
from tdkt.models.attachments import Attachment

import factories
from attachments_support import exe, pdf, png, require, requirements, sized_pdf
from factories import nomination_in, step


def upload(browser: Browser, nomination_id: int, content: bytes, name: str, kind="bao_cao_thanh_tich", **extra) -> Page:
    # Pairs, not a dict: Browser.post makes a MultiDict, which would split a (stream, name) tuple.
    return browser.post(
        f"/nominations/{nomination_id}/attachments",
        [("kind", kind), ("file", (io.BytesIO(content), name)), *extra.items()],
        content_type="multipart/form-data",
    )


def files_of(page: Page, table="attachment-files") -> list[str]:
    table_start = page.elements.index(page.find(id=table)[0])
    return [
        " ".join("".join(e["text"]).split())
        for e in page.elements[table_start:]
        if e["tag"] == "tr" and "data-attachment-id" in e["attrs"]
    ]


def ticks(page: Page) -> dict[str, str]:
    return {e["attrs"]["data-kind"]: e["attrs"]["data-done"] for e in page.find() if e["tag"] == "li" and "data-done" in e["attrs"]}


def attachment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def form_of(code: str) -> AwardForm:
    return db.session.scalars(select(AwardForm).filter_by(code=code)).one()


def test_proposer_ticks_the_checklist_by_uploading_then_removing(app):
    n = factories.draft()
    require(n.award_form_id, "bao_cao_thanh_tich")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    detail = browser.get(f"/nominations/{n.id}")
    assert ticks(detail) == {"bao_cao_thanh_tich": "no"}
    assert detail.find(id="attachment-form") and "upload-attachment" in detail.actions()
    assert "Chưa có tệp nào." in detail.text("attachment-files")

    done = upload(browser, n.id, pdf(), "hồ sơ (1).pdf")
    assert done.status == 302
    assert done.response.headers["Location"].endswith(f"/nominations/{n.id}#attachments")
    detail = browser.get(f"/nominations/{n.id}")
    assert "Đã thêm tệp “hồ sơ (1).pdf”." in detail.html
    assert ticks(detail) == {"bao_cao_thanh_tich": "yes"}
    (row,) = files_of(detail)
    assert "Báo cáo thành tích" in row and "hồ sơ (1).pdf" in row
    attachment = db.session.scalars(select(Attachment).filter_by(nomination_id=n.id)).one()

    got = browser.client.get(f"/nominations/{n.id}/attachments/{attachment.id}")
    assert got.status_code == 200 and got.data == pdf()
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"

    removed = browser.post(f"/nominations/{n.id}/attachments/{attachment.id}/remove", {})
    assert removed.status == 302
    detail = browser.get(f"/nominations/{n.id}")
    assert ticks(detail) == {"bao_cao_thanh_tich": "no"}
    assert files_of(detail) == []
    assert "hồ sơ (1).pdf" in detail.text("attachment-removed")
    submit = browser.post(f"/nominations/{n.id}/actions/submit", {"version": str(n.version)})
    assert submit.status == 422 and "Thiếu giấy tờ bắt buộc: Báo cáo thành tích" in submit.message()


def test_refusals_show_on_the_nomination_page_with_their_status(app):
    draft = factories.draft()
    returned = nomination_in("returned")
    submitted = nomination_in("submitted")
    other = factories.draft("xa.laihoa")
    db.session.commit()
    proposer = Browser(app, "xa.vinhhiep")
    before = attachment_count()

    impostor = upload(proposer, draft.id, exe(), "bao-cao.pdf")
    assert impostor.status == 422
    assert "Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG" in impostor.text("attachments") + impostor.html
    assert impostor.find(id="attachment-form")
    no_file = proposer.post(f"/nominations/{draft.id}/attachments", {"kind": "khac"}, content_type="multipart/form-data")
    assert no_file.status == 422 and "Cần chọn tệp để tải lên" in no_file.html
    closed = upload(proposer, submitted.id, pdf(), "a.pdf")
    assert closed.status == 409 and "Chỉ thêm, bớt tệp khi hồ sơ" in closed.html
    assert upload(Browser(app, "vpdp"), returned.id, pdf(), "a.pdf").status == 403
    hidden = upload(proposer, other.id, pdf(), "a.pdf")
    assert hidden.status == 404 and hidden.find(id="error", **{"data-status": "404"})
    assert attachment_count() == before


def test_upload_checks_csrf_once_the_request_is_capped(app, monkeypatch):
    n = factories.draft()
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 5000)
    browser = Browser(app)
    token = browser.get("/login").value("csrf_token")
    assert browser.post("/login", {"username": "xa.vinhhiep", "password": "demo-2026!", "csrf_token": token}).status == 302
    before = attachment_count()
    assert upload(browser, n.id, pdf(), "a.pdf").status == 400
    assert attachment_count() == before
    # Past the cap the form (token included) is never read: refused as too large, nothing kept.
    too_large = upload(browser, n.id, sized_pdf(300_000), "lon.pdf")
    assert too_large.status == 422 and "Tệp vượt quá dung lượng cho phép (4,9 KB mỗi tệp)." in too_large.html
    assert attachment_count() == before
    token = browser.get(f"/nominations/{n.id}").value("csrf_token")
    assert upload(browser, n.id, pdf(), "a.pdf", csrf_token=token).status == 302
    assert attachment_count() == before + 1
    (attachment,) = db.session.scalars(select(Attachment).filter_by(nomination_id=n.id))
    remove_url = f"/nominations/{n.id}/attachments/{attachment.id}/remove"
    assert browser.post(remove_url, {}).status == 400
    assert db.session.get(Attachment, attachment.id).removed_at is None


def test_the_appraiser_sees_what_changed_since_the_return_and_takes_the_zip(app):
    n = factories.draft()
    db.session.commit()
    proposer = Browser(app, "xa.vinhhiep")
    upload(proposer, n.id, pdf("ban 1"), "bao-cao.pdf")
    for username, trigger, extra in (
        ("xa.vinhhiep", "submit", {}),
        ("vpdp", "start_appraisal", {}),
        ("vpdp", "return_for_revision", {"comment": "Thiếu ảnh"}),
    ):
        n = step(n, username, trigger, extra)
    db.session.commit()
    (first,) = db.session.scalars(select(Attachment).filter_by(nomination_id=n.id))
    proposer.post(f"/nominations/{n.id}/attachments/{first.id}/remove", {})
    upload(proposer, n.id, pdf("ban 2"), "bao-cao.pdf")
    upload(proposer, n.id, png(), "ảnh hiện trường.png", kind="hinh_anh")
    assert proposer.post(f"/nominations/{n.id}/actions/submit", {"version": str(n.version)}).status == 302

    appraiser = Browser(app, "vpdp")
    detail = appraiser.get(f"/nominations/{n.id}")
    changes = detail.text("attachment-changes")
    assert changes.startswith("Thay đổi từ lần trả lại")
    assert "Thêm: Báo cáo thành tích — bao-cao.pdf" in changes
    assert "Thêm: Hình ảnh — ảnh hiện trường.png" in changes
    assert "Bỏ: Báo cáo thành tích — bao-cao.pdf" in changes
    assert [e["attrs"]["data-change"] for e in detail.find() if "data-change" in e["attrs"]] == ["added", "added", "removed"]
    assert not detail.find(id="attachment-form") and "remove-attachment" not in detail.actions()
    got = appraiser.client.get(f"/nominations/{n.id}/attachments.zip")
    assert got.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(got.data)).namelist()
    assert sorted(names) == ["Báo cáo thành tích/bao-cao.pdf", "Hình ảnh/ảnh hiện trường.png", "SHA256SUMS.txt"]
    older = appraiser.client.get(f"/nominations/{n.id}/attachments/{first.id}")
    assert older.status_code == 200 and older.data == pdf("ban 1")


def test_readers_download_but_get_no_file_buttons(app):
    n = factories.draft()
    db.session.commit()
    upload(Browser(app, "xa.vinhhiep"), n.id, pdf(), "bao-cao.pdf")
    auditor = Browser(app, "kiemtra")
    detail = auditor.get(f"/nominations/{n.id}")
    assert detail.status == 200 and detail.actions() == []
    assert files_of(detail) and not detail.find(id="attachment-form")
    (attachment,) = db.session.scalars(select(Attachment).filter_by(nomination_id=n.id))
    assert auditor.client.get(f"/nominations/{n.id}/attachments/{attachment.id}").status_code == 200
    download = db.session.scalars(
        select(AuditEvent).filter_by(nomination_id=n.id, action="download").order_by(AuditEvent.seq.desc())
    ).first()
    assert download.actor.username == "kiemtra" and download.ip is not None
    assert auditor.post(f"/nominations/{n.id}/attachments/{attachment.id}/remove", {}).status == 403


def test_demo_checklists_hanam_has_one_the_demo_campaign_none(app):
    assert requirements(form_of("GK-CT-VC").id) == set()
    for code in ("BK-TTG", "HCLD"):
        assert requirements(form_of(code).id) == {
            (None, "bao_cao_thanh_tich"),
            ("collective", "quyet_dinh_cong_nhan"),
        }


def test_admin_edits_the_checklist_of_an_award_form_in_scope(app):
    form = form_of("GK-CT-VC")
    url = f"/admin/award-forms/{form.id}/attachments"
    admin = Browser(app, "admin")
    page = admin.get(url)
    assert page.status == 200
    rows = [e["attrs"]["data-category"] for e in page.find() if e["tag"] == "tr" and "data-category" in e["attrs"]]
    assert rows[0] == "*" and {"collective_hamlet", "individual_citizen"} <= set(rows)

    saved = admin.post(url, [("required", "*:bao_cao_thanh_tich"), ("required", "individual_citizen:minh_chung_dong_gop")])
    assert saved.status == 302
    assert requirements(form.id) == {(None, "bao_cao_thanh_tich"), ("individual_citizen", "minh_chung_dong_gop")}
    event = db.session.scalars(select(AuditEvent).filter_by(action="admin", object_type="award_form").order_by(AuditEvent.seq.desc())).first()
    assert event.object_id == form.id and event.actor.username == "admin"
    assert event.changes["attachment_requirements"] == [[], ["*:bao_cao_thanh_tich", "individual_citizen:minh_chung_dong_gop"]]
    checked = {e["attrs"]["value"] for e in admin.get(url).find(name="required") if "checked" in e["attrs"]}
    assert checked == {"*:bao_cao_thanh_tich", "individual_citizen:minh_chung_dong_gop"}

    assert admin.post(url, [("required", "*:giay_to_gia")]).status == 400
    assert admin.post(url, [("required", "no_such_category:khac")]).status == 400
    assert admin.post(url, []).status == 302
    assert requirements(form.id) == set()
    assert Browser(app, "xa.vinhhiep").get(url).status == 403
    assert admin.get(f"/admin/award-forms/{form_of('BK-TTG').id}/attachments").status == 404
    assert admin.get("/admin/award-forms/99999999999/attachments").status == 404
