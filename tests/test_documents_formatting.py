"""The wording rules documents follow, without a database: NĐ 30 numbers and dates, money in
figures and words, reward rounding, and the deterministic file."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import docx
import pytest

from tdkt.workflow.documents import formatting, money, package


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 10, 10), "ngày 10 tháng 10 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_date_words_put_leading_zeros_where_nd30_does(day, words):
    assert formatting.date_words(day) == words
    assert formatting.place_date("Vĩnh Châu", day) == f"Vĩnh Châu, {words}"


def test_blank_number_and_day_for_the_copy_to_sign():
    assert "Số: " + formatting.number_ref(None, "QĐ-UBND") == "Số:     /QĐ-UBND"
    assert "Số: " + formatting.number_ref(5, "QĐ-UBND") == "Số: 05/QĐ-UBND"
    assert "Số: " + formatting.number_ref(123, "QĐ-UBND") == "Số: 123/QĐ-UBND"
    assert formatting.place_date("Vĩnh Châu", date(2026, 11, 3), blank_day=True) == (
        "Vĩnh Châu, ngày     tháng 11 năm 2026"
    )
    assert formatting.date_words(date(2027, 1, 3), blank_day=True) == "ngày     tháng 01 năm 2027"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (710_000, "Bảy trăm mười nghìn đồng"),
        (1_070_000, "Một triệu không trăm bảy mươi nghìn đồng"),
        (1_410_000, "Một triệu bốn trăm mười nghìn đồng"),
        (3_190_000, "Ba triệu một trăm chín mươi nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (15_000_000, "Mười lăm triệu đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
    ],
)
def test_money_in_figures_and_words(amount, words):
    assert formatting.money_words(amount) == words
    assert formatting.money(1_410_000) == "1.410.000"


def test_reward_money_rounds_up_to_ten_thousand():
    base = 2_340_000
    assert money.amount(Decimal("0.3"), base) == 710_000  # 702,000 rounded up
    assert money.amount(Decimal("0.6"), base) == 1_410_000  # 1,404,000
    assert money.amount(Decimal("1.5"), base) == 3_510_000  # exact: stays
    assert money.amount(Decimal("3.5"), base) == 8_190_000  # exact
    # A household: 1.5 × the individual's rounded amount, rounded again.
    assert money.amount(Decimal("0.3"), base, Decimal("1.5")) == 1_070_000
    assert money.round_up(700_001) == 710_000
    assert money.round_up(700_000) == 700_000
    assert money.amount(Decimal("0.3"), 1_800_000) == 540_000


def test_the_package_is_deterministic_and_times_new_roman():
    def made() -> bytes:
        document = docx.Document()
        run = document.add_paragraph().add_run("Nguye\u0302\u0303n Văn & <An>")  # NFD input
        run.bold = True
        package.normalise(document)
        package.stamp(document, title="t", author="a", moment=datetime(2026, 1, 5))
        return package.save(document)

    first, second = made(), made()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {package.ZIP_EPOCH}
    reopened = docx.Document(io.BytesIO(first))
    assert reopened.paragraphs[0].text == "Nguyễn Văn & <An>"
    fonts = reopened.paragraphs[0].runs[0]._element.rPr.rFonts
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(docx.oxml.ns.qn(slot)) == "Times New Roman"


def test_each_running_conversion_holds_a_profile_of_its_own():
    from tdkt.workflow.documents import pdf

    with pdf.profile() as first, pdf.profile() as second:
        assert first != second
    def slot(path):
        return int(path.name.rsplit("-", 1)[1])

    with pdf.profile() as again:
        # The lowest free slot is reused, not a new one made (another test process may hold
        # a lower one meanwhile, never make this one higher).
        assert slot(again) <= slot(first)
