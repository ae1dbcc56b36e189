"""The two pure pieces under uploads: what a file is (from its bytes) and what it is called."""

from __future__ import annotations

import pytest

from tdkt.workflow import filenames, filetypes

from attachments_support import docm, docx, exe, html, jpeg, pdf, plain_zip, png, xlsx

SNIFFED = [
    (pdf, filetypes.PDF),
    (png, filetypes.PNG),
    (jpeg, filetypes.JPEG),
    (docx, filetypes.DOCX),
    (xlsx, filetypes.XLSX),
    (docm, None),
    (plain_zip, None),
    (exe, None),
    (html, None),
    (lambda: b"", None),
    (lambda: b"PK\x03\x04" + b"\x00" * 40, None),
    (lambda: b" %PDF-1.4", None),
]


@pytest.mark.parametrize(("make", "expected"), SNIFFED)
def test_the_type_comes_from_the_bytes(tmp_path, make, expected):
    path = tmp_path / "upload"
    path.write_bytes(make())
    assert filetypes.sniff(path) == expected


def test_an_office_package_declaring_a_huge_content_types_part_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_CONTENT_TYPES_BYTES", 16)
    path = tmp_path / "upload.docx"
    path.write_bytes(docx())
    assert filetypes.sniff(path) is None


CLEANED = [
    ("..\\..\\Windows\\system32\\bao cao.pdf", filetypes.PDF, "bao cao.pdf"),
    ("bao\x00cao\r\n.pdf", filetypes.PDF, "baocao.pdf"),
    ("bao\u200bcao\u2028.pdf", filetypes.PDF, "baocao.pdf"),
    ('a<b>:c"d|e?f*.pdf', filetypes.PDF, "a_b__c_d_e_f_.pdf"),
    ("   .pdf", filetypes.PDF, "pdf.pdf"),
    (None, filetypes.PNG, "tệp đính kèm.png"),
    ("Báo cáo v1.2", filetypes.DOCX, "Báo cáo v1.2.docx"),
    ("bảng.XLSX", filetypes.XLSX, "bảng.XLSX"),
    ("ảnh.jpeg", filetypes.JPEG, "ảnh.jpeg"),
    ("ảnh.pdf", filetypes.JPEG, "ảnh.jpg"),
    ("hồ sơ (1).pdf. . ", filetypes.PDF, "hồ sơ (1).pdf"),
]


@pytest.mark.parametrize(("raw", "file_type", "expected"), CLEANED)
def test_names_are_cleaned(raw, file_type, expected):
    assert filenames.clean(raw, file_type) == expected
