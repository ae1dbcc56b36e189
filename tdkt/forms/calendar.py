"""The admin's form for one calendar override: an extra day off or a make-up working day."""

from __future__ import annotations

from wtforms import DateField, RadioField, StringField
from wtforms.validators import Optional

from ..workflow.calendar import OVERRIDE_FIELDS, OVERRIDE_KIND_LABELS
from .base import BaseForm, options


class CalendarOverrideForm(BaseForm):
    day = DateField(OVERRIDE_FIELDS["day"].label, validators=[Optional()])
    kind = RadioField(OVERRIDE_FIELDS["kind"].label, choices=options(OVERRIDE_KIND_LABELS.items()), validators=[Optional()])
    note = StringField(
        OVERRIDE_FIELDS["note"].label,
        description="Ví dụ: theo Thông báo số 6150/TB-BNV của Bộ Nội vụ.",
    )
