"""The document administration pages: template versions (upload refused unless a real .docx
whose tags the kind provides; issued documents keep their version), each unit's letterhead and
signer, and the Giấy khen print offsets with their bounds; every change audited, only admins,
only inside their scope."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from sqlalchemy import delete, select
from test_documents_support import read
from test_pages_support import Browser

from tdkt.models import AuditEvent, RoleAssignment, Unit, db
from tdkt.models.documents import CertificateLayout, DocumentIssuer, DocumentPin, DocumentTemplate
from tdkt.workflow.documents import certificates
from tdkt.workflow.documents.templates import builtin_path
from tdkt.workflow.errors import WorkflowError

from factories import actor, nomination_in, user


def unit(code: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


def events(object_type: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).filter_by(object_type=object_type).order_by(AuditEvent.id)))


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(browser: Browser, kind: str, data: bytes, filename: str = "mau.docx", note: str = ""):
    # Pairs, not a dict: MultiDict would take the (stream, name) tuple for two values.
    return browser.post(f"/admin/document-templates/{kind}", [("file", (io.BytesIO(data), filename)), ("note", note)])


def versions(kind: str) -> list[int]:
    return list(db.session.scalars(select(DocumentTemplate.version).filter_by(kind=kind).order_by(DocumentTemplate.version)))


def test_only_admins_in_scope(app):
    for url in ("/admin/document-templates", "/admin/document-templates/giay_khen", "/admin/document-issuers",
                f"/admin/document-issuers/{unit('VC-VHIEP').id}/unit", f"/admin/certificate-layouts/{unit('VC').id}"):
        assert Browser(app, "vpdp").get(url).status == 403, url
        assert Browser(app, "admin").get(url).status == 200, url
    admin = Browser(app, "admin")
    assert admin.get(f"/admin/document-issuers/{unit('HN-LN').id}/unit").status == 404
    assert admin.get(f"/admin/certificate-layouts/{unit('HN-LN').id}").status == 404
    assert admin.get(f"/admin/document-issuers/{unit('VC').id}/chairman").status == 404
    assert admin.get("/admin/document-templates/khong_co").status == 404
    assert admin.get("/admin/document-templates/giay_khen/99").status == 404
    listed = admin.get("/admin/document-issuers")
    assert f'data-unit-id="{unit("VC-VHIEP").id}"' in listed.html and f'data-unit-id="{unit("HN-LN").id}"' not in listed.html
    assert admin.get("/admin/users").find(id="admin-nav-documents")


def test_template_upload_refuses_what_is_no_docx_or_names_unknown_fields(app):
    admin = Browser(app, "admin")
    before = versions("giay_khen") or [1]
    not_word = upload(admin, "giay_khen", b"%PDF-1.4 not a word file", "mau.docx")
    assert not_word.status == 422 and "tài liệu Word (.docx)" in not_word.message()
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    broken = upload(admin, "giay_khen", fake.getvalue())
    assert broken.status == 422 and "không mở được như tài liệu Word" in broken.message()
    unknown = upload(admin, "giay_khen", word_file("{{ certificates }}", "{{ ho_ten }} {{ so_vao_so }}"))
    assert unknown.status == 422
    assert "Mẫu dùng trường không có trong dữ liệu: ho_ten, so_vao_so." in unknown.message()
    syntax = upload(admin, "giay_khen", word_file("{{ certificates "))
    assert syntax.status == 422 and "sai cú pháp" in syntax.message()
    assert admin.post("/admin/document-templates/giay_khen", {"note": "thiếu tệp"}).status == 422
    assert (versions("giay_khen") or [1]) == before
    assert upload(Browser(app, "vpdp"), "giay_khen", builtin_path("giay_khen").read_bytes()).status == 403


def test_only_a_province_admin_replaces_the_templates_every_unit_prints_from(app):
    db.session.add(RoleAssignment(user=user("xa.laihoa"), role="admin", scope_unit=unit("VC-LHOA")))
    db.session.flush()
    commune_admin = Browser(app, "xa.laihoa")
    before = versions("giay_khen")
    refused = upload(commune_admin, "giay_khen", builtin_path("giay_khen").read_bytes())
    assert refused.status == 403 and "quản trị cấp tỉnh" in refused.html
    assert versions("giay_khen") == before
    assert upload(Browser(app, "admin"), "giay_khen", builtin_path("giay_khen").read_bytes()).status == 302


def test_a_new_version_serves_new_documents_and_issued_ones_keep_theirs(app):
    approved = nomination_in("approved")
    db.session.commit()
    chairman = Browser(app, "chutich")
    decision_url = f"/decisions/{approved.decision_id}/documents/quyet_dinh"
    assert chairman.get(decision_url).response.headers["X-Template-Version"] == "quyet_dinh/1"
    admin = Browser(app, "admin")
    original = builtin_path("quyet_dinh").read_bytes()
    done = upload(admin, "quyet_dinh", original, "quyet-dinh-sua.docx", "Sửa Nơi nhận")
    assert done.status == 302
    assert versions("quyet_dinh") == [1, 2]
    [event] = [e for e in events("document_template") if e.details["kind"] == "quyet_dinh"]
    assert event.details["version"] == 2 and event.actor.username == "admin"
    # The decision was issued with version 1: it keeps it.
    assert chairman.get(decision_url).response.headers["X-Template-Version"] == "quyet_dinh/1"
    page = admin.get("/admin/document-templates/quyet_dinh")
    assert [r for r in page.find(**{"data-document": "docx"})][0]["attrs"]["href"] == "/admin/document-templates/quyet_dinh/2"
    assert "Sửa Nơi nhận" in page.html
    first = admin.get("/admin/document-templates/quyet_dinh/1")
    assert first.status == 200 and first.response.data == original


def test_reading_the_template_pages_stores_nothing(app):
    """Until a document is made from a kind or a version uploaded, its version 1 is the built-in
    file: the pages show and serve it without storing it; the first upload stores it as 1."""
    db.session.execute(delete(DocumentPin).filter_by(template_kind="giay_khen"))
    db.session.execute(delete(DocumentTemplate).filter_by(kind="giay_khen"))
    db.session.commit()
    admin = Browser(app, "admin")
    listing = admin.get("/admin/document-templates")
    assert listing.status == 200 and "Mẫu gốc của hệ thống" in listing.html
    page = admin.get("/admin/document-templates/giay_khen")
    assert [r["attrs"]["href"] for r in page.find(**{"data-document": "docx"})] == ["/admin/document-templates/giay_khen/1"]
    first = admin.get("/admin/document-templates/giay_khen/1")
    assert first.status == 200 and first.response.data == builtin_path("giay_khen").read_bytes()
    assert admin.get("/admin/document-templates/giay_khen/2").status == 404
    assert versions("giay_khen") == []
    assert upload(admin, "giay_khen", builtin_path("giay_khen").read_bytes()).status == 302
    assert versions("giay_khen") == [1, 2]


def issuer_form(**changes) -> dict:
    return {
        "parent_line": "",
        "body_lines": "ỦY BAN NHÂN DÂN\nXÃ VĨNH HIỆP",
        "display_name": "Ủy ban nhân dân xã Vĩnh Hiệp",
        "abbreviation": "UBND",
        "place_name": "Vĩnh Hiệp",
        "authority": "TM. ỦY BAN NHÂN DÂN",
        "head_title": "CHỦ TỊCH",
        "head_name": "Lý Văn Thành",
        "fund_source": "",
    } | changes


def test_issuer_edit_is_validated_and_audited(app):
    admin = Browser(app, "admin")
    commune = unit("VC-VHIEP")
    url = f"/admin/document-issuers/{commune.id}/unit"
    assert admin.get(url).value("head_name") == "Lý Văn Thành"
    missing = admin.post(url, issuer_form(head_name="  ", abbreviation=""))
    assert missing.status == 422
    assert missing.errors() == {"head_name": "Họ tên người ký là bắt buộc", "abbreviation": "Chữ viết tắt trong số văn bản là bắt buộc"}
    too_long = admin.post(url, issuer_form(abbreviation="U" * 41))
    assert too_long.status == 422 and too_long.errors()["abbreviation"] == "Chữ viết tắt trong số văn bản dài 41 ký tự, tối đa 40"
    assert events("document_issuer") == []
    saved = admin.post(url, issuer_form(head_name="Nguyễn Văn  Mới", fund_source="Ngân sách xã"))
    assert saved.status == 302
    row = db.session.scalars(select(DocumentIssuer).filter_by(unit_id=commune.id, role="unit")).one()
    assert (row.head_name, row.fund_source, row.body_lines) == ("Nguyễn Văn Mới", "Ngân sách xã", "ỦY BAN NHÂN DÂN\nXÃ VĨNH HIỆP")
    [event] = events("document_issuer")
    assert event.changes == {"head_name": ["Lý Văn Thành", "Nguyễn Văn Mới"], "fund_source": [None, "Ngân sách xã"]}
    assert event.unit_id == commune.id and event.actor.username == "admin"
    # The next document prints the new signer.
    n = nomination_in("draft")
    db.session.commit()
    letter = Browser(app, "xa.vinhhiep").get(f"/nominations/{n.id}/documents/to_trinh")
    assert "Nguyễn Văn Mới" in read(letter.response.data).text
    # A council declared for the first time is a new row.
    council = admin.post(f"/admin/document-issuers/{unit('VC').id}/council", issuer_form(body_lines="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"))
    assert council.status == 302
    assert db.session.scalars(select(DocumentIssuer).filter_by(unit_id=unit("VC").id, role="council")).one()
    assert admin.post(f"/admin/document-issuers/{unit('HN-LN').id}/unit", issuer_form()).status == 404


def test_certificate_offsets_have_bounds_and_are_audited(app):
    admin = Browser(app, "admin")
    town = unit("VC")
    url = f"/admin/certificate-layouts/{town.id}"
    assert admin.get(url).value("offset_x_mm") == "0"
    out = admin.post(url, {"offset_x_mm": "50,5", "offset_y_mm": "-60"})
    assert out.status == 422
    assert out.errors() == {
        "offset_x_mm": "Độ lệch phải trong khoảng từ -50 đến 50 mm (đã nhập 50,5 mm)",
        "offset_y_mm": "Độ lệch phải trong khoảng từ -50 đến 50 mm (đã nhập -60 mm)",
    }
    word = admin.post(url, {"offset_x_mm": "hai", "offset_y_mm": "nan"})
    assert word.status == 422 and set(word.errors()) == {"offset_x_mm", "offset_y_mm"}
    assert "ví dụ 2,5" in word.errors()["offset_x_mm"]
    assert admin.post(url, {"offset_x_mm": "", "offset_y_mm": "1"}).status == 422
    assert db.session.scalars(select(CertificateLayout).filter_by(issuer_unit_id=town.id)).first() is None
    assert events("certificate_layout") == []
    saved = admin.post(url, {"offset_x_mm": "2,5", "offset_y_mm": "-1"})
    assert saved.status == 302
    layout = db.session.scalars(select(CertificateLayout).filter_by(issuer_unit_id=town.id)).one()
    assert (layout.offset_x_mm, layout.offset_y_mm) == (2.5, -1.0)
    [event] = events("certificate_layout")
    assert event.changes == {"offset_x_mm": [0.0, 2.5], "offset_y_mm": [0.0, -1.0]}
    assert admin.get(url).value("offset_x_mm") == "2,5"
    assert Browser(app, "chutich").post(url, {"offset_x_mm": "1", "offset_y_mm": "1"}).status == 403
    assert admin.post(f"/admin/certificate-layouts/{unit('HN-LN').id}", {"offset_x_mm": "1", "offset_y_mm": "1"}).status == 404
    # The engine itself refuses an issuer outside the admin's scope, whoever calls it.
    with pytest.raises(WorkflowError) as refused:
        certificates.set_offsets(actor("admin"), unit("HN-LN"), 1.0, 1.0)
    assert refused.value.status == 404
