"""The .docx file itself: every run in Times New Roman on all four font slots, text in NFC,
and a zip whose bytes depend on the content only (fixed timestamps, sorted entries), so the
same inputs give the same SHA-256 and a hash can be checked later."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import datetime

from docx.document import Document
from docx.oxml.ns import qn

FONT = "Times New Roman"
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
# A theme font attribute wins over the explicit one in Word: it must go.
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def set_fonts(rpr) -> None:
    """Times New Roman on all four slots of a run-properties element."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for slot in THEME_SLOTS:
        fonts.attrib.pop(qn(slot), None)
    for slot in FONT_SLOTS:
        fonts.set(qn(slot), FONT)


def _run_properties(run):
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = run.makeelement(qn("w:rPr"), {})
        run.insert(0, rpr)
    return rpr


def normalise_part(root) -> None:
    for run in root.iter(qn("w:r")):
        set_fonts(_run_properties(run))
    for text in root.iter(qn("w:t")):
        if text.text:
            text.text = unicodedata.normalize("NFC", text.text)
            # Without it Word trims leading and trailing spaces: a blank number would vanish.
            text.set(XML_SPACE, "preserve")


def normalise(document: Document) -> None:
    normalise_part(document.element)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer, section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                normalise_part(part._element)
    styles = document.styles.element
    for rpr in styles.iter(qn("w:rPr")):
        set_fonts(rpr)


def stamp(document: Document, *, title: str, author: str, moment: datetime) -> None:
    """Core properties from the inputs, never from the clock."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = moment
    props.modified = moment
    props.revision = 1
    props.last_printed = moment


def deterministic(data: bytes) -> bytes:
    """The same entries, sorted, with fixed timestamps and one compression setting."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


def save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic(buffer.getvalue())
