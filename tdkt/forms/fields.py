"""Form fields the office works with: money written 60.000.000, whole numbers in ASCII digits."""

from __future__ import annotations

import re

from wtforms import IntegerField, StringField

from ..workflow.payload import ascii_int

_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def format_vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def parse_vnd(text: str) -> int:
    """'60.000.000' or '60000000' (spaces allowed) -> 60000000; ValueError otherwise."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    plain = ascii_int(compact)
    if plain is not None:
        return plain
    if _GROUPED.fullmatch(compact):
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


class WholeNumberField(IntegerField):
    """An integer typed in ASCII digits: int() alone also takes other scripts' digits ('٣' is 3)."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        if raw and ascii_int(raw, max_digits=9, signed=True) is None:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)
