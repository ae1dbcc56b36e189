"""The "Tài liệu" panel on the nomination, council meeting, decision and campaign pages: what it
lists per role and state, its downloads scoped like the API's (another commune's is 404), the
note without LibreOffice, a decision's many certificates through a background job, and the
first-page preview drawn by LibreOffice and pdftoppm, kept on disk under the .docx's hash."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from test_documents_support import read
from test_pages_support import Browser, Page

from tdkt.models import AuditEvent, db
from tdkt.models.documents import DocumentJob
from tdkt.workflow import engine
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import preview
from tdkt.workflow.documents.contexts.common import reference

from conftest import DEMO_PASSWORD, build_app, service_unavailable
from factories import actor, campaign, nomination_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def entries(page: Page) -> list[tuple[str, str]]:
    """(kind, label) of every document the panel offers."""
    found = []
    for e in page.elements:
        if e["tag"] == "li" and e["attrs"].get("class") == "document":
            label = next(x for x in page.elements[page.elements.index(e):] if x["attrs"].get("class") == "document-label")
            found.append((e["attrs"]["data-kind"], "".join(label["text"]).strip()))
    return found


def links(page: Page, fmt: str) -> list[str]:
    return [e["attrs"]["href"] for e in page.find(**{"data-document": fmt})]


def having(page: Page, attribute: str) -> list[dict]:
    return [e for e in page.elements if attribute in e["attrs"]]


def sign_all(*nominations) -> int:
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    items = [{"id": n.id, "version": n.version} for n in nominations]
    outcomes = engine.fire_many(actor("chutich"), "sign", {"items": items, "decision_date": yesterday})
    assert all(o.error is None for o in outcomes)
    db.session.commit()
    return outcomes[0].nomination.decision_id


@pytest.fixture
def no_libreoffice(app):
    app.config["SOFFICE_PATH"] = "/nonexistent/soffice"
    yield
    app.config.pop("SOFFICE_PATH")


def test_nomination_panel_follows_the_state_and_the_scope(app, no_libreoffice):
    waiting = nomination_in("awaiting_signature", nominee_name="Lâm Thị & <Hân>")
    approved = nomination_in("approved")
    db.session.commit()
    proposer = Browser(app, "xa.vinhhiep")
    page = proposer.get(f"/nominations/{waiting.id}")
    assert [kind for kind, _ in entries(page)] == ["bao_cao_thanh_tich", "to_trinh"]
    assert page.find(id="documents-no-pdf") and "chỉ tải được DOCX" in page.text("documents-no-pdf")
    assert links(page, "pdf") == [] and not having(page, "data-document-preview")
    [report, letter] = links(page, "docx")
    assert report == f"/nominations/{waiting.id}/documents/bao_cao_thanh_tich"
    download = proposer.get(letter)
    assert download.status == 200 and download.response.mimetype == DOCX
    assert "Lâm Thị & <Hân>" in read(download.response.data).text
    done = proposer.get(f"/nominations/{approved.id}")
    assert [label for _, label in entries(done)][-2:] == ["Giấy khen", "Giấy khen (in trên phôi)"]
    assert links(done, "docx")[-1] == f"/nominations/{approved.id}/documents/giay_khen?layout=phoi"
    assert proposer.get(links(done, "docx")[-1]).status == 200
    other = Browser(app, "xa.laihoa")
    for url in (f"/nominations/{waiting.id}", *links(page, "docx"), f"/nominations/{waiting.id}/documents/to_trinh/preview.png"):
        assert other.get(url).status == 404, url
    assert proposer.get(f"/nominations/{waiting.id}/documents/giay_khen").status == 409
    assert proposer.get(f"/nominations/{waiting.id}/documents/bien_ban").status == 404
    assert proposer.get(f"/nominations/{waiting.id}/documents/to_trinh?colour=red").status == 400


def test_decision_and_meeting_panels(app, no_libreoffice):
    mine = nomination_in("awaiting_signature")
    theirs = nomination_in("awaiting_signature", proposer="xa.laihoa")
    decision_id = sign_all(mine, theirs)
    meeting_id = db.session.get(type(mine), mine.id).council_meeting_id
    for username in ("xa.vinhhiep", "xa.laihoa", "chutich"):
        browser = Browser(app, username)
        page = browser.get(f"/decisions/{decision_id}")
        assert [kind for kind, _ in entries(page)] == ["quyet_dinh", "giay_khen", "giay_khen"], username
        certificates = browser.get(links(page, "docx")[1])
        assert certificates.status == 200
        # Each commune prints its own people's certificates; the chairman prints both.
        expected = 2 if username == "chutich" else 1
        assert read(certificates.response.data).lines.count("GIẤY KHEN") == expected, username
    assert Browser(app, "xa.vinhtan").get(f"/decisions/{decision_id}/documents/quyet_dinh").status == 404
    office = Browser(app, "noivu").get(f"/council-meetings/{meeting_id}")
    assert entries(office) == [("bien_ban", "Biên bản họp Hội đồng TĐKT")]
    assert Browser(app, "noivu").get(links(office, "docx")[0]).status == 200
    commune = Browser(app, "xa.vinhhiep")
    assert entries(commune.get(f"/council-meetings/{meeting_id}")) == []
    assert commune.get(f"/council-meetings/{meeting_id}").find(id="documents-empty")
    assert commune.get(f"/council-meetings/{meeting_id}/documents/bien_ban").status == 403


def test_campaign_documents_page(app, no_libreoffice):
    nomination_in("awaiting_signature")
    db.session.commit()
    campaign_id = campaign().id
    proposer = Browser(app, "xa.vinhhiep").get(f"/campaigns/{campaign_id}/documents")
    assert proposer.status == 200
    assert [kind for kind, _ in entries(proposer)] == ["to_trinh", "danh_sach"]
    assert all("issuer=unit" in url for url in links(proposer, "docx"))
    listing = Browser(app, "xa.vinhhiep").get(links(proposer, "docx")[1])
    assert listing.status == 200 and "Lai Hòa" not in read(listing.response.data).text
    office = Browser(app, "vpdp").get(f"/campaigns/{campaign_id}/documents")
    labels = [label for _, label in entries(office)]
    assert "Danh sách đề nghị khen thưởng của Văn phòng Điều phối" in labels
    assert "Dự thảo Quyết định trình Phó Chủ tịch ký" in labels
    for url in links(office, "docx"):
        assert Browser(app, "vpdp").get(url).status == 200, url
    assert Browser(app, "vpdp").get(f"/campaigns/{campaign_id}/documents/danh_sach?issuer=council&format=odt").status == 422
    assert Browser(app, "xa.vinhhiep").get(f"/campaigns/{campaign_id}/documents/danh_sach?issuer=office").status == 403
    assert Browser(app, "xa.vinhhiep").get("/campaigns/999999/documents").status == 404


@pytest.fixture
def batch(app):
    """A decision of three certificates over a threshold of two."""
    decision_id = sign_all(*[nomination_in("awaiting_signature") for _ in range(3)])
    app.config["DOCUMENT_BATCH_THRESHOLD"] = 2
    yield decision_id
    app.config.pop("DOCUMENT_BATCH_THRESHOLD")


def test_a_decisions_certificates_are_made_by_a_job(app, batch, no_libreoffice):
    chairman = Browser(app, "chutich")
    page = chairman.get(f"/decisions/{batch}")
    forms = having(page, "data-document-job")
    assert len(forms) == 2 and links(page, "docx") == [f"/decisions/{batch}/documents/quyet_dinh"]
    direct = chairman.get(f"/decisions/{batch}/documents/giay_khen")
    assert direct.status == 302 and direct.response.headers["Location"].endswith(f"/decisions/{batch}#documents")
    assert [f["attrs"]["action"] for f in forms] == [f"/decisions/{batch}/documents/giay_khen/job"] * 2
    assert page.value("layout") == "phoi"  # the second form's: print on the blanks
    assert Browser(app, "xa.vinhtan").post(forms[1]["attrs"]["action"], {"layout": "phoi"}).status == 404
    assert chairman.post(forms[1]["attrs"]["action"], {"layout": "doc"}).status == 422
    started = chairman.post(forms[1]["attrs"]["action"], {"layout": "phoi"})
    assert started.status == 302
    job_url = started.response.headers["Location"]
    job = chairman.get(job_url)
    assert job.find(id="document-job", **{"data-job-status": "finished"})
    file = chairman.get(job.find(id="job-file")[0]["attrs"]["href"])
    assert file.status == 200 and file.response.mimetype == DOCX
    # On the blanks the heading is pre-printed: one register number per certificate.
    assert sum(line.startswith("Số vào sổ:") for line in read(file.response.data).lines) == 3
    made = db.session.get(DocumentJob, int(job_url.rsplit("/", 1)[1]))
    assert made.options["layout"] == "phoi" and "(in trên phôi)" in made.filename
    assert Browser(app, "xa.vinhhiep").get(job_url).status == 404
    assert Browser(app, "xa.vinhhiep").get(f"{job_url}/file").status == 404
    assert chairman.get(f"/decisions/{batch}/documents/giay_khen/preview.png").status in (409, 501)


def test_a_registered_number_with_unicode_digits_is_kept_as_written():
    assert reference("²", "BB-HĐ") == "²"
    assert reference("5", "BB-HĐ") == "05/BB-HĐ"


# The image does not depend on the database: drawn once, on SQLite.
@pytest.mark.parametrize("backend_app", ["sqlite"], indirect=True)
def test_preview_is_a_png_of_the_first_page_cached_by_hash(app):
    if not preview.available():
        service_unavailable("LibreOffice and poppler", "soffice or pdftoppm not on PATH")
    n = nomination_in("awaiting_signature", nominee_name="Thạch Thị Sa Rươne")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    page = browser.get(f"/nominations/{n.id}")
    images = [e["attrs"]["src"] for e in having(page, "data-document-preview")]
    assert images == [f"/nominations/{n.id}/documents/bao_cao_thanh_tich/preview.png", f"/nominations/{n.id}/documents/to_trinh/preview.png"]
    assert links(page, "pdf") == [f"/nominations/{n.id}/documents/bao_cao_thanh_tich?format=pdf", f"/nominations/{n.id}/documents/to_trinh?format=pdf"]
    assert not page.find(id="documents-no-pdf")

    def previews() -> int:
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document"))
        return sum(1 for e in events if e.details.get("format") == "png")

    before = previews()
    first = browser.get(images[0])
    assert first.status == 200 and first.response.mimetype == "image/png"
    assert first.response.data.startswith(b"\x89PNG\r\n\x1a\n") and len(first.response.data) > 2000
    sha = first.response.headers["ETag"].strip('"')
    cached = Path(app.instance_path) / "document-previews" / f"{sha}.png"
    assert cached.read_bytes() == first.response.data
    assert previews() == before + 1
    again = browser.get(images[0])
    assert again.response.data == first.response.data and previews() == before + 1
    assert browser.get(images[0], headers={"If-None-Match": f'"{sha}"'}).status == 304
    assert Browser(app, "xa.laihoa").get(images[0]).status == 404
    assert browser.get(f"{images[0]}?format=pdf").status == 400
    pdf_file = browser.get(links(page, "pdf")[0])
    assert pdf_file.status == 200 and pdf_file.response.data.startswith(b"%PDF")
    artifacts = Path(__file__).resolve().parents[1] / "test-artifacts" / "documents"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "preview-bao-cao.png").write_bytes(first.response.data)


def test_a_preview_being_drawn_holds_no_database_lock(tmp_path, monkeypatch):
    """LibreOffice takes seconds; on SQLite every transaction holds the write lock, so the
    drawing must happen outside one or every other request waits for it."""
    app = build_app(f"sqlite:///{tmp_path / 'lock.sqlite3'}", str(tmp_path))
    proposer = app.test_client()
    token = proposer.post(
        "/api/v1/auth/token", json={"username": "xa.vinhhiep", "password": DEMO_PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "campaign_id": 1, "nominee_kind": "individual", "nominee_type": "person", "category": "individual_citizen",
        "nominee_name": "Lý Thị Sen", "gender": "female", "birth_year": 1970, "address": "Ấp Vĩnh Thành",
        "achievement_summary": "Hiến 300 m² đất làm đường.", "contribution_vnd": 60_000_000,
    }
    created = proposer.post("/api/v1/nominations", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()

    drawing, written = threading.Event(), threading.Event()

    def slow_draw(prepared):
        drawing.set()
        assert written.wait(10), "a write waited for the preview: the database was locked"
        return b"\x89PNG\r\n\x1a\n"

    monkeypatch.setattr(preview, "available", lambda: True)
    monkeypatch.setattr(preview, "draw", slow_draw)
    viewer = app.test_client()
    assert viewer.post("/login", data={"username": "xa.vinhhiep", "password": DEMO_PASSWORD}).status_code == 302
    url = f"/nominations/{created.get_json()['id']}/documents/bao_cao_thanh_tich/preview.png"
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("page", viewer.get(url)))
    thread.start()
    assert drawing.wait(30), result["page"].status_code if "page" in result else "no answer"
    other = proposer.post("/api/v1/nominations", json=body | {"nominee_name": "Thạch Văn Sơn"}, headers=headers)
    assert other.status_code == 201
    written.set()
    thread.join(30)
    assert result["page"].status_code == 200
