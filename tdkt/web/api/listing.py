"""Parsing what API callers send: query strings, opaque filter-bound cursors, JSON bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import MAXYEAR, MINYEAR, date
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from ...workflow.errors import bad_request, validation_failed
from ...workflow.payload import ascii_int, fits_integer, is_clean_text, parse_day

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="list-cursor")


def parsed_body() -> Any:
    """The JSON body ({} when empty), or None when it cannot be parsed: malformed, or nested
    deeper than the parser goes. The engine refuses None as 400 after its scope check, so an
    unseen nomination stays 404 whatever is sent (API.md's order)."""
    if not request.data:
        return {}
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def query_args(allowed: Iterable[str]) -> dict[str, str]:
    allowed = set(allowed) | {"limit", "cursor"}
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise bad_request(f"Tham số không được hỗ trợ: {', '.join(unknown)}.", unknown_fields=unknown)
    dirty = sorted(k for k, v in request.args.items() if not is_clean_text(v))
    if dirty:
        raise validation_failed({k: "Chứa ký tự điều khiển hoặc ký tự không hợp lệ" for k in dirty})
    return {k: v for k, v in request.args.items() if v != ""}


def int_list(args: dict, name: str) -> list[int] | None:
    if name not in args:
        return None
    parts = [p.strip() for p in args[name].split(",") if p.strip()]
    values = [ascii_int(p) for p in parts]
    if not values or None in values:
        raise bad_request(f"Tham số '{name}' phải là số nguyên (nhiều giá trị cách nhau dấu phẩy).")
    if not all(fits_integer(v) for v in values):
        raise validation_failed({name: f"Giá trị quá lớn: {args[name]}"})
    return values


def str_list(args: dict, name: str, choices: Iterable[str] | None = None) -> list[str] | None:
    if name not in args:
        return None
    parts = [p.strip() for p in args[name].split(",") if p.strip()]
    if choices is not None:
        wrong = [p for p in parts if p not in set(choices)]
        if wrong:
            raise validation_failed({name: f"Giá trị không hợp lệ: {', '.join(wrong)}"})
    return parts


def day_arg(args: dict, name: str) -> date | None:
    if name not in args:
        return None
    value = parse_day(args[name])
    if value is None:
        raise validation_failed({name: "Ngày phải có dạng YYYY-MM-DD"})
    # The first and last years cannot be turned into a UTC instant range in every time zone.
    if not MINYEAR < value.year < MAXYEAR:
        raise validation_failed({name: f"Năm phải từ {MINYEAR + 1} đến {MAXYEAR - 1}"})
    return value


def limit_arg(args: dict) -> int:
    raw = args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    value = ascii_int(raw, max_digits=6)
    if value is None:
        raise bad_request("Tham số 'limit' phải là số nguyên.")
    if not 1 <= value <= MAX_LIMIT:
        raise validation_failed({"limit": f"limit phải từ 1 đến {MAX_LIMIT}, đã gửi {value}"})
    return value


def page(
    args: dict,
    filters: dict[str, Any],
    fetch: Callable[[Any, int], list],
    key_of: Callable[[Any], Any],
) -> tuple[list, str | None]:
    """Keyset pagination: `fetch(after_key, n)` returns up to n rows after `after_key`.
    The cursor carries the last key, the filters and the list it belongs to, signed; another
    filter set or another list is 400 (each list's key has a shape of its own)."""
    limit = limit_arg(args)
    after = None
    if "cursor" in args:
        try:
            data = _serializer().loads(args["cursor"])
        except BadSignature:
            raise bad_request("Tham số 'cursor' không hợp lệ.") from None
        if not isinstance(data, dict) or data.get("e") != request.endpoint:
            raise bad_request("Con trỏ trang thuộc danh sách khác; hãy bắt đầu lại từ trang đầu.")
        if data.get("f") != filters:
            raise bad_request("Con trỏ trang thuộc bộ lọc khác; hãy bắt đầu lại từ trang đầu.")
        after = data.get("k")
    rows = fetch(after, limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _serializer().dumps(
            {"k": key_of(rows[-1]), "f": filters, "e": request.endpoint}
        )
    return rows, next_cursor
