"""The stored bytes after upload: downloads re-hash them and refuse a damaged file (audited),
the dossier's zip is built on disk and leaves nothing behind, and `flask attachments gc`
removes only files no row refers to."""

from __future__ import annotations

import hashlib
import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from test_pages_support import Browser, visible_text

from tdkt.models import AuditEvent, db
from tdkt.workflow import attachment_gc, attachment_store, attachments
from tdkt.workflow.attachment_checklist import KIND_LABELS
from tdkt.workflow.audit_verify import verify

import factories
from attachments_support import API, pdf, png, sized_pdf, upload
from factories import actor, step
from matrix_support import assert_error


@pytest.fixture
def store(app, tmp_path, monkeypatch) -> attachment_store.FolderStore:
    """A store of the test's own: the session's store is shared by every test, and these
    tests damage and delete files."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "store"))
    return attachment_store.FolderStore(tmp_path / "store")


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def dossier_in_appraisal(api, files: list[tuple[bytes, str, str]]) -> tuple[int, list[dict]]:
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    uploaded = []
    for content, name, kind in files:
        created = upload(proposer, n.id, content, name, kind=kind)
        assert created.status_code == 201, created.get_json()
        uploaded.append(created.get_json())
    step(n, "xa.vinhhiep", "submit")
    step(n, "vpdp", "start_appraisal")
    db.session.commit()
    return n.id, uploaded


def open_scratch_files(store: attachment_store.FolderStore) -> list[str]:
    """This process's open files in the store's scratch folder (anonymous ones included)."""
    scratch = str(store.root / "scratch")
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except FileNotFoundError:  # the descriptor listdir itself used
            continue
    return [t for t in targets if t.startswith(scratch)]


@pytest.mark.parametrize("damage", ["altered", "missing"])
def test_a_damaged_stored_file_is_refused_and_audited(app, api, store, damage):
    n_id, (paper,) = dossier_in_appraisal(api, [(pdf("gốc"), "báo cáo.pdf", "bao_cao_thanh_tich")])
    stored = store.path_of(paper["sha256"])
    if damage == "altered":
        stored.write_bytes(pdf("sửa lén"))
    else:
        stored.unlink()
    downloads_before = len(events("download"))

    refused = api("vpdp").get(f"{API}/nominations/{n_id}/attachments/{paper['id']}", headers={"User-Agent": "kiểm-thử"})
    details = assert_error(refused, 409, "file_damaged")
    message = refused.get_json()["error"]["message"]
    assert "“báo cáo.pdf”" in message and "báo quản trị" in message
    found = hashlib.sha256(pdf("sửa lén")).hexdigest() if damage == "altered" else None
    assert details == {"attachment_id": paper["id"], "recorded_sha256": paper["sha256"], "found_sha256": found}
    assert ("không còn khớp" in message) == (damage == "altered")

    (event,) = events("file_damaged")
    assert (event.actor.username, event.role, event.unit_id) == ("vpdp", "appraiser", factories.user("xa.vinhhiep").unit_id)
    assert (event.ip, event.user_agent) == ("127.0.0.1", "kiểm-thử")
    assert (event.object_type, event.object_id, event.nomination_id) == ("attachment", paper["id"], n_id)
    assert event.details == details
    assert len(events("download")) == downloads_before  # nothing was handed out
    assert verify().ok

    page = Browser(app, "kiemtra").get(f"/nominations/{n_id}/attachments/{paper['id']}")
    assert page.status == 409 and "báo quản trị" in visible_text(page)
    assert [e.actor.username for e in events("file_damaged")] == ["vpdp", "kiemtra"]


def test_the_zip_refuses_a_damaged_file_and_leaves_no_scratch_file(app, api, store):
    n_id, (_, photo) = dossier_in_appraisal(
        api, [(pdf("một"), "một.pdf", "bao_cao_thanh_tich"), (png(), "ảnh.png", "hinh_anh")]
    )
    store.path_of(photo["sha256"]).write_bytes(b"\x89PNG damaged")
    refused = api("vpdp").get(f"{API}/nominations/{n_id}/attachments.zip")
    assert assert_error(refused, 409, "file_damaged")["attachment_id"] == photo["id"]
    assert [e.object_id for e in events("file_damaged")] == [photo["id"]]
    assert not [e for e in events("download") if e.details.get("zip")]
    assert open_scratch_files(store) == [] and list((store.root / "scratch").iterdir()) == []


def test_the_zip_is_built_on_disk_and_gone_after_the_response(app, api, store):
    big = [(sized_pdf(3_000_000 + i), f"phụ lục {i}.pdf", "minh_chung_dong_gop") for i in range(3)]
    n_id, uploaded = dossier_in_appraisal(api, big)

    tracemalloc.start()
    name, stream, digest = attachments.zip_dossier(actor("vpdp"), n_id)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    with stream:
        assert peak < 1_000_000, peak  # 9 MB of files went through in chunks
        assert open_scratch_files(store), "the zip is a file in the store's scratch folder"
        assert list((store.root / "scratch").iterdir()) == []  # anonymous: no name to leave behind
    db.session.rollback()

    response = api("vpdp").get(f"{API}/nominations/{n_id}/attachments.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == sorted(
        [f"{KIND_LABELS['minh_chung_dong_gop']}/phụ lục {i}.pdf" for i in range(3)] + ["SHA256SUMS.txt"]
    )
    assert archive.read(f"{KIND_LABELS['minh_chung_dong_gop']}/phụ lục 2.pdf") == big[2][0]
    response.close()
    assert open_scratch_files(store) == []
    assert list((store.root / "scratch").iterdir()) == []
    assert {a["id"] for a in uploaded} == set(events("download")[-1].details["attachment_ids"])


def _keep(store: attachment_store.FolderStore, content: bytes, age_seconds: int) -> Path:
    """Bytes kept in the store as an upload keeps them, written `age_seconds` ago."""
    with store.receive(io.BytesIO(content), len(content)) as incoming:
        store.keep(incoming)
    path = store.path_of(incoming.sha256)
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_gc_spares_a_file_uploaded_again_between_listing_and_removal(app, store):
    content = pdf("tải lại")
    path = _keep(store, content, age_seconds=7200)
    orphans = attachment_gc.find()
    assert orphans.stored == [path]
    _keep(store, content, age_seconds=0)  # the same bytes, uploaded again meanwhile
    removed = attachment_gc.remove(orphans)
    assert path.exists() and removed.paths == []
    assert events("admin")[-1].details["removed_sha256"] == []


def test_gc_lists_then_removes_only_old_files_no_row_refers_to(app, api, store):
    n = factories.draft()
    db.session.commit()
    proposer = api("xa.vinhhiep")
    kept = upload(proposer, n.id, pdf("giữ"), "giữ.pdf").get_json()
    taken_out = upload(proposer, n.id, pdf("đã bỏ"), "bỏ.pdf").get_json()
    assert proposer.delete(f"{API}/nominations/{n.id}/attachments/{taken_out['id']}").status_code == 204
    for row in (kept, taken_out):
        os.utime(store.path_of(row["sha256"]), (time.time() - 86400,) * 2)
    orphan = _keep(store, pdf("tải lên hỏng giữa chừng"), age_seconds=7200)
    fresh = _keep(store, pdf("đang tải lên"), age_seconds=10)
    (store.root / "incoming").mkdir(exist_ok=True)
    stale_upload = store.root / "incoming" / "tmpcrashed"
    stale_upload.write_bytes(b"x" * 10)
    os.utime(stale_upload, (time.time() - 7200,) * 2)
    admin_events = len(events("admin"))

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["attachments", "gc"])
    assert listed.exit_code == 0, listed.output
    assert str(orphan) in listed.output and str(stale_upload) in listed.output
    assert str(fresh) not in listed.output and kept["sha256"] not in listed.output
    assert "Có 2 tệp" in listed.output and "--delete" in listed.output
    assert orphan.exists() and stale_upload.exists() and len(events("admin")) == admin_events

    removed = runner.invoke(args=["attachments", "gc", "--delete"])
    assert removed.exit_code == 0, removed.output
    assert "Đã xóa 2 tệp" in removed.output
    assert not orphan.exists() and not stale_upload.exists()
    assert fresh.exists()
    assert store.path_of(kept["sha256"]).exists() and store.path_of(taken_out["sha256"]).exists()
    event = events("admin")[-1]
    assert event.actor_id is None and event.object_type == "attachment_store"
    assert event.details == {
        "op": "attachments_gc",
        "removed_sha256": [orphan.name],
        "unfinished_uploads": 1,
        "bytes": len(pdf("tải lên hỏng giữa chừng")) + len(b"x" * 10),
    }
    assert verify().ok
    earlier = proposer.get(f"{API}/nominations/{n.id}/attachments/{taken_out['id']}")
    assert earlier.status_code == 200 and earlier.data == pdf("đã bỏ")

    again = runner.invoke(args=["attachments", "gc", "--delete", "--grace-minutes", "0"])
    assert str(fresh) in again.output and not fresh.exists()
    assert "Không có tệp nào thừa" in runner.invoke(args=["attachments", "gc"]).output
