"""Dossier attachments over the API: the type read from the content, safe names, size limits,
editing only while the proposer may, the required-papers checklist at submit and
pass_appraisal, versions kept across a return, audited downloads and the dossier's zip."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tdkt.models import AuditEvent, db
from tdkt.models.attachments import Attachment
from tdkt.workflow import attachment_store

import factories
from attachments_support import (
    API,
    docm,
    docx,
    exe,
    html,
    jpeg,
    pdf,
    plain_zip,
    png,
    require,
    sized_pdf,
    upload,
    xlsx,
)
from factories import nomination_in, step
from matrix_support import assert_error


def attachment_count(nomination_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.nomination_id == nomination_id)
    )


def events(nomination_id: int, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.nomination_id == nomination_id, AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
    )


def stored_files(app) -> set[Path]:
    root = Path(app.config["ATTACHMENTS_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_upload_list_download_with_safe_headers_and_an_audited_download(app, api):
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    content = pdf()
    created = upload(proposer, n.id, content, "hồ sơ (1).pdf")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in ("kind", "filename", "content_type", "size", "sha256")} == {
        "kind": "bao_cao_thanh_tich",
        "filename": "hồ sơ (1).pdf",
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    assert body["uploaded_by"]["username"] == "xa.vinhhiep" and body["removed_at"] is None
    stored = attachment_store.current().path_of(body["sha256"])
    assert stored.read_bytes() == content
    assert not stored.is_relative_to(Path(app.root_path) / "static")

    listed = proposer.get(f"{API}/nominations/{n.id}/attachments").get_json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]
    assert listed["removed"] == [] and listed["checklist"] == [] and listed["since_return"] is None

    before = len(events(n.id, "download"))
    got = api("kiemtra").get(f"{API}/nominations/{n.id}/attachments/{body['id']}")
    assert got.status_code == 200 and got.data == content
    assert got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["X-Content-SHA256"] == body["sha256"]
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "hồ sơ (1).pdf"
    downloads = events(n.id, "download")
    assert len(downloads) == before + 1
    assert downloads[-1].actor.username == "kiemtra" and downloads[-1].role == "auditor"
    assert downloads[-1].object_type == "attachment" and downloads[-1].object_id == body["id"]
    assert downloads[-1].details["sha256"] == body["sha256"]
    added = events(n.id, "edit")[-1]
    assert added.object_type == "attachment" and added.changes == {
        "attachments": [None, "Báo cáo thành tích: hồ sơ (1).pdf"]
    }


ACCEPTED = [
    (pdf, "bao-cao.pdf", "application/pdf", "bao-cao.pdf"),
    (docx, "Báo cáo thành tích.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Báo cáo thành tích.docx"),
    (xlsx, "đóng góp.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "đóng góp.xlsx"),
    (jpeg, "ảnh lễ.JPG", "image/jpeg", "ảnh lễ.JPG"),
    (png, "sơ đồ.png", "image/png", "sơ đồ.png"),
    # The content decides: a PDF named .png is a PDF, and its name says so.
    (pdf, "scan.png", "application/pdf", "scan.pdf"),
    (png, "ảnh", "image/png", "ảnh.png"),
]


@pytest.mark.parametrize(("make", "sent_name", "content_type", "kept_name"), ACCEPTED)
def test_accepted_types_are_read_from_the_content(app, api, make, sent_name, content_type, kept_name):
    n = factories.draft()
    db.session.commit()
    created = upload(api("xa.vinhhiep"), n.id, make(), sent_name, kind="khac")
    assert created.status_code == 201, created.get_json()
    assert (created.get_json()["content_type"], created.get_json()["filename"]) == (content_type, kept_name)


IMPOSTORS = [
    (exe, "x.exe renamed.pdf"),
    (exe, "bao-cao.pdf"),
    (html, "anh.png"),
    (html, "bao-cao.pdf"),
    (plain_zip, "bao-cao.docx"),
    (docm, "bao-cao.docx"),
    (lambda: b"", "rong.pdf"),
    (lambda: b"%PDF", "cut.pdf"),
    (lambda: b"PK\x03\x04broken", "vo.xlsx"),
]


@pytest.mark.parametrize(("make", "name"), IMPOSTORS)
def test_other_content_is_refused_whatever_its_name_and_leaves_nothing(app, api, make, name):
    n = factories.draft()
    db.session.commit()
    files_before = stored_files(app)
    edits_before = len(events(n.id, "edit"))
    refused = upload(api("xa.vinhhiep"), n.id, make(), name)
    details = assert_error(refused, 422, "file_rejected")
    assert details["reason"] in ("type_not_allowed", "empty")
    assert attachment_count(n.id) == 0
    assert len(events(n.id, "edit")) == edits_before
    assert stored_files(app) == files_before


NAMES = [
    ("../../etc/passwd", "passwd.pdf"),
    ("/tmp/../hồ sơ (1).pdf", "hồ sơ (1).pdf"),
    ("C:/Users/canbo/Desktop/Báo cáo.pdf", "Báo cáo.pdf"),
    ("hồ sơ (1).pdf", "hồ sơ (1).pdf"),
    # Decomposed Vietnamese (as macOS writes names) is stored composed.
    ("ho\u0302\u0300 so\u031b.pdf", "hồ sơ.pdf"),
    # A right-to-left override would show "anh\u202efdp.exe" as "anhexe.pdf".
    ("anh\u202efdp.exe", "anhfdp.exe.pdf"),
    ("...", "tệp đính kèm.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
]


@pytest.mark.parametrize(("sent", "kept"), NAMES)
def test_names_lose_their_paths_and_control_characters_but_keep_vietnamese(app, api, sent, kept):
    n = factories.draft()
    db.session.commit()
    created = upload(api("xa.vinhhiep"), n.id, pdf(), sent)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["filename"] == kept
    stored = attachment_store.current().path_of(created.get_json()["sha256"])
    assert stored.resolve().is_relative_to(Path(app.config["ATTACHMENTS_DIR"]).resolve())


def test_oversize_files_and_dossiers_are_refused(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 2000)
    monkeypatch.setitem(app.config, "NOMINATION_ATTACHMENTS_MAX_BYTES", 3000)
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    assert upload(proposer, n.id, sized_pdf(2000), "vua.pdf").status_code == 201
    over = assert_error(upload(proposer, n.id, sized_pdf(2001), "qua.pdf"), 422, "file_rejected")
    assert over == {"reason": "file_too_large", "limit": 2000}
    # Far past the limit, the request is cut off before the file is read whole.
    far = assert_error(upload(proposer, n.id, sized_pdf(500_000), "lon.pdf"), 422, "file_rejected")
    assert far["reason"] == "file_too_large"
    total = assert_error(upload(proposer, n.id, sized_pdf(1500), "them.pdf"), 422, "file_rejected")
    assert total == {"reason": "nomination_total", "used": 2000, "size": 1500, "limit": 3000}
    assert attachment_count(n.id) == 1
    first = db.session.scalars(select(Attachment).filter_by(nomination_id=n.id)).one()
    assert proposer.delete(f"{API}/nominations/{n.id}/attachments/{first.id}").status_code == 204
    assert upload(proposer, n.id, sized_pdf(1500), "them.pdf").status_code == 201


def test_the_dossier_changes_only_while_its_proposer_may_edit(app, api):
    draft = factories.draft()
    returned = nomination_in("returned")
    submitted = nomination_in("submitted")
    db.session.commit()
    proposer = api("xa.vinhhiep")
    assert upload(proposer, draft.id, pdf(), "a.pdf").status_code == 201
    assert upload(proposer, returned.id, pdf(), "a.pdf").status_code == 201
    assert_error(upload(proposer, submitted.id, pdf(), "a.pdf"), 409, "not_editable")
    for username in ("vpdp", "noivu", "chutich", "kiemtra", "admin"):
        assert_error(upload(api(username), returned.id, pdf(), "a.pdf"), 403, "forbidden")
    kept = db.session.scalars(select(Attachment).filter_by(nomination_id=returned.id)).one()
    assert_error(api("kiemtra").delete(f"{API}/nominations/{returned.id}/attachments/{kept.id}"), 403, "forbidden")
    step(returned, "xa.vinhhiep", "submit")
    db.session.commit()
    assert_error(proposer.delete(f"{API}/nominations/{returned.id}/attachments/{kept.id}"), 409, "not_editable")
    assert attachment_count(returned.id) == 1 and db.session.get(Attachment, kept.id).removed_at is None


def test_another_commune_gets_404_for_every_file_route(app, api):
    n = factories.draft()
    db.session.commit()
    own = api("xa.vinhhiep")
    attachment_id = upload(own, n.id, pdf(), "bao-cao.pdf").get_json()["id"]
    step(n, "xa.vinhhiep", "submit")
    other = factories.draft("xa.laihoa")
    db.session.commit()
    stranger = api("xa.laihoa")
    for response in (
        stranger.get(f"{API}/nominations/{n.id}/attachments"),
        stranger.get(f"{API}/nominations/{n.id}/attachments/{attachment_id}"),
        stranger.get(f"{API}/nominations/{n.id}/attachments.zip"),
        stranger.delete(f"{API}/nominations/{n.id}/attachments/{attachment_id}"),
        upload(stranger, n.id, pdf(), "x.pdf"),
        # Another dossier's file through one's own dossier is no way round.
        stranger.get(f"{API}/nominations/{other.id}/attachments/{attachment_id}"),
        stranger.delete(f"{API}/nominations/{other.id}/attachments/{attachment_id}"),
    ):
        assert_error(response, 404, "not_found")
    assert not [e for e in events(n.id, "download") if e.actor.username == "xa.laihoa"]


def test_request_shape_is_400_and_missing_fields_are_422(app, api):
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    url = f"{API}/nominations/{n.id}/attachments"
    assert_error(proposer.post(url, json={"kind": "khac"}), 400, "bad_request")
    unknown = proposer.post(
        url,
        data={"kind": "khac", "note": "x", "file": (io.BytesIO(pdf()), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert assert_error(unknown, 400, "bad_request")["unknown_fields"] == ["note"]
    two = proposer.post(
        url,
        data={"kind": "khac", "file": [(io.BytesIO(pdf()), "a.pdf"), (io.BytesIO(pdf()), "b.pdf")]},
        content_type="multipart/form-data",
    )
    assert_error(two, 400, "bad_request")
    no_kind = proposer.post(url, data={"file": (io.BytesIO(pdf()), "a.pdf")}, content_type="multipart/form-data")
    assert set(assert_error(no_kind, 422, "validation_failed")["fields"]) == {"kind"}
    bad_kind = upload(proposer, n.id, pdf(), "a.pdf", kind="giay_to_gia")
    assert set(assert_error(bad_kind, 422, "validation_failed")["fields"]) == {"kind"}
    no_file = proposer.post(url, data={"kind": "khac"}, content_type="multipart/form-data")
    assert set(assert_error(no_file, 422, "validation_failed")["fields"]) == {"file"}
    # The scope check comes first: a malformed request to an unseen dossier is still 404.
    assert_error(api("xa.laihoa").post(url, json={}), 404, "not_found")
    assert attachment_count(n.id) == 0


def test_checklist_blocks_submit_until_the_papers_are_there(app, api):
    n = factories.draft()
    require(n.award_form_id, "bao_cao_thanh_tich")
    require(n.award_form_id, "minh_chung_dong_gop", category="individual_citizen")
    require(n.award_form_id, "quyet_dinh_cong_nhan", category="collective_hamlet")
    db.session.commit()
    proposer = api("xa.vinhhiep")
    submit = f"{API}/nominations/{n.id}/actions/submit"
    refused = proposer.post(submit, json={"version": n.version})
    details = assert_error(refused, 422, "missing_attachment")
    assert details == {"rule": "attachments", "missing": ["bao_cao_thanh_tich", "minh_chung_dong_gop"]}
    assert "Báo cáo thành tích" in refused.get_json()["error"]["message"]
    checklist = proposer.get(f"{API}/nominations/{n.id}/attachments").get_json()["checklist"]
    assert [(c["kind"], c["done"]) for c in checklist] == [
        ("bao_cao_thanh_tich", False),
        ("minh_chung_dong_gop", False),
    ]

    upload(proposer, n.id, pdf(), "bao-cao.pdf")
    details = assert_error(proposer.post(submit, json={"version": n.version}), 422, "missing_attachment")
    assert details["missing"] == ["minh_chung_dong_gop"]
    upload(proposer, n.id, xlsx(), "dong-gop.xlsx", kind="minh_chung_dong_gop")
    submitted = proposer.post(submit, json={"version": n.version})
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["state"] == "submitted"


def test_checklist_is_checked_again_at_pass_appraisal(app, api):
    n = nomination_in("in_appraisal")
    require(n.award_form_id, "hinh_anh")
    db.session.commit()
    refused = api("vpdp").post(
        f"{API}/nominations/{n.id}/actions/pass_appraisal",
        json={"version": n.version, "comment": "Đạt"},
    )
    assert assert_error(refused, 422, "missing_attachment")["missing"] == ["hinh_anh"]


def test_a_returned_dossier_keeps_its_versions_and_shows_what_changed(app, api):
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    v1 = upload(proposer, n.id, pdf("ban 1"), "bao-cao.pdf").get_json()
    photo = upload(proposer, n.id, png(), "anh.png", kind="hinh_anh").get_json()
    for username, trigger, extra in (
        ("xa.vinhhiep", "submit", {}),
        ("vpdp", "start_appraisal", {}),
        ("vpdp", "return_for_revision", {"comment": "Báo cáo thiếu số liệu"}),
    ):
        n = step(n, username, trigger, extra)
    db.session.commit()
    appraiser = api("vpdp")
    unchanged = appraiser.get(f"{API}/nominations/{n.id}/attachments").get_json()["since_return"]
    assert unchanged["added"] == [] and unchanged["removed"] == []

    assert proposer.delete(f"{API}/nominations/{n.id}/attachments/{v1['id']}").status_code == 204
    v2 = upload(proposer, n.id, pdf("ban 2"), "bao-cao.pdf").get_json()
    scratch = upload(proposer, n.id, docx(), "nhap.docx", kind="khac").get_json()
    assert proposer.delete(f"{API}/nominations/{n.id}/attachments/{scratch['id']}").status_code == 204
    assert_error(proposer.delete(f"{API}/nominations/{n.id}/attachments/{scratch['id']}"), 404, "not_found")
    resubmitted = proposer.post(f"{API}/nominations/{n.id}/actions/submit", json={"version": n.version})
    assert resubmitted.status_code == 200, resubmitted.get_json()

    dossier = appraiser.get(f"{API}/nominations/{n.id}/attachments").get_json()
    assert [a["id"] for a in dossier["items"]] == [photo["id"], v2["id"]]
    assert [a["id"] for a in dossier["removed"]] == [v1["id"], scratch["id"]]
    assert dossier["removed"][0]["removed_by"]["username"] == "xa.vinhhiep"
    assert dossier["since_return"]["added"] == [v2["id"]]
    assert dossier["since_return"]["removed"] == [v1["id"]]
    earlier = appraiser.get(f"{API}/nominations/{n.id}/attachments/{v1['id']}")
    assert earlier.status_code == 200 and earlier.data == pdf("ban 1")
    history = api("xa.vinhhiep").get(f"{API}/nominations/{n.id}/audit").get_json()["items"]
    attachment_edits = [e["changes"]["attachments"] for e in history if "attachments" in e["changes"]]
    assert ["Báo cáo thành tích: bao-cao.pdf", None] in attachment_edits


def test_the_zip_holds_every_current_file_once_with_its_hash(app, api):
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    first, second, photo, gone = pdf("mot"), pdf("hai"), png(), docx()
    upload(proposer, n.id, first, "hồ sơ (1).pdf")
    upload(proposer, n.id, second, "hồ sơ (1).pdf")
    upload(proposer, n.id, photo, "ảnh.png", kind="hinh_anh")
    removed = upload(proposer, n.id, gone, "cũ.docx", kind="khac").get_json()
    proposer.delete(f"{API}/nominations/{n.id}/attachments/{removed['id']}")
    step(n, "xa.vinhhiep", "submit")
    step(n, "vpdp", "start_appraisal")
    db.session.commit()

    got = api("vpdp").get(f"{API}/nominations/{n.id}/attachments.zip")
    assert got.status_code == 200 and got.mimetype == "application/zip"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert unquote(got.headers["Content-Disposition"].split("filename*=UTF-8''")[1]) == f"Hồ sơ {n.code}.zip"
    archive = zipfile.ZipFile(io.BytesIO(got.data))
    contents = {name: archive.read(name) for name in archive.namelist()}
    expected = {
        "Báo cáo thành tích/hồ sơ (1).pdf": first,
        "Báo cáo thành tích/hồ sơ (1) (2).pdf": second,
        "Hình ảnh/ảnh.png": photo,
    }
    sums = contents.pop("SHA256SUMS.txt").decode()
    assert contents == expected
    assert sums.splitlines() == [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in expected.items()]
    zipped = events(n.id, "download")[-1]
    assert zipped.actor.username == "vpdp" and zipped.role == "appraiser"
    assert zipped.details["zip"] is True and len(zipped.details["attachment_ids"]) == 3
    assert zipped.details["sha256"] == hashlib.sha256(got.data).hexdigest() == got.headers["X-Content-SHA256"]
