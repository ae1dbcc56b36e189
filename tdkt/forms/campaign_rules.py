"""Forms of the campaign rule pages: a campaign, its review rounds, pools and criteria, award forms
with their chain of levels, legal basis versions."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from ..models.campaign import NOMINEE_TYPES
from ..workflow.campaign_rules import (
    AWARD_FORM_FIELDS,
    CAMPAIGN_FIELDS,
    CATEGORY_FIELDS,
    CRITERION_FIELDS,
    LEGAL_BASIS_FIELDS,
    LEVEL_FIELDS,
    NEW_AWARD_FORM_FIELDS,
    NEW_CAMPAIGN_FIELDS,
    NEW_POOL_FIELDS,
    POOL_FIELDS,
    ROUND_FIELDS,
)
from ..workflow.payload import ascii_int
from .base import BaseForm, SubForm, options
from .fields import VndField, WholeNumberField
from .nominations import TYPE_LABELS, optional_int

CRITERION_KIND_LABELS = {"attestation": "Xác nhận có/không, kèm minh chứng", "min_contribution": "Mức đóng góp tối thiểu"}


def _date(name: str, fields=CAMPAIGN_FIELDS) -> DateField:
    return DateField(fields[name].label, validators=[Optional()])


def _days(name: str) -> WholeNumberField:
    return WholeNumberField(
        CAMPAIGN_FIELDS[name].label, validators=[Optional()], description="ngày làm việc, từ 1 đến 60",
        render_kw={"inputmode": "numeric"},
    )


class CampaignForm(BaseForm):
    name = TextAreaField(CAMPAIGN_FIELDS["name"].label, render_kw={"rows": 2})
    plan_number = StringField(CAMPAIGN_FIELDS["plan_number"].label)
    plan_date = _date("plan_date")
    period_starts_on = _date("period_starts_on")
    period_ends_on = _date("period_ends_on")
    submission_opens_on = _date("submission_opens_on")
    submission_closes_on = _date("submission_closes_on")
    appraisal_days = _days("appraisal_days")
    council_days = _days("council_days")
    signature_days = _days("signature_days")
    resubmission_days = _days("resubmission_days")
    public_notice_days = WholeNumberField(
        CAMPAIGN_FIELDS["public_notice_days"].label, validators=[Optional()],
        description="từ 1 đến 30; để trống nếu đợt không yêu cầu công khai", render_kw={"inputmode": "numeric"},
    )
    award_form_ids = SelectMultipleField("Hình thức khen thưởng", coerce=int)


class NewCampaignForm(CampaignForm):
    """A campaign being launched: its code and owner unit are stated once, never edited."""

    code = StringField(NEW_CAMPAIGN_FIELDS["code"].label, render_kw={"autocapitalize": "characters"})
    owner_unit_id = SelectField(NEW_CAMPAIGN_FIELDS["owner_unit_id"].label, coerce=optional_int)


class RoundForm(BaseForm):
    code = StringField(ROUND_FIELDS["code"].label, render_kw={"autocapitalize": "characters"})
    name = StringField(ROUND_FIELDS["name"].label)
    submission_opens_on = _date("submission_opens_on", ROUND_FIELDS)
    submission_closes_on = _date("submission_closes_on", ROUND_FIELDS)
    position = WholeNumberField(
        ROUND_FIELDS["position"].label, validators=[Optional()], render_kw={"inputmode": "numeric"},
        description="từ 0 đến 1000; để trống khi thêm thì xếp sau cùng",
    )


class PoolForm(BaseForm):
    """The pool's own fields; its categories' limits arrive as `category_limits.<code>`."""

    name = StringField(POOL_FIELDS["name"].label)
    is_open = BooleanField(POOL_FIELDS["is_open"].label)
    limit_collective = WholeNumberField(POOL_FIELDS["limit_collective"].label, validators=[Optional()])
    limit_individual = WholeNumberField(POOL_FIELDS["limit_individual"].label, validators=[Optional()])


# The words a category line may use for its kind, as people write them.
KIND_WORDS = {"tập thể": "collective", "cá nhân": "individual"}


def category_lines(text: str) -> tuple[list[dict], list[str]]:
    """Categories typed one a line as "mã | tên | tập thể hoặc cá nhân | chỉ tiêu" (the limit
    may be left empty: no limit). Returns the categories and one message per bad line."""
    categories, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 3:
            parts.append("")
        if len(parts) != 4:
            problems.append(f"Dòng {number}: cần 4 phần \"mã | tên | tập thể hoặc cá nhân | chỉ tiêu\", đã có {len(parts)}")
            continue
        code, name, kind, limit = parts
        if not code or not name:
            problems.append(f"Dòng {number}: cần ghi mã và tên nhóm đối tượng")
            continue
        if kind.lower() not in KIND_WORDS:
            problems.append(f"Dòng {number}: loại đối tượng phải là \"tập thể\" hoặc \"cá nhân\", đã nhập \"{kind}\"")
            continue
        low, high = CATEGORY_FIELDS["limit"].min_value, CATEGORY_FIELDS["limit"].max_value
        value = ascii_int(limit, max_digits=9) if limit else None
        if limit and (value is None or not low <= value <= high):
            problems.append(f"Dòng {number}: chỉ tiêu phải là số nguyên từ {low} đến {high}, đã nhập \"{limit[:20]}\"")
            continue
        categories.append({"code": code, "name": name, "nominee_kind": KIND_WORDS[kind.lower()], "limit": value})
    return categories, problems


class NewPoolForm(BaseForm):
    code = StringField(NEW_POOL_FIELDS["code"].label, render_kw={"autocapitalize": "characters"})
    name = StringField(NEW_POOL_FIELDS["name"].label)
    unit_id = SelectField(NEW_POOL_FIELDS["unit_id"].label, coerce=optional_int)
    member_ids = SelectMultipleField("Đơn vị thành viên (được đề nghị vào nhóm)", coerce=int)
    limit_collective = WholeNumberField(NEW_POOL_FIELDS["limit_collective"].label, validators=[Optional()])
    limit_individual = WholeNumberField(NEW_POOL_FIELDS["limit_individual"].label, validators=[Optional()])
    categories = TextAreaField(
        "Nhóm đối tượng", render_kw={"rows": 4},
        description="mỗi dòng: mã | tên | tập thể hoặc cá nhân | chỉ tiêu (để trống nếu không giới hạn)",
    )

    def validate_categories(self, field) -> None:
        _, problems = category_lines(field.data)
        if problems:
            raise ValidationError("; ".join(problems))


class CriterionForm(BaseForm):
    code = StringField(CRITERION_FIELDS["code"].label, render_kw={"autocapitalize": "none"})
    kind = SelectField(CRITERION_FIELDS["kind"].label, choices=options(CRITERION_KIND_LABELS.items()))
    name = TextAreaField(CRITERION_FIELDS["name"].label, render_kw={"rows": 2})
    category = SelectField(CRITERION_FIELDS["category"].label)
    nominee_type = SelectField(
        CRITERION_FIELDS["nominee_type"].label,
        choices=options([("", "— Mọi loại —"), *((t, TYPE_LABELS[t]) for t in NOMINEE_TYPES)]),
    )
    award_form_id = SelectField(CRITERION_FIELDS["award_form_id"].label, coerce=optional_int)
    min_vnd = VndField(CRITERION_FIELDS["min_vnd"].label, description="Chỉ cho tiêu chí đóng góp; ví dụ 50.000.000")


class LevelForm(SubForm):
    """One row of the chain; a row left without a name is not a level."""

    name = StringField(LEVEL_FIELDS["name"].label)
    office_unit_id = SelectField(LEVEL_FIELDS["office_unit_id"].label, coerce=optional_int)
    appraising_unit_id = SelectField(LEVEL_FIELDS["appraising_unit_id"].label, coerce=optional_int)
    council_unit_id = SelectField(LEVEL_FIELDS["council_unit_id"].label, coerce=optional_int)


class AwardFormForm(BaseForm):
    name = StringField(AWARD_FORM_FIELDS["name"].label)
    pass_share_percent = WholeNumberField(
        AWARD_FORM_FIELDS["pass_share_percent"].label, validators=[Optional()],
        description="phần trăm tổng số thành viên Hội đồng, từ 1 đến 100",
    )
    levels = FieldList(FormField(LevelForm), min_entries=1)


class NewAwardFormForm(AwardFormForm):
    code = StringField(NEW_AWARD_FORM_FIELDS["code"].label, render_kw={"autocapitalize": "characters"})


class LegalBasisForm(BaseForm):
    code = StringField(LEGAL_BASIS_FIELDS["code"].label, render_kw={"autocapitalize": "characters"})
    citation = TextAreaField(LEGAL_BASIS_FIELDS["citation"].label, render_kw={"rows": 3})
    position = WholeNumberField(
        LEGAL_BASIS_FIELDS["position"].label, validators=[Optional()],
        description="các phiên bản của cùng một văn bản có cùng thứ tự và không được trùng thời gian hiệu lực",
    )
    valid_from = _date("valid_from", LEGAL_BASIS_FIELDS)
    valid_until = _date("valid_until", LEGAL_BASIS_FIELDS)
