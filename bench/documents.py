"""Document generation: a Danh sách of 1,000 rows against one of 10 (how rendering grows with
the rows), 200 Giấy khen in one file, and LibreOffice's PDF conversion time per page.

The committed templates are filled through the real context builders and renderer with
nominations built in memory, so no database is needed; the PDF figures need `soffice`.
BENCH_DOCUMENT_PDF_PAGES sets the certificates converted to PDF (default 200).
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import time
from datetime import date

from tdkt.models import AwardForm, Campaign, Decision, Nomination, Unit
from tdkt.workflow.documents import pdf, render, templates
from tdkt.workflow.documents.contexts import danh_sach, giay_khen
from tdkt.workflow.documents.contexts.to_trinh import Letter
from tdkt.workflow.documents.issuers import Issuer, Signature

PDF_PAGES = int(os.environ.get("BENCH_DOCUMENT_PDF_PAGES", "200"))
ACHIEVEMENT = (
    "Tích cực vận động Nhân dân hiến đất, đóng góp ngày công làm đường giao thông nông thôn, "
    "chỉnh trang khu dân cư; trực tiếp hiến 500 m² đất và 60.000.000 đồng xây dựng cầu, đường ấp."
)


def _nominations(count: int) -> list[Nomination]:
    campaign = Campaign(name="Đợt thi đua đặc biệt thị xã Vĩnh Châu hoàn thành Chương trình mục tiêu quốc gia về xây dựng nông thôn mới")
    form = AwardForm(name="Giấy khen của Chủ tịch UBND thị xã Vĩnh Châu")
    units = [Unit(name=f"Xã Vĩnh Hiệp {i}", path=f"/1/2/{i}/") for i in range(6)]
    made = []
    for i in range(count):
        collective = i % 5 == 0
        made.append(
            Nomination(
                id=i + 1,
                campaign=campaign,
                award_form=form,
                unit=units[i % len(units)],
                nominee_kind="collective" if collective else "individual",
                nominee_type="collective" if collective else "person",
                nominee_name=f"Ấp Tân Nam {i}" if collective else f"Nguyễn Thị Ngọc Hân {i}",
                gender=None if collective else "female",
                position=None if collective else "Hội viên Hội Nông dân ấp",
                address=f"Ấp Tân Nam, xã Vĩnh Hiệp {i % 6}",
                achievement_summary=ACHIEVEMENT,
            )
        )
    return made


ISSUER = Issuer(
    parent_line="",
    body_lines=["ỦY BAN NHÂN DÂN", "THỊ XÃ VĨNH CHÂU"],
    display_name="Ủy ban nhân dân thị xã Vĩnh Châu",
    abbreviation="UBND",
    place_name="Vĩnh Châu",
    signature=Signature(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Đặng Thanh Bình"),
)


def _template(kind: str) -> bytes:
    return templates.builtin_path(kind).read_bytes()


def _timed(make, repeat: int = 3) -> tuple[float, bytes]:
    times, data = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        data = make()
        times.append(time.perf_counter() - start)
    return statistics.median(times), data


def danh_sach_seconds(rows: int) -> tuple[float, int]:
    nominations = _nominations(rows)
    template = _template("danh_sach")

    def make():
        letter = Letter("council", ISSUER, "Chủ tịch Ủy ban nhân dân thị xã Vĩnh Châu", nominations, None)
        draft = danh_sach.build(letter)
        return render.render(template, draft.context, title=draft.title, author=draft.author, day=draft.day)

    seconds, data = _timed(make, repeat=3 if rows <= 100 else 1)
    return seconds, len(data)


def _converted(data: bytes) -> float:
    start = time.perf_counter()
    pdf.convert(data)
    return time.perf_counter() - start


def certificates_file(count: int, first: int = 1) -> bytes:
    decision = Decision(number=5, symbol="QĐ-UBND", date=date(2026, 1, 5))
    alike = giay_khen.shared(ISSUER, decision)
    context = {
        "certificates": [
            giay_khen.certificate(n, alike, f"Số vào sổ: {i:02d}/GK")
            for i, n in enumerate(_nominations(count), start=first)
        ]
    }
    return render.render(_template("giay_khen"), context, title="Giấy khen", author="UBND", day=decision.date)


def main() -> int:
    small, small_size = danh_sach_seconds(10)
    large, large_size = danh_sach_seconds(1000)
    print(
        f"documents: Danh sách 10 rows {small:.2f} s ({small_size // 1024} KB), 1,000 rows {large:.2f} s "
        f"({large_size // 1024} KB): {large / small:.1f}× the time for 100× the rows"
    )
    seconds, data = _timed(lambda: certificates_file(200), repeat=1)
    again = certificates_file(200)
    same = hashlib.sha256(data).hexdigest() == hashlib.sha256(again).hexdigest()
    print(
        f"documents: 200 Giấy khen in one file {seconds:.2f} s ({len(data) // 1024} KB, "
        f"{seconds / 200 * 1000:.1f} ms per certificate; same bytes twice: {same})"
    )
    if not pdf.available():
        print("documents: PDF not measured: soffice is not installed", file=sys.stderr)
        return 0
    pdf.convert(certificates_file(2))  # a fresh profile's first start is not a conversion cost
    # Distinct files each time: the converter keeps recent results by hash.
    singles = [_converted(certificates_file(1, first=k)) for k in (10, 20, 30)]
    single = statistics.median(singles)
    several = _converted(certificates_file(PDF_PAGES))
    print(
        f"documents: PDF of 1 Giấy khen {single:.2f} s (median of 3), of {PDF_PAGES} {several:.2f} s: "
        f"{max(several - single, 0) / (PDF_PAGES - 1):.3f} s per further page, "
        f"{several / PDF_PAGES:.3f} s per page overall"
    )
    return 0
