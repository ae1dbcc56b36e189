"""Builds the .docx templates of this folder with python-docx: `python docx_templates/build.py`.

Run once; the committed .docx files are what the application reads, and what an office worker
opens in Word, edits (a heading, a paragraph, the Nơi nhận list) and uploads as a new version.
Tags are docxtpl's Jinja: {{ value }}, {%p ... %} for a whole paragraph, {%tr ... %} for a
table row. Layout per Nghị định 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from tdkt.workflow.documents.package import normalise, save, set_fonts, stamp  # noqa: E402

CENTER, JUSTIFY, LEFT, RIGHT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)
BUILT_AT = datetime(2026, 1, 1)
TWIPS_PER_MM = 1440 / 25.4


def twips(mm: float) -> Twips:
    return Twips(math.ceil(mm * TWIPS_PER_MM))


# --- page and text ----------------------------------------------------------------------------


def new_document(*, landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    # Word stores margins in whole twips; rounding up keeps each one inside NĐ 30's range.
    section.top_margin = section.bottom_margin = twips(20)
    section.left_margin, section.right_margin = twips(30), twips(15)
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    set_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    # The first paragraph python-docx leaves empty would print as a blank line.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def content_width(doc) -> float:
    section = doc.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


def para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 14,
    align=None,
    first_indent: float | None = None,
    after: float = 0,
    before: float = 0,
    keep_next: bool = False,
):
    p = container.add_paragraph()
    if text:
        add_run(p, text, bold=bold, italic=italic, size=size)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if first_indent is not None:
        fmt.first_line_indent = Mm(first_indent)
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if keep_next:
        fmt.keep_with_next = True
    return p


def add_run(p, text: str, *, bold=False, italic=False, size: float = 14, underline=False):
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    run.font.size = Pt(size)
    run.font.name = "Times New Roman"
    set_fonts(run._element.get_or_add_rPr())
    return run


def tag(container, text: str):
    """A paragraph holding only a {%p ... %} tag: docxtpl removes the whole paragraph."""
    return para(container, text, size=2)


def body_text(container, text: str, *, italic=False, bold=False, indent=True, after=6):
    return para(
        container,
        text,
        italic=italic,
        bold=bold,
        align=JUSTIFY,
        first_indent=12.7 if indent else None,
        after=after,
    )


def rule_under(p, width_mm: float, cell_width_mm: float) -> None:
    """A line under the paragraph about `width_mm` long, centred in its cell (NĐ 30: the short
    line under the issuer's name and under the Tiêu ngữ)."""
    side = max((cell_width_mm - width_mm) / 2, 0)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    ppr = p._p.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(
        qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "auto"}
    )
    border.append(bottom)
    # pBdr belongs before spacing and indentation in CT_PPr's sequence.
    anchor = ppr.find(qn("w:spacing"))
    if anchor is None:
        anchor = ppr.find(qn("w:ind"))
    if anchor is not None:
        anchor.addprevious(border)
    else:
        ppr.append(border)


def keep_with_next(p):
    """The last paragraph goes with the signature block: no page holds a signature alone."""
    p.paragraph_format.keep_with_next = True
    return p


def page_break(container):
    p = container.add_paragraph()
    run = p.add_run()
    run.add_break(WD_BREAK.PAGE)
    set_fonts(run._element.get_or_add_rPr())
    return p


# --- tables -------------------------------------------------------------------------------------


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def layout_table(container, widths_mm: list[float], rows: int = 1):
    """A borderless grid for the letterhead and the signature blocks."""
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _fix_widths(table, widths_mm)
    for row in table.rows:
        # A signature block never starts on one page and ends on the next.
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
        for cell in row.cells:
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def grid_table(container, headers: list[str], widths_mm: list[float], *, size: float = 12):
    """A bordered data table with a header row repeated on every page."""
    table = container.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fix_widths(table, widths_mm)
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    for cell, text in zip(header.cells, headers, strict=True):
        p = cell.paragraphs[0]
        add_run(p, text, bold=True, size=size)
        p.alignment = CENTER
    return table


def _fix_widths(table, widths_mm: list[float]) -> None:
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.iterchildren(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(round(width * TWIPS_PER_MM)))


def loop_rows(table, loop: str, cells: list[tuple[str, object]], *, size: float = 12) -> None:
    """Three rows: `{%tr for ... %}`, the row repeated, `{%tr endfor %}`."""
    start = table.add_row()
    add_run(start.cells[0].paragraphs[0], f"{{%tr {loop} %}}", size=size)
    row = table.add_row()
    for cell, (text, align) in zip(row.cells, cells, strict=True):
        p = cell.paragraphs[0]
        add_run(p, text, size=size)
        p.alignment = align
    end = table.add_row()
    add_run(end.cells[0].paragraphs[0], "{%tr endfor %}", size=size)


# --- the blocks every administrative document has ----------------------------------------------


def letterhead(doc, *, number: bool = True) -> None:
    """Issuer top left, Quốc hiệu and Tiêu ngữ top right; "Số:" and the place-and-date line
    under them (a list attached to a Tờ trình has neither)."""
    total = content_width(doc)
    left = 65 if total < 200 else 100
    widths = [left, total - left]
    table = layout_table(doc, widths, rows=2 if number else 1)
    issuer, nation = table.cell(0, 0), table.cell(0, 1)
    tag(issuer, "{%p if header.parent_line %}")
    para(issuer, "{{ header.parent_line }}", size=13, align=CENTER)
    tag(issuer, "{%p endif %}")
    tag(issuer, "{%p for line in header.body_lines %}")
    para(issuer, "{{ line }}", size=13, bold=True, align=CENTER)
    tag(issuer, "{%p endfor %}")
    rule_under(para(issuer, size=4), 30, widths[0])
    para(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=CENTER)
    rule_under(para(nation, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER), 64, widths[1])
    if number:
        para(table.cell(1, 0), "Số: {{ number }}", size=13, align=CENTER, before=6)
        para(table.cell(1, 1), "{{ place_date }}", italic=True, size=14, align=CENTER, before=6)


def nation_heading(doc) -> None:
    """Quốc hiệu and Tiêu ngữ alone, centred (an individual's report, a certificate)."""
    para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=CENTER)
    tagline = para(doc, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=CENTER)
    rule_under(tagline, 68, content_width(doc))


def title(doc, text: str, *excerpt: str) -> None:
    para(doc, text, bold=True, size=14, align=CENTER, before=18)
    for line in excerpt:
        para(doc, line, bold=True, size=14, align=CENTER)
    rule_under(para(doc, size=4, after=12), 40, content_width(doc))


def signature_cell(cell, var: str = "signature", *, hint: str | None = None) -> None:
    tag(cell, f"{{%p for line in {var}.lines %}}")
    para(cell, "{{ line }}", bold=True, size=14, align=CENTER)
    tag(cell, "{%p endfor %}")
    if hint:
        para(cell, hint, italic=True, size=13, align=CENTER)
    for _ in range(4):
        para(cell, "", size=14)
    para(cell, f"{{{{ {var}.name }}}}", bold=True, size=14, align=CENTER)


def recipients_and_signature(doc, recipients: list[str], *, var: str = "signature") -> None:
    total = content_width(doc)
    table = layout_table(doc, [total * 0.48, total * 0.52])
    left, right = table.cell(0, 0), table.cell(0, 1)
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, before=6)
    for line in recipients:
        para(left, line, size=11)
    para(right, "", size=6)
    signature_cell(right, var)


# --- the templates ------------------------------------------------------------------------------


def to_trinh(opening: list[str], request: str, closing: str, recipients: list[str]) -> Document:
    doc = new_document()
    letterhead(doc)
    title(doc, "TỜ TRÌNH", "Về việc đề nghị tặng {{ award_form }}")
    para(doc, "Kính gửi: {{ recipient }}.", size=14, align=CENTER, after=12)
    tag(doc, "{%p for line in basis %}")
    body_text(doc, "Căn cứ {{ line }};")
    tag(doc, "{%p endfor %}")
    for line in opening:
        body_text(doc, line)
    body_text(doc, request)
    tag(doc, "{%p if collectives %}")
    body_text(doc, "Tập thể ({{ counts.collectives }}):", bold=True, after=3)
    tag(doc, "{%p for row in collectives %}")
    body_text(doc, "- {{ row.name }} ({{ row.position_unit }});", after=0)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if individuals %}")
    body_text(doc, "Cá nhân ({{ counts.individuals }}):", bold=True, after=3)
    tag(doc, "{%p for row in individuals %}")
    body_text(doc, "- {{ row.name }} ({{ row.position_unit }});", after=0)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    body_text(doc, "(Có danh sách và báo cáo thành tích kèm theo).", italic=True)
    keep_with_next(body_text(doc, closing))
    recipients_and_signature(doc, recipients)
    return doc


def to_trinh_unit() -> Document:
    return to_trinh(
        [],
        "{{ issuer_name }} kính trình {{ recipient }} xem xét, tổng hợp trình Hội đồng Thi đua - "
        "Khen thưởng, đề nghị tặng {{ award_form }} cho {{ counts.phrase }} đã có thành tích xuất sắc trong {{ campaign }}, cụ thể:",
        "Kính trình {{ recipient }} xem xét, thẩm định./.",
        ["- Như trên;", "- Lưu: VT."],
    )


def to_trinh_office() -> Document:
    return to_trinh(
        [
            "Trên cơ sở hồ sơ đề nghị khen thưởng của {{ units_count }} cơ quan, đơn vị, địa "
            "phương, {{ issuer_name }} đã thẩm định thành tích, đối chiếu tiêu chuẩn, chỉ tiêu "
            "khen thưởng theo Kế hoạch; các tập thể, cá nhân dưới đây đủ điều kiện đề nghị khen thưởng."
        ],
        "{{ issuer_name }} kính trình {{ recipient }} xem xét, đề nghị tặng {{ award_form }} cho "
        "{{ counts.phrase }} đã có thành tích "
        "xuất sắc trong {{ campaign }}, cụ thể:",
        "Kính trình {{ recipient }} xem xét, quyết định./.",
        ["- Như trên;", "- Lưu: VT, VPĐP."],
    )


def to_trinh_council() -> Document:
    return to_trinh(
        [
            "Hội đồng Thi đua - Khen thưởng đã họp xét ({{ meetings }}); các tập thể, cá nhân "
            "dưới đây đạt tỷ lệ phiếu đồng ý từ {{ pass_share }} tổng số thành viên Hội đồng trở lên."
        ],
        "{{ issuer_name }} kính trình {{ recipient }} xem xét, quyết định tặng {{ award_form }} "
        "cho {{ counts.phrase }} đã có thành "
        "tích xuất sắc trong {{ campaign }}, cụ thể:",
        "Kính trình {{ recipient }} xem xét, quyết định./.",
        ["- Như trên;", "- Thành viên Hội đồng TĐKT;", "- Lưu: VT, NV."],
    )


def danh_sach() -> Document:
    doc = new_document(landscape=True)
    letterhead(doc, number=False)
    title(doc, "DANH SÁCH", "{{ title }}")
    para(doc, "{{ subtitle }}", italic=True, size=13, align=CENTER, after=12)
    widths = [14, 55, 60, 83, 40]
    headers = ["STT", "Tên tập thể, cá nhân", "Chức vụ, đơn vị", "Tóm tắt thành tích", "Hình thức khen thưởng"]
    cells = [
        ("{{ row.index }}", CENTER),
        ("{{ row.name }}", LEFT),
        ("{{ row.position_unit }}", LEFT),
        ("{{ row.achievement }}", JUSTIFY),
        ("{{ row.award }}", LEFT),
    ]
    for number, heading, rows in (("I", "TẬP THỂ", "collectives"), ("II", "CÁ NHÂN", "individuals")):
        tag(doc, f"{{%p if {rows} %}}")
        para(doc, f"{number}. {heading} ({{{{ totals.{rows} }}}})", bold=True, size=13, before=6, after=3, keep_next=True)
        table = grid_table(doc, headers, widths)
        loop_rows(table, f"for row in {rows}", cells)
        tag(doc, "{%p endif %}")
    para(doc, "Tổng cộng: {{ totals.phrase }}.", bold=True, size=13, before=6)
    total = content_width(doc)
    table = layout_table(doc, [total * 0.5, total * 0.5])
    para(table.cell(0, 0), "", size=6)
    para(table.cell(0, 1), "", size=6)
    signature_cell(table.cell(0, 1))
    return doc


def bao_cao_ca_nhan() -> Document:
    doc = new_document()
    nation_heading(doc)
    para(doc, "{{ place_date }}", italic=True, size=14, align=RIGHT, before=6)
    title(doc, "BÁO CÁO THÀNH TÍCH", "ĐỀ NGHỊ TẶNG {{ award_form_upper }}")
    para(doc, "Thành tích trong {{ campaign }}", italic=True, size=14, align=CENTER, after=12)
    para(doc, "I. SƠ LƯỢC LÝ LỊCH", bold=True, size=14, after=6)
    tag(doc, "{%p for item in profile %}")
    body_text(doc, "- {{ item.label }}: {{ item.value }}.", after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, size=14, before=6, after=6)
    tag(doc, "{%p for line in achievement %}")
    body_text(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if contribution %}")
    body_text(doc, "Tổng giá trị đóng góp quy đổi: {{ contribution }}.")
    tag(doc, "{%p endif %}")
    para(doc, "III. HÌNH THỨC ĐỀ NGHỊ KHEN THƯỞNG", bold=True, size=14, before=6, after=6)
    body_text(doc, "Đề nghị tặng {{ award_form }}.")
    total = content_width(doc)
    table = layout_table(doc, [total * 0.5, total * 0.5])
    para(table.cell(0, 0), "", size=6)
    signature_cell(table.cell(0, 0), "confirmation")
    para(table.cell(0, 1), "", size=6)
    signature_cell(table.cell(0, 1), "reporter", hint="{{ reporter.hint }}")
    return doc


def bao_cao_tap_the() -> Document:
    doc = new_document()
    letterhead(doc, number=False)
    para(doc, "{{ place_date }}", italic=True, size=14, align=RIGHT, before=6)
    title(doc, "BÁO CÁO THÀNH TÍCH", "ĐỀ NGHỊ TẶNG {{ award_form_upper }}", "CỦA {{ name_upper }}")
    para(doc, "Thành tích trong {{ campaign }}", italic=True, size=14, align=CENTER, after=12)
    para(doc, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", bold=True, size=14, after=6)
    tag(doc, "{%p for item in profile %}")
    body_text(doc, "- {{ item.label }}: {{ item.value }}.", after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, size=14, before=6, after=6)
    tag(doc, "{%p for line in achievement %}")
    body_text(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if contribution %}")
    body_text(doc, "Tổng giá trị đóng góp quy đổi: {{ contribution }}.")
    tag(doc, "{%p endif %}")
    para(doc, "III. HÌNH THỨC ĐỀ NGHỊ KHEN THƯỞNG", bold=True, size=14, before=6, after=6)
    body_text(doc, "Đề nghị tặng {{ award_form }}.")
    total = content_width(doc)
    table = layout_table(doc, [total * 0.5, total * 0.5])
    para(table.cell(0, 0), "", size=6)
    signature_cell(table.cell(0, 0), "confirmation")
    para(table.cell(0, 1), "", size=6)
    signature_cell(table.cell(0, 1), "reporter", hint="{{ reporter.hint }}")
    return doc


def bien_ban() -> Document:
    doc = new_document()
    letterhead(doc)
    title(doc, "BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng")
    body_text(doc, "Thời gian: {{ meeting.date_words }}.")
    body_text(doc, "Địa điểm: {{ meeting.place }}.")
    body_text(doc, "Chủ trì: {{ chair.name }}.")
    body_text(doc, "Thư ký: {{ secretary.name }}.")
    body_text(
        doc,
        "Thành phần: tổng số thành viên Hội đồng {{ meeting.members_total }} người; có mặt "
        "{{ meeting.members_present }} người; vắng {{ meeting.members_absent }} người. Số thành "
        "viên dự họp bằng {{ meeting.present_share }} tổng số thành viên, {{ meeting.quorum }}.",
    )
    body_text(
        doc,
        "Nội dung: Hội đồng xem xét hồ sơ đề nghị khen thưởng trong {{ campaign }} và biểu "
        "quyết từng trường hợp. Kết quả như sau:",
    )
    widths = [12, 52, 40, 22, 22, 17]
    headers = ["STT", "Tập thể, cá nhân", "Đơn vị", "Phiếu đồng ý", "Tỷ lệ (tổng số TV)", "Kết quả"]
    table = grid_table(doc, headers, widths)
    loop_rows(
        table,
        "for row in votes",
        [
            ("{{ row.index }}", CENTER),
            ("{{ row.name }}", LEFT),
            ("{{ row.unit }}", LEFT),
            ("{{ row.votes_for }}/{{ meeting.members_total }}", CENTER),
            ("{{ row.share }}", CENTER),
            ("{{ row.result }}", CENTER),
        ],
    )
    para(doc, "", size=6)
    body_text(
        doc,
        "Kết luận: Hội đồng thống nhất đề nghị {{ proposal_to }} tặng {{ award_form }} cho "
        "{{ counts.phrase }} có tỷ lệ phiếu "
        "đồng ý từ {{ pass_share }} tổng số thành viên Hội đồng trở lên.",
    )
    keep_with_next(body_text(doc, "Biên bản được lập xong và thông qua tại cuộc họp./."))
    total = content_width(doc)
    table = layout_table(doc, [total * 0.5, total * 0.5])
    para(table.cell(0, 0), "", size=6)
    signature_cell(table.cell(0, 0), "secretary")
    para(table.cell(0, 1), "", size=6)
    signature_cell(table.cell(0, 1), "chair")
    return doc


def quyet_dinh() -> Document:
    doc = new_document()
    letterhead(doc)
    title(doc, "QUYẾT ĐỊNH", "Về việc tặng {{ award_form }}")
    para(doc, "{{ authority }}", bold=True, size=14, align=CENTER, after=12)
    tag(doc, "{%p for line in basis %}")
    body_text(doc, "Căn cứ {{ line }};", italic=True)
    tag(doc, "{%p endfor %}")
    body_text(doc, "{{ proposal }}.", italic=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, size=14, align=CENTER, before=6, after=6)
    body_text(
        doc,
        "Điều 1. Tặng {{ award_form }} cho {{ counts.phrase }} (có danh sách kèm theo) đã có thành tích xuất sắc trong "
        "{{ campaign }}.",
    )
    body_text(
        doc,
        "Điều 2. Kèm theo {{ award_form_short }}, các tập thể, cá nhân có tên tại Điều 1 được "
        "thưởng theo mức lương cơ sở {{ base_salary }} đồng ({{ salary_source }}), làm tròn lên "
        "hàng chục nghìn đồng ({{ article }}):",
    )
    tag(doc, "{%p for rate in rates %}")
    body_text(doc, "- {{ rate.label }}: {{ rate.basis }}, thành tiền {{ rate.amount }} đồng;", after=0)
    tag(doc, "{%p endfor %}")
    body_text(doc, "Tổng số tiền thưởng: {{ total_money }} đồng (Bằng chữ: {{ total_words }}).")
    body_text(doc, "Nguồn kinh phí: {{ fund_source }}.")
    closing = body_text(
        doc,
        "Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, Trưởng phòng Nội vụ, "
        "Trưởng phòng Tài chính - Kế hoạch, Thủ trưởng các cơ quan, đơn vị có liên quan và các "
        "tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này. Quyết định "
        "có hiệu lực kể từ ngày ký./.",
    )
    keep_with_next(closing)
    recipients_and_signature(doc, ["- Như Điều 3;", "- Thường trực Hội đồng TĐKT;", "- Lưu: VT, NV."])
    page_break(doc)
    annex(doc)
    return doc


def annex(doc) -> None:
    para(doc, "DANH SÁCH", bold=True, size=14, align=CENTER)
    para(doc, "{{ annex.title }}", bold=True, size=14, align=CENTER)
    para(doc, "{{ annex.subtitle }}", italic=True, size=13, align=CENTER)
    rule_under(para(doc, size=4, after=12), 40, content_width(doc))
    widths = [12, 58, 60, 35]
    headers = ["STT", "Tên tập thể, cá nhân", "Chức vụ, đơn vị", "Tiền thưởng (đồng)"]
    cells = [
        ("{{ row.index }}", CENTER),
        ("{{ row.name }}", LEFT),
        ("{{ row.position_unit }}", LEFT),
        ("{{ row.amount }}", RIGHT),
    ]
    for number, heading, rows in (("I", "TẬP THỂ", "collectives"), ("II", "CÁ NHÂN", "individuals")):
        tag(doc, f"{{%p if annex.{rows} %}}")
        para(doc, f"{number}. {heading} ({{{{ counts.{rows} }}}})", bold=True, size=13, before=6, after=3, keep_next=True)
        table = grid_table(doc, headers, widths)
        loop_rows(table, f"for row in annex.{rows}", cells)
        tag(doc, "{%p endif %}")
    para(doc, "Tổng số tiền thưởng: {{ total_money }} đồng.", bold=True, size=13, before=6)


def giay_khen() -> Document:
    doc = new_document(landscape=True)
    total = content_width(doc)
    tag(doc, "{%p for c in certificates %}")
    nation_heading(doc)
    para(doc, "{{ c.authority }}", bold=True, size=15, align=CENTER, before=12)
    para(doc, "TẶNG", bold=True, size=14, align=CENTER, before=6)
    para(doc, "GIẤY KHEN", bold=True, size=36, align=CENTER, before=6, after=6)
    para(doc, "{{ c.name }}", bold=True, size=20, align=CENTER, after=3)
    para(doc, "{{ c.position_unit }}", size=14, align=CENTER, after=6)
    para(doc, "{{ c.achievement }}", italic=True, size=14, align=CENTER, after=12)
    table = layout_table(doc, [total * 0.45, total * 0.55])
    left, right = table.cell(0, 0), table.cell(0, 1)
    para(left, "", size=14)
    para(left, "{{ c.decision }}", size=13, align=LEFT)
    para(left, "{{ c.register }}", size=13, align=LEFT)
    para(right, "{{ c.place_date }}", italic=True, size=14, align=CENTER)
    signature_cell(right, "c.signature")
    tag(doc, "{%p if not loop.last %}")
    page_break(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return doc


def framed(doc, text: str, *, x: float, y: float, width: float, size: float, bold=False, italic=False, align=CENTER):
    """A paragraph at a fixed place on the page (x, y in mm from the page's top left corner),
    where a pre-printed blank leaves room for it; the print offsets move every frame at once."""
    p = para(doc, text, size=size, bold=bold, italic=italic, align=align)
    ppr = p._p.get_or_add_pPr()
    frame = ppr.makeelement(
        qn("w:framePr"),
        {
            qn("w:w"): str(round(width * TWIPS_PER_MM)),
            qn("w:hSpace"): "0",
            qn("w:wrap"): "around",
            qn("w:vAnchor"): "page",
            qn("w:hAnchor"): "page",
            qn("w:x"): str(round(x * TWIPS_PER_MM)),
            qn("w:y"): str(round(y * TWIPS_PER_MM)),
        },
    )
    ppr.insert(0, frame)
    return p


def giay_khen_phoi() -> Document:
    """Only the variable text of a Giấy khen, placed for a pre-printed blank (phôi) that
    already carries the Quốc hiệu, the title and the border."""
    doc = new_document(landscape=True)
    tag(doc, "{%p for c in certificates %}")
    framed(doc, "{{ c.authority }}", x=40, y=52, width=217, size=15, bold=True)
    framed(doc, "{{ c.name }}", x=40, y=98, width=217, size=20, bold=True)
    framed(doc, "{{ c.position_unit }}", x=40, y=110, width=217, size=14)
    framed(doc, "{{ c.achievement }}", x=40, y=120, width=217, size=14, italic=True)
    framed(doc, "{{ c.decision }}", x=35, y=160, width=110, size=13, align=LEFT)
    framed(doc, "{{ c.register }}", x=35, y=168, width=110, size=13, align=LEFT)
    framed(doc, "{{ c.place_date }}", x=160, y=146, width=110, size=14, italic=True)
    framed(doc, "{{ c.signature.lines|join(' / ') }}", x=160, y=153, width=110, size=14, bold=True)
    framed(doc, "{{ c.signature.name }}", x=160, y=185, width=110, size=14, bold=True)
    tag(doc, "{%p if not loop.last %}")
    page_break(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return doc


TEMPLATES = {
    "to_trinh_unit": (to_trinh_unit, "Tờ trình đề nghị khen thưởng (đơn vị đề nghị)"),
    "to_trinh_office": (to_trinh_office, "Tờ trình đề nghị khen thưởng (Văn phòng Điều phối)"),
    "to_trinh_council": (to_trinh_council, "Tờ trình đề nghị khen thưởng (Hội đồng TĐKT)"),
    "danh_sach": (danh_sach, "Danh sách đề nghị khen thưởng"),
    "bao_cao_ca_nhan": (bao_cao_ca_nhan, "Báo cáo thành tích cá nhân"),
    "bao_cao_tap_the": (bao_cao_tap_the, "Báo cáo thành tích tập thể"),
    "bien_ban": (bien_ban, "Biên bản họp Hội đồng Thi đua - Khen thưởng"),
    "quyet_dinh": (quyet_dinh, "Quyết định khen thưởng"),
    "giay_khen": (giay_khen, "Giấy khen"),
    "giay_khen_phoi": (giay_khen_phoi, "Giấy khen (in trên phôi)"),
}


def main(names: list[str]) -> None:
    for name in names or TEMPLATES:
        build, label = TEMPLATES[name]
        doc = build()
        normalise(doc)
        stamp(doc, title=label, author="TĐKT", moment=BUILT_AT)
        (ROOT / f"{name}.docx").write_bytes(save(doc))
        print(f"{name}.docx")


if __name__ == "__main__":
    main(sys.argv[1:])
