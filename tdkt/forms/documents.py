"""Forms of the document administration pages: a template version's upload, an issuing body's
letterhead and signer, the Giấy khen print offsets."""

from __future__ import annotations

import math

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..workflow.documents.certificates import MAX_OFFSET_MM
from ..workflow.documents.issuers import ISSUER_FIELDS, MULTILINE
from .base import BaseForm


class TemplateUploadForm(BaseForm):
    file = FileField("Tệp mẫu (.docx)", render_kw={"accept": ".docx"})
    note = StringField("Ghi chú phiên bản", validators=[Length(max=255)])


def _issuer_field(name: str):
    spec = ISSUER_FIELDS[name]
    if name in MULTILINE:
        return TextAreaField(spec.label, render_kw={"rows": 2})
    return StringField(spec.label)


IssuerForm = type(
    "IssuerForm", (BaseForm,), {name: _issuer_field(name) for name in ISSUER_FIELDS}
)


class MillimetreField(StringField):
    """A length in millimetres, written with a decimal comma ("2,5") or point; negative is
    left or up."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off"} | kwargs.pop("render_kw", {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        self.data = None
        if not raw:
            return
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValueError(f"Phải là một số mi-li-mét, ví dụ 2,5 hoặc -1 (đã nhập “{valuelist[0]}”).")
        self.data = value

    def _value(self):
        return "" if self.data is None else f"{self.data:g}".replace(".", ",")


class OffsetsForm(BaseForm):
    offset_x_mm = MillimetreField(
        "Dịch sang phải (mm)",
        validators=[InputRequired("Cần nhập độ lệch ngang (mm).")],
        description=f"Số âm để dịch sang trái; trong khoảng ±{MAX_OFFSET_MM:g} mm.",
    )
    offset_y_mm = MillimetreField(
        "Dịch xuống dưới (mm)",
        validators=[InputRequired("Cần nhập độ lệch dọc (mm).")],
        description=f"Số âm để dịch lên trên; trong khoảng ±{MAX_OFFSET_MM:g} mm.",
    )
