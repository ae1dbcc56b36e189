"""What a file is, judged from its bytes (never its name): the five kinds a dossier accepts.

Magic numbers cover PDF, PNG and JPEG. DOCX and XLSX are ZIP packages, so the package itself is
opened: it must declare the plain (macro-free) Word document or Excel workbook as its main part
and hold that part; any other ZIP is refused. No system library (libmagic) is needed.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one given to a name that lacks it


PDF = FileType("pdf", "application/pdf", (".pdf",))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("png", "image/png", (".png",))
ACCEPTED = (PDF, DOCX, XLSX, JPEG, PNG)
ACCEPTED_WORDS = "PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG"

# The main part each package must hold and declare in [Content_Types].xml. A macro-enabled
# .docm or .xlsm declares another main type and so is refused.
OFFICE_MAIN_PARTS = (
    (DOCX, "word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    (XLSX, "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
)
# [Content_Types].xml is a few kilobytes; a bigger claim is a bomb, not an office file.
MAX_CONTENT_TYPES_BYTES = 1 << 20
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, NotImplementedError,
              RuntimeError, ValueError, EOFError, OSError, zlib.error)


def sniff(path: Path) -> FileType | None:
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_package(path)
    return None


def _office_package(path: Path) -> FileType | None:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            with package.open("[Content_Types].xml") as part:
                declared = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except ZIP_ERRORS:
        return None
    if len(declared) > MAX_CONTENT_TYPES_BYTES:
        return None
    text = declared.decode("utf-8", "replace")
    for file_type, main_part, main_type in OFFICE_MAIN_PARTS:
        if main_part in names and main_type in text:
            return file_type
    return None
