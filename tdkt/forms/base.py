"""The forms' common ground: Vietnamese messages, engine errors shown on their fields, and the
conversion of form data into the engine's request bodies."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Form, SelectChoice

from ..workflow.errors import WorkflowError

# WTForms ships no Vietnamese catalogue; these are the messages its fields and validators use.
MESSAGES = {
    "This field is required.": "Trường này là bắt buộc.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Không được quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Phải từ %(min)s đến %(max)s.",
    "Field must be equal to %(other_name)s.": "Không khớp với %(other_name)s.",
    "Invalid email address.": "Thư điện tử không đúng dạng.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' không phải lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' không phải lựa chọn hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid integer value.": "Phải là số nguyên.",
    "Not a valid decimal value.": "Phải là số.",
    "Not a valid float value.": "Phải là số.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu; vui lòng tải lại trang.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ; vui lòng tải lại trang.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn; vui lòng tải lại trang.",
    "CSRF failed.": "Biểu mẫu không hợp lệ; vui lòng tải lại trang.",
}


class VietnameseTranslations:
    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = VietnameseTranslations()


class BaseForm(FlaskForm):
    """A posted form: CSRF-protected (Flask-WTF), messages in Vietnamese."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


class SubForm(Form):
    """A row of a FieldList(FormField(...)): the enclosing form's CSRF token covers it; WTForms
    gives it no translations of its own, so its messages are made Vietnamese here."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


class QueryForm(Form):
    """A GET form (filters): read from the query string, no CSRF token."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


def show_error(form: Form, error: WorkflowError, aliases: dict[str, str] | None = None) -> str | None:
    """Put the engine's field messages on the form's fields; return what belongs to no field."""
    aliases = aliases or {}
    fields = dict(error.details.get("fields") or {})
    if error.code == "comment_required":
        fields.setdefault("comment", error.message)
    leftover = []
    for name, message in fields.items():
        field = form._fields.get(aliases.get(name, name))
        if field is None:
            leftover.append(message)
        else:
            field.errors = [*field.errors, message]
    if not fields:
        return error.message
    return "; ".join(leftover) or "Dữ liệu chưa hợp lệ, vui lòng xem các trường được đánh dấu."


def options(items) -> list[SelectChoice]:
    """Select options from (value, label[, html attributes]) tuples."""
    return [SelectChoice(*item) for item in items]


def jsonable(value: Any) -> Any:
    """Form data as the engine's bodies want it: dates as YYYY-MM-DD, blanks as None."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and not value.strip():
        return None
    return value


def body_of(form: Form, names) -> dict[str, Any]:
    """The given fields' data, blanks left out (the engine decides what is required)."""
    values = {name: jsonable(form[name].data) for name in names}
    return {k: v for k, v in values.items() if v is not None}
