"""PDF through LibreOffice and PNG through pdftoppm: the pages are A4 (landscape where they
should be), the Vietnamese text comes out whole in a Times-compatible font, and the images are
kept under test-artifacts/documents/ for a person to look at. Slow, so a few documents once."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from tdkt.models import db
from tdkt.workflow import engine
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import pdf, service

from conftest import service_unavailable
from factories import actor, nomination_in

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "documents"
A4 = (595, 842)


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True, timeout=60).stdout


def page_size(path: Path) -> tuple[int, int]:
    line = next(line for line in poppler("pdfinfo", str(path)).splitlines() if line.startswith("Page size:"))
    width, _, height = line.split(":", 1)[1].split()[:3]
    return round(float(width)), round(float(height))


def pages(path: Path) -> int:
    line = next(line for line in poppler("pdfinfo", str(path)).splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


# The PDF does not depend on the database: rendered once, on SQLite.
@pytest.mark.parametrize("backend_app", ["sqlite"], indirect=True)
def test_documents_render_to_pdf_and_png(app):
    if not pdf.available() or not shutil.which("pdftoppm"):
        service_unavailable("LibreOffice and poppler", "soffice or pdftoppm not on PATH")
    waiting = [
        nomination_in(
            "awaiting_signature",
            nominee_kind="collective",
            nominee_type="collective",
            category="collective_hamlet",
            nominee_name="Ấp Tân Thành",
        ),
        nomination_in("awaiting_signature", nominee_name="Thạch Thị Sa Rươne & <Cô> “Út”", gender="female"),
    ]
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    items = [{"id": n.id, "version": n.version} for n in waiting]
    [outcome, _] = engine.fire_many(actor("chutich"), "sign", {"items": items, "decision_date": yesterday})
    db.session.flush()
    decision = outcome.nomination.decision
    chairman = actor("chutich")
    made = {
        "quyet_dinh": service.decision_document(chairman, decision.id, "quyet_dinh", service.Options(fmt="pdf")),
        "giay_khen": service.decision_document(chairman, decision.id, "giay_khen", service.Options(fmt="pdf")),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, file in made.items():
        assert file.content_type == "application/pdf" and file.data.startswith(b"%PDF")
        target = ARTIFACTS / f"{name}.pdf"
        target.write_bytes(file.data)
        for old in ARTIFACTS.glob(f"{name}-*.png"):
            old.unlink()
        poppler("pdftoppm", "-r", "60", "-png", str(target), str(ARTIFACTS / name))
        images = sorted(ARTIFACTS.glob(f"{name}-*.png"))
        assert len(images) == pages(target) and all(i.stat().st_size > 5000 for i in images)
        fonts = poppler("pdffonts", str(target))
        assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts, fonts
    assert page_size(ARTIFACTS / "quyet_dinh.pdf") == A4
    assert page_size(ARTIFACTS / "giay_khen.pdf") == A4[::-1]
    assert pages(ARTIFACTS / "giay_khen.pdf") == 2
    text = poppler("pdftotext", "-layout", str(ARTIFACTS / "quyet_dinh.pdf"), "-")
    assert f"Số: {decision.number:02d}/QĐ-UBND" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ VĨNH CHÂU" in text
    certificates = poppler("pdftotext", str(ARTIFACTS / "giay_khen.pdf"), "-")
    assert "Bà Thạch Thị Sa Rươne & <Cô> “Út”" in certificates
    assert "Ấp Tân Thành" in certificates
