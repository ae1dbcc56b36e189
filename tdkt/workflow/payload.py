"""Checking the shape of what callers send: JSON types are 400, values out of range are 422."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import bad_request, validation_failed
from .text import nfc

TYPE_NAMES = {int: "số nguyên", str: "chuỗi ký tự", date: "ngày (YYYY-MM-DD)", bool: "đúng/sai"}

# The database's INTEGER: a larger id or count cannot exist, and the drivers refuse to send it.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Line breaks and tabs belong in summaries and comments; other control characters (NUL above
# all, which PostgreSQL refuses) and lone surrogates (not text at all) belong nowhere.
ALLOWED_CONTROLS = frozenset("\t\n\r")
# date.fromisoformat also reads "20240101" and week dates ("2024-W01-1"); the API takes
# YYYY-MM-DD only.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True)
class Field:
    type: type
    label: str
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple[str, ...] | None = None
    nullable: bool = True
    # False for a value only compared in Python (the version a caller sends), which may be
    # any integer; every other integer must fit the column it is looked up in or stored to.
    fits_column: bool = True

    def bounds(self) -> tuple[int | None, int | None]:
        low, high = self.min_value, self.max_value
        if self.fits_column:
            low = INT_MIN if low is None else low
            high = INT_MAX if high is None else high
        return low, high


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD day, or None for anything else."""
    if not ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def ascii_int(raw: str, *, max_digits: int | None = None, signed: bool = False) -> int | None:
    """A whole number written in ASCII digits (after a '-' where signed), at most max_digits of
    them, or None. Numbers people type are ASCII digits only: str.isdigit() also takes '²'
    (which int() then refuses) and int() takes other scripts' digits ('٣' is 3)."""
    digits = raw[1:] if signed and raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit()):
        return None
    if max_digits is not None and len(digits) > max_digits:
        return None
    return int(raw)


def fits_integer(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def is_clean_text(value: str) -> bool:
    return not any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in ALLOWED_CONTROLS for ch in value
    )


def parse(body: Any, fields: dict[str, Field], *, what: str = "Yêu cầu") -> dict:
    """check_shape, then refuse any value out of range at once."""
    clean, problems = check_shape(body, fields, what=what)
    if problems:
        raise validation_failed(problems)
    return clean


def check_shape(
    body: Any, fields: dict[str, Field], *, what: str = "Yêu cầu"
) -> tuple[dict, dict[str, str]]:
    """Reject non-objects, unknown keys and wrong JSON types at once (400). Return the
    NFC-normalised values with dates parsed, and the values out of range (a later 422: the
    API's order puts permission and version checks between the two)."""
    if not isinstance(body, dict):
        raise bad_request(f"{what} phải là một đối tượng JSON.")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise bad_request(
            f"Trường không được hỗ trợ: {', '.join(unknown)}.", unknown_fields=unknown
        )
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in body.items():
        spec = fields[name]
        if value is None:
            if not spec.nullable:
                raise bad_request(f"Trường '{name}' không được để trống (null).", field=name)
            clean[name] = None
            continue
        expected = str if spec.type is date else spec.type
        if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
            raise bad_request(
                f"Trường '{name}' phải là {TYPE_NAMES[spec.type]}.", field=name
            )
        if spec.type is date:
            value = parse_day(value)
            if value is None:
                problems[name] = f"{spec.label} phải là ngày dạng YYYY-MM-DD"
                continue
        elif spec.type is str:
            if not is_clean_text(value):
                problems[name] = f"{spec.label} chứa ký tự điều khiển hoặc ký tự không hợp lệ"
                continue
            value = nfc(value).strip()
            if spec.max_length is not None and len(value) > spec.max_length:
                problems[name] = f"{spec.label} dài {len(value)} ký tự, tối đa {spec.max_length}"
                continue
            if spec.choices is not None and value not in spec.choices:
                problems[name] = f"{spec.label} phải là một trong: {', '.join(spec.choices)}"
                continue
        elif spec.type is int:
            low, high = spec.bounds()
            if low is not None and value < low:
                problems[name] = f"{spec.label} phải từ {low} trở lên"
                continue
            if high is not None and value > high:
                problems[name] = f"{spec.label} không được quá {high}"
                continue
        clean[name] = value
    return clean, problems
