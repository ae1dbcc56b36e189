"""How Nghị định 30/2020 writes numbers, dates and money in running text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Before the văn thư issues a document its number and day are left for the pen: four spaces,
# so that "Số: " + this reads "Số:     /QĐ-UBND" and "ngày " + day + " tháng" leaves five.
BLANK_NUMBER = "    "
BLANK_DAY = "   "

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def clean(value: object) -> str:
    """A single-line NFC text: control characters and runs of spaces become one space."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return re.sub(r"[\s\x00-\x1f\x7f]+", " ", text).strip()


def paragraphs(value: str | None) -> list[str]:
    """A multi-line text as its non-empty paragraphs, each cleaned."""
    text = unicodedata.normalize("NFC", value or "")
    return [p for p in (clean(line) for line in text.splitlines()) if p]


def number_ref(number: int | None, symbol: str) -> str:
    """ "05/QĐ-UBND" (a leading zero below 10), or the blank of a copy for signature."""
    return f"{BLANK_NUMBER}/{symbol}" if number is None else f"{number:02d}/{symbol}"


def day_text(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    # NĐ 30/2020: a leading zero for January and February only ("tháng 01", "tháng 3").
    return f"{month:02d}" if month <= 2 else str(month)


def date_words(day: date, *, blank_day: bool = False) -> str:
    """ "ngày 05 tháng 01 năm 2026"; with blank_day "ngày     tháng 01 năm 2026"."""
    shown = BLANK_DAY if blank_day else day_text(day.day)
    return f"ngày {shown} tháng {month_text(day.month)} năm {day.year}"


def place_date(place: str, day: date, *, blank_day: bool = False) -> str:
    return f"{place}, {date_words(day, blank_day=blank_day)}"


def short_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def money(amount: int) -> str:
    """1410000 -> "1.410.000" (Vietnamese groups thousands with dots)."""
    return f"{amount:,}".replace(",", ".")


def decimal_text(value) -> str:
    """Decimal("0.30") -> "0,3" (a decimal comma, no trailing zeros)."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


def percent(part: int, whole: int) -> str:
    """Share with one decimal and a decimal comma: 8 of 9 -> "88,9%"."""
    return f"{part * 100 / whole:.1f}".replace(".", ",") + "%" if whole else "0%"


def _hundreds(n: int, full: bool) -> list[str]:
    """Words for 0..999; `full` when a higher group precedes it ("không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def number_words(n: int) -> str:
    """1070000 -> "Một triệu không trăm bảy mươi nghìn"."""
    if n == 0:
        return "Không"
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(SCALES):
        raise ValueError("number too large to write out")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index] == 0:
            continue
        words += _hundreds(groups[index], full=bool(words))
        if SCALES[index]:
            words.append(SCALES[index])
    text = " ".join(words)
    return text[0].upper() + text[1:]


def money_words(amount: int) -> str:
    return f"{number_words(amount)} đồng"
