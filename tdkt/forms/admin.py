"""Forms of the administration pages: accounts, role assignments, units, recognition."""

from __future__ import annotations

from wtforms import DateField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Optional

from ..workflow.admin import ASSIGNMENT_FIELDS, RECOGNITION_FIELDS, UNIT_FIELDS, USER_FIELDS
from ..workflow.machine import ROLE_LABELS
from .base import BaseForm, options
from .nominations import optional_int

UNIT_KIND_LABELS = {
    "province": "Tỉnh, thành phố",
    "town": "Huyện, thị xã, thành phố thuộc tỉnh",
    "commune": "Xã",
    "ward": "Phường",
    "hamlet": "Ấp, khóm, thôn, tổ dân phố",
    "department": "Phòng, ban, sở",
    "organisation": "Tổ chức, đoàn thể",
}
CAPACITY_LABELS = {"chairman": "Chủ tịch", "vice_chairman": "Phó Chủ tịch"}


class UserForm(BaseForm):
    username = StringField(USER_FIELDS["username"].label, render_kw={"autocapitalize": "none"})
    full_name = StringField(USER_FIELDS["full_name"].label)
    email = StringField(USER_FIELDS["email"].label, render_kw={"type": "email"})
    unit_id = SelectField(USER_FIELDS["unit_id"].label, coerce=optional_int)
    password = PasswordField(USER_FIELDS["password"].label, render_kw={"autocomplete": "new-password"})


class ResetPasswordForm(BaseForm):
    password = PasswordField("Mật khẩu mới", render_kw={"autocomplete": "new-password"})


class AssignmentForm(BaseForm):
    role = SelectField(ASSIGNMENT_FIELDS["role"].label, choices=options(ROLE_LABELS.items()))
    scope_unit_id = SelectField(ASSIGNMENT_FIELDS["scope_unit_id"].label, coerce=optional_int)
    capacity = SelectField(
        ASSIGNMENT_FIELDS["capacity"].label,
        choices=options([("", "— (chỉ cho lãnh đạo ký)"), *CAPACITY_LABELS.items()]),
    )


class UnitForm(BaseForm):
    code = StringField(UNIT_FIELDS["code"].label, render_kw={"autocapitalize": "characters"})
    name = StringField(UNIT_FIELDS["name"].label)
    kind = SelectField(UNIT_FIELDS["kind"].label, choices=options(UNIT_KIND_LABELS.items()))
    parent_id = SelectField(UNIT_FIELDS["parent_id"].label, coerce=optional_int)
    abbreviation = StringField(UNIT_FIELDS["abbreviation"].label)
    place_name = StringField(UNIT_FIELDS["place_name"].label)


class RecognitionForm(BaseForm):
    recognized = RadioField(
        RECOGNITION_FIELDS["recognized"].label,
        choices=options([("1", "Đã được công nhận"), ("0", "Chưa được công nhận")]),
    )
    decision_number = StringField(RECOGNITION_FIELDS["decision_number"].label)
    decision_date = DateField(RECOGNITION_FIELDS["decision_date"].label, validators=[Optional()])
