"""Keyset pagination for page lists: a signed "after" token bound to the filters it came with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, literal, tuple_

from ...models import db
from ...workflow.payload import ascii_int

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
_DECODE = {"int": int, "date": date.fromisoformat, "datetime": datetime.fromisoformat}


@dataclass(frozen=True)
class Key:
    expr: Any
    kind: str  # "int", "date" or "datetime"


@dataclass
class Page:
    items: list
    next_token: str | None
    first: bool


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="page-cursor")


def limit() -> int:
    raw = request.args.get("limit", "")
    value = ascii_int(raw, max_digits=3)
    if value is None:
        value = DEFAULT_LIMIT
    return min(max(value, 1), MAX_LIMIT)


def _after(filters: dict, keys: Sequence[Key]) -> list | None:
    token = request.args.get("after")
    if not token:
        return None
    try:
        data = _serializer().loads(token)
        # A token made for other filters (or an old one) starts again from the first page.
        if data.get("f") != filters or len(data.get("k", [])) != len(keys):
            return None
        return [_DECODE[k.kind](v) for k, v in zip(keys, data["k"], strict=True)]
    except (BadSignature, TypeError, ValueError):
        return None


def paginate(
    query: Select,
    keys: Sequence[Key],
    key_of: Callable[[Any], list],
    filters: dict,
    *,
    descending: bool = False,
) -> Page:
    after = _after(filters, keys)
    if after is not None:
        row = tuple_(*(k.expr for k in keys))
        bound = tuple_(*(literal(v, k.expr.type) for k, v in zip(keys, after, strict=True)))
        query = query.where(row < bound if descending else row > bound)
    order = [k.expr.desc() if descending else k.expr for k in keys]
    size = limit()
    rows = list(db.session.scalars(query.order_by(*order).limit(size + 1)))
    token = None
    if len(rows) > size:
        rows = rows[:size]
        values = [v.isoformat() if isinstance(v, date | datetime) else v for v in key_of(rows[-1])]
        token = _serializer().dumps({"k": values, "f": filters})
    return Page(rows, token, after is None)
