"""The first page of a document as a PNG, for the "Tài liệu" panel: the .docx is made (with the
same scope checks as a download), converted to PDF by LibreOffice and its first page drawn by
poppler's pdftoppm. Images are kept on disk under the .docx's SHA-256, so a document that has
not changed is converted once, whoever looks at it and in whichever worker process."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ...models.documents import DocumentTemplate
from ..actor import Actor
from . import pdf, service
from .contexts.common import Draft
from .settings import setting

RESOLUTION_DPI = 40


def pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


def available() -> bool:
    return pdf.available() and pdftoppm() is not None


def first_page_png(pdf_data: bytes, timeout: float) -> bytes:
    binary = pdftoppm()
    if binary is None:
        raise pdf.unavailable()
    with tempfile.TemporaryDirectory(prefix="tdkt-preview-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf_data)
        target = Path(work) / "page"
        command = [binary, "-f", "1", "-l", "1", "-singlefile", "-png", "-r", str(RESOLUTION_DPI), str(source), str(target)]
        try:
            process = subprocess.run(command, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise pdf.failed(f"Vẽ trang đầu quá {timeout:g} giây; vui lòng thử lại sau.") from None
        image = target.with_suffix(".png")
        if process.returncode != 0 or not image.exists():
            detail = process.stderr.decode(errors="replace").strip()[-300:]
            raise pdf.failed(f"Không vẽ được trang đầu của tài liệu. {detail}".strip())
        return image.read_bytes()


def _store(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename: another process never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


@dataclass
class Prepared:
    """A document made and checked, ready to be drawn: what needs the database is done."""

    kind: str
    draft: Draft
    template: DocumentTemplate
    docx: bytes
    docx_sha: str
    path: Path

    @property
    def cached(self) -> bytes | None:
        return self.path.read_bytes() if self.path.exists() else None


def prepare(
    actor: Actor, target: str, target_id: int, kind: str, options: service.Options, cache_dir: Path
) -> Prepared:
    draft = service.draft_for(actor.user, target, target_id, kind, options)
    # After the scope check: out of scope is 404 whether LibreOffice is installed or not.
    if not available():
        raise pdf.unavailable()
    template, docx = service.fill(draft)
    docx_sha = hashlib.sha256(docx).hexdigest()
    return Prepared(kind, draft, template, docx, docx_sha, cache_dir / f"{docx_sha}.png")


def draw(prepared: Prepared) -> bytes:
    """LibreOffice and pdftoppm, seconds of work that touch no database: the caller runs it
    outside any transaction (on SQLite every transaction holds the write lock)."""
    image = first_page_png(pdf.convert(prepared.docx), setting("DOCUMENT_PDF_TIMEOUT"))
    _store(prepared.path, image)
    return image


def record(actor: Actor, prepared: Prepared, image: bytes) -> None:
    """A new image is a new file made from the document: it goes to the audit trail like a
    download; one already on disk was recorded when it was drawn."""
    details = {"format": "png", "sha256": hashlib.sha256(image).hexdigest(), "docx_sha256": prepared.docx_sha}
    service.record(actor, prepared.kind, prepared.draft, prepared.template, details)
