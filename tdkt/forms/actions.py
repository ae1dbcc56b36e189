"""Forms for the triggers, generated from the engine's TRIGGER_FIELDS so the two never drift;
and the selection of a bulk action (one checkbox, version and vote count per row)."""

from __future__ import annotations

from datetime import date
from functools import cache

from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import HiddenInput

from ..workflow.engine import fields_for
from ..workflow.machine import COMMENT_REQUIRED
from ..workflow.payload import ascii_int
from .base import BaseForm, body_of
from .nominations import optional_int

# Ids of people or records the page offers as a list to choose from.
CHOICE_FIELDS = frozenset({"assignee_id", "signed_by", "council_meeting_id"})
# Per item in a bulk action, typed in each row rather than once for all.
PER_ITEM_FIELDS = frozenset({"votes_for"})
COMMENT_LABELS = {
    "pass_appraisal": "Ý kiến thẩm định",
    "return_for_revision": "Nội dung cần bổ sung",
    "withdraw": "Lý do rút hồ sơ",
    "reject": "Lý do không khen thưởng",
    "send_back": "Lý do trả về",
    "return_to_council": "Lý do trả về",
    "revoke": "Lý do hủy",
}


def _field(trigger: str, name: str, spec):
    if name == "comment":
        label = COMMENT_LABELS.get(trigger, spec.label)
        required = {"required": True} if trigger in COMMENT_REQUIRED else {}
        return TextAreaField(label, render_kw={"rows": 4} | required)
    if name in CHOICE_FIELDS:
        return SelectField(spec.label, coerce=optional_int, choices=[])
    if spec.type is date:
        return DateField(spec.label, validators=[Optional()])
    if spec.type is int:
        return IntegerField(spec.label, validators=[Optional()], render_kw={"inputmode": "numeric"})
    return StringField(spec.label, validators=[Optional(), Length(max=spec.max_length or 5000)])


@cache
def action_form(trigger: str, bulk: bool = False) -> type[BaseForm]:
    """The form of one trigger; in bulk, the fields shared by every selected item."""
    attrs = {}
    for name, spec in fields_for(trigger).items():
        if name == "version":
            if not bulk:
                attrs[name] = IntegerField(widget=HiddenInput())
        elif not (bulk and name in PER_ITEM_FIELDS):
            attrs[name] = _field(trigger, name, spec)
    return type(f"{trigger.title().replace('_', '')}Form", (BaseForm,), attrs)


def field_names(form: BaseForm) -> list[str]:
    return [name for name in form._fields if name not in ("csrf_token", "version")]


def single_body(form: BaseForm) -> dict:
    return {"version": form.version.data} | body_of(form, field_names(form))


def whole_number(text: str | None) -> int | None:
    """A whole number typed in ASCII digits, or None."""
    text = (text or "").strip()
    return ascii_int(text, max_digits=9)



def selected_items(formdata: MultiDict, per_item: tuple[str, ...] = ()) -> tuple[list[dict], dict[int, str]]:
    """Rows ticked in a bulk table: [{id, version, ...per-item fields}], and row problems."""
    items, problems = [], {}
    for raw in formdata.getlist("ids"):
        nomination_id = whole_number(raw)
        if nomination_id is None:
            continue
        item = {"id": nomination_id, "version": whole_number(formdata.get(f"version-{nomination_id}"))}
        if item["version"] is None:
            problems[nomination_id] = "Thiếu phiên bản của hồ sơ; vui lòng tải lại trang"
        for name in per_item:
            raw_value = (formdata.get(f"{name}-{nomination_id}") or "").strip()
            if raw_value:
                value = whole_number(raw_value)
                if value is None:
                    problems[nomination_id] = "Số phiếu phải là số nguyên không âm"
                else:
                    item[name] = value
        items.append(item)
    return items, problems


def bulk_body(form: BaseForm, items: list[dict]) -> dict:
    return {"items": items} | body_of(form, field_names(form))
