"""Form fields the office works with: money written 60.000.000."""

from __future__ import annotations

import re

from wtforms import StringField

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def format_vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def parse_vnd(text: str) -> int:
    """'60.000.000' or '60000000' (spaces allowed) -> 60000000; ValueError otherwise."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if compact.isdigit():
        return int(compact)
    if _GROUPED.match(compact):
        return int(compact.replace(".", ""))
    raise ValueError(compact)


class VndField(StringField):
    """An amount in whole đồng, shown and typed with dots between thousands."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off"} | kwargs.pop("render_kw", {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        if not raw.strip():
            self.data = None
            return
        try:
            self.data = parse_vnd(raw)
        except ValueError:
            self.data = None
            raise ValueError(
                "Số tiền phải là số đồng, viết liền hoặc có dấu chấm ngăn hàng nghìn (60.000.000)"
            ) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_vnd(self.data)
