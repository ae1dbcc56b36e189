"""The council secretary's form recording a list of nominees posted publicly."""

from __future__ import annotations

from wtforms import DateField, SelectMultipleField, TextAreaField
from wtforms.validators import Optional

from ..workflow.public_notice import NOTICE_FIELDS
from .base import BaseForm


class PublicNoticeForm(BaseForm):
    # The page draws one checkbox per nomination; which ones may be posted is the engine's call
    # (one outside the secretary's reach answers 404), so the choices are not checked here.
    nomination_ids = SelectMultipleField("Hồ sơ được công khai", coerce=int, validate_choice=False)
    published_on = DateField(NOTICE_FIELDS["published_on"].label, validators=[Optional()])
    note = TextAreaField(
        NOTICE_FIELDS["note"].label, render_kw={"rows": 2},
        description="Ví dụ: niêm yết tại trụ sở UBND thị xã và đăng trên Cổng thông tin điện tử.",
    )
