"""Reading generated .docx files back with python-docx: what every signed-ready document must
satisfy (Nghị định 30/2020), for the document tests to assert."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from docx.shared import Mm

FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme")
NUMBER_LINE = re.compile(r"^Số: (?P<number>\d{2,}|    )/(?P<symbol>[A-ZĐ][A-Za-zĐ]*-[A-ZĐ]+)$")
DATE_LINE = re.compile(
    r"^(?P<place>[^,]+), ngày (?P<day>\d{2}|   ) tháng (?P<month>0[12]|[3-9]|1[0-2]) năm (?P<year>\d{4})$"
)
TAG_MARKS = ("{{", "}}", "{%", "%}", "{#", "#}")


@dataclass
class Reading:
    data: bytes
    document: docx.document.Document
    lines: list[str]
    xml: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def numbers(self) -> list[re.Match]:
        return [m for line in self.lines if (m := NUMBER_LINE.match(line))]

    def dates(self) -> list[re.Match]:
        return [m for line in self.lines if (m := DATE_LINE.match(line))]

    def index(self, line: str) -> int:
        return self.lines.index(line)


def _paragraph_lines(container) -> list[str]:
    lines = []
    for block in container.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines += _paragraph_lines(cell)
        else:
            lines.append(block.text)
    return lines


def read(data: bytes) -> Reading:
    document = docx.Document(io.BytesIO(data))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return Reading(data, document, [line.strip() for line in _paragraph_lines(document)], xml)


def assert_signed_ready(reading: Reading, *, landscape: bool = False) -> None:
    """No tag left, A4 with NĐ 30 margins, Times New Roman on the four slots of every run, NFC,
    no placeholder a person would have to fill in by hand except the blank number and day."""
    for mark in TAG_MARKS:
        assert mark not in reading.xml, f"template tag {mark!r} left in the document"
    for bad in ("None", "StrictUndefined", "[]", "{}"):
        assert bad not in reading.text, f"{bad!r} printed into the document"
    for section in reading.document.sections:
        width, height = section.page_width / Mm(1), section.page_height / Mm(1)
        expected = (297, 210) if landscape else (210, 297)
        assert (round(width), round(height)) == expected, (width, height)
        assert 20 <= section.top_margin / Mm(1) <= 25
        assert 20 <= section.bottom_margin / Mm(1) <= 25
        assert 30 <= section.left_margin / Mm(1) <= 35
        assert 15 <= section.right_margin / Mm(1) <= 20
    runs = list(reading.document.element.body.iter(qn("w:r")))
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts is not None, run.xml
        for slot in FONT_SLOTS:
            assert fonts.get(qn(slot)) == "Times New Roman", (slot, run.xml)
        for slot in THEME_SLOTS:
            assert fonts.get(qn(slot)) is None, (slot, run.xml)
    for line in reading.lines:
        assert unicodedata.is_normalized("NFC", line), line


def assert_letterhead(reading: Reading) -> None:
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in reading.lines
    assert "Độc lập - Tự do - Hạnh phúc" in reading.lines


def assert_recipients(reading: Reading) -> None:
    """ "Nơi nhận:" in bold italic 12 pt, each entry "- …;" in 11 pt, the last "- Lưu: …"."""
    start = reading.index("Nơi nhận:")
    entries = []
    for line in reading.lines[start + 1 :]:
        if not line.startswith("- "):
            break
        entries.append(line)
    assert entries, "no recipients"
    assert all(e.endswith(";") for e in entries[:-1]), entries
    assert entries[-1].startswith("- Lưu:") and entries[-1].endswith("."), entries
    heading = next(p for p in reading.document.element.body.iter(qn("w:p")) if paragraph_text(p) == "Nơi nhận:")
    rpr = heading.find(qn("w:r")).find(qn("w:rPr"))
    assert rpr.find(qn("w:b")) is not None and rpr.find(qn("w:i")) is not None
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "24"


def paragraph_text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def signature_block(reading: Reading, name: str) -> list[str]:
    """The bold lines above the signer's name: authority and title."""
    end = reading.index(name)
    above = []
    for line in reversed(reading.lines[:end]):
        if line:
            above.append(line)
        elif above:
            break
    return list(reversed(above))
