"""Forms of the reward money pages: a new version of an award form's coefficient, of the base
salary."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from ..workflow.rewards import COEFFICIENT_FIELDS, RECIPIENT_LABELS, SALARY_FIELDS
from .base import BaseForm, options
from .fields import VndField


class RewardCoefficientForm(BaseForm):
    recipient = SelectField(
        COEFFICIENT_FIELDS["recipient"].label, choices=options(RECIPIENT_LABELS.items()), validate_choice=True
    )
    coefficient = StringField(
        COEFFICIENT_FIELDS["coefficient"].label, render_kw={"inputmode": "decimal", "autocomplete": "off"},
        description="ví dụ 0,3 hoặc 1,0 (dấu phẩy hoặc dấu chấm thập phân)",
    )
    multiplier = StringField(
        COEFFICIENT_FIELDS["multiplier"].label, render_kw={"inputmode": "decimal", "autocomplete": "off"},
        description="chỉ với hộ gia đình, ví dụ 1,5; để trống là 1",
    )
    article = StringField(
        COEFFICIENT_FIELDS["article"].label, description="ví dụ Điều 75 Nghị định 98/2023/NĐ-CP"
    )
    valid_from = DateField(COEFFICIENT_FIELDS["valid_from"].label, validators=[Optional()])
    valid_until = DateField(COEFFICIENT_FIELDS["valid_until"].label, validators=[Optional()])


class BaseSalaryForm(BaseForm):
    amount_vnd = VndField(SALARY_FIELDS["amount_vnd"].label, description="ví dụ 2.340.000")
    valid_from = DateField(SALARY_FIELDS["valid_from"].label, validators=[Optional()])
    source = StringField(SALARY_FIELDS["source"].label, description="ví dụ Nghị định 73/2024/NĐ-CP")
