"""Helpers for the attachment tests: real small files of each accepted type, impostors, and
uploads through the API.

(No tests here; the name only keeps it next to the attachment tests.)
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from sqlalchemy import select

from tdkt.models import db
from tdkt.models.attachments import AttachmentRequirement

API = "/api/v1"

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf(text: str = "Báo cáo thành tích", padding: int = 0) -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        + b"3 0 obj << /Length %d >> stream\n" % len(body)
        + body
        + b"\nendstream endobj\n"
        + b"%" + b"x" * padding + b"\n"
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def sized_pdf(size: int) -> bytes:
    """A PDF of exactly `size` bytes."""
    base = pdf()
    return pdf(padding=size - len(base))


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _package(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def _content_types(main_part: str, main_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    )


def docx() -> bytes:
    return _package(
        {
            "[Content_Types].xml": _content_types("word/document.xml", DOCX_MAIN),
            "word/document.xml": "<w:document/>",
        }
    )


def xlsx() -> bytes:
    return _package(
        {
            "[Content_Types].xml": _content_types("xl/workbook.xml", XLSX_MAIN),
            "xl/workbook.xml": "<workbook/>",
        }
    )


def docm() -> bytes:
    """A macro-enabled Word file: a ZIP with Word parts, but not a plain .docx."""
    return _package(
        {
            "[Content_Types].xml": _content_types("word/document.xml", DOCM_MAIN),
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": "macro",
        }
    )


def plain_zip() -> bytes:
    return _package({"readme.txt": "not an office file"})


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def html() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(api_user, nomination_id: int, content: bytes, filename: str, kind: str = "bao_cao_thanh_tich"):
    return api_user.post(
        f"{API}/nominations/{nomination_id}/attachments",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def require(award_form_id: int, kind: str, category: str | None = None) -> None:
    """A line of the award form's checklist, as the admin's page would write it."""
    db.session.add(AttachmentRequirement(award_form_id=award_form_id, category=category, kind=kind))
    db.session.flush()


def requirements(award_form_id: int) -> set[tuple[str | None, str]]:
    rows = db.session.scalars(select(AttachmentRequirement).filter_by(award_form_id=award_form_id))
    return {(r.category, r.kind) for r in rows}
