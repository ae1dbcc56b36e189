"""Files leaving the app as downloads (documents, template versions, finished jobs), and the
document options a query string asks for: shared by the API and the pages."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

from ..workflow.documents import service
from ..workflow.errors import bad_request
from ..workflow.payload import ascii_int


def _int_arg(args: dict, name: str) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    value = ascii_int(raw, max_digits=12)
    if value is None:
        raise bad_request(f"Tham số '{name}' phải là số nguyên.")
    return value


def options_from(args: dict) -> service.Options:
    """The document options of a query string (format, layout, issuer, unit_id, capacity)."""
    defaults = service.Options()
    return service.Options(
        fmt=args.get("format", defaults.fmt),
        layout=args.get("layout", defaults.layout),
        issuer=args.get("issuer", defaults.issuer),
        unit_id=_int_arg(args, "unit_id"),
        capacity=args.get("capacity", defaults.capacity),
    )


def ascii_letters(text: str) -> str:
    """ "Giấy khen - Lâm Thị Hân" -> "Giay khen - Lam Thi Han": the letters without marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def content_disposition(filename: str) -> str:
    """An ASCII name for old clients and the exact Vietnamese one (RFC 5987) for the rest."""
    plain = re.sub(r"[^A-Za-z0-9.]+", "-", ascii_letters(filename)).strip("-") or "document"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send(data: bytes, content_type: str, filename: str, sha256: str) -> Response:
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-SHA256"] = sha256
    response.headers["Cache-Control"] = "private, no-store"
    return response


def file_response(file: service.File) -> Response:
    response = send(file.data, file.content_type, file.filename, file.sha256)
    response.headers["X-Template-Version"] = f"{file.template_kind}/{file.template_version}"
    return response
