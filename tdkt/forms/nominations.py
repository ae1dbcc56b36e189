"""The nomination form and the list filters."""

from __future__ import annotations

from dataclasses import dataclass, field

from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..workflow.attestations import EVIDENCE_MAX_LENGTH
from ..workflow.machine import STATE_LABELS
from ..workflow.nominations import NOMINATION_FIELDS, TYPES_BY_KIND
from ..workflow.payload import ascii_int
from .base import BaseForm, QueryForm, SubForm, options
from .fields import VndField, WholeNumberField

KIND_LABELS = {"collective": "Tập thể", "individual": "Cá nhân"}
TYPE_LABELS = {
    "person": "Cá nhân",
    "household": "Hộ gia đình",
    "organisation": "Doanh nghiệp, tổ chức kinh tế",
    "collective": "Tập thể",
}
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
# Fields a proposer fills in, in the order of the form; campaign_id is chosen once, at creation.
EDITABLE = (
    "award_form_id",
    "pool_id",
    "nominee_kind",
    "nominee_type",
    "category",
    "nominee_name",
    "gender",
    "birth_year",
    "position",
    "address",
    "id_number",
    "tax_code",
    "achievement_summary",
    "contribution_vnd",
)


def optional_int(value) -> int | None:
    return None if value in (None, "") else int(value)


def _label(name: str) -> str:
    return NOMINATION_FIELDS[name].label


@dataclass
class CategoryOption:
    code: str
    name: str
    nominee_kind: str
    pool_ids: list[int] = field(default_factory=list)


@dataclass
class Offer:
    """What this proposer may choose: campaigns, the pools its unit may use, their categories."""

    campaigns: list[tuple[int, str]]
    rounds: list[tuple[int, str, int]]  # (id, label, campaign_id), for campaigns with rounds
    award_forms: list[tuple[int, str, int]]  # (id, name, campaign_id)
    pools: list[tuple[int, str, int]]  # (id, name, campaign_id)
    categories: list[CategoryOption]



class YearField(WholeNumberField):
    """A year typed in ASCII digits: '١٩٧٠' or '٣' is refused, not read as a number."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        if raw and ascii_int(raw, max_digits=4) is None:
            self.data = None
            raise ValueError(f"{self.label.text} phải viết bằng chữ số 0-9, tối đa 4 chữ số; đã nhập '{raw[:20]}'")
        super().process_formdata(valuelist)

class NominationForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    campaign_id = SelectField(_label("campaign_id"), coerce=optional_int)
    # Offered only for campaigns with rounds; the engine checks the round is the campaign's.
    round_id = SelectField(_label("round_id"), coerce=optional_int, validate_choice=False)
    # The engine checks that the form belongs to the campaign (and picks the campaign's first
    # when none is sent), so that message comes back on this field.
    award_form_id = SelectField(_label("award_form_id"), coerce=optional_int, validate_choice=False)
    pool_id = SelectField(_label("pool_id"), coerce=optional_int)
    nominee_kind = RadioField(
        _label("nominee_kind"), choices=options(KIND_LABELS.items()), default="individual",
        validators=[InputRequired("Cần chọn tập thể hay cá nhân.")],
    )
    nominee_type = SelectField(
        _label("nominee_type"),
        choices=options(
            (code, TYPE_LABELS[code], {"data-kinds": " ".join(k for k, t in TYPES_BY_KIND.items() if code in t)})
            for code in TYPE_LABELS
        ),
    )
    category = SelectField(_label("category"))
    nominee_name = StringField(_label("nominee_name"))
    gender = SelectField(_label("gender"), choices=options([("", "—"), *GENDER_LABELS.items()]))
    birth_year = YearField(_label("birth_year"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    position = StringField(_label("position"))
    address = StringField(_label("address"))
    id_number = StringField(_label("id_number"), render_kw={"inputmode": "numeric"})
    tax_code = StringField(_label("tax_code"))
    achievement_summary = TextAreaField(_label("achievement_summary"), render_kw={"rows": 8})
    contribution_vnd = VndField(_label("contribution_vnd"), description="Ví dụ: 60.000.000")

    def offer(self, offer: Offer) -> None:
        self.campaign_id.choices = options(offer.campaigns)
        self.round_id.choices = options(
            [("", "— Đợt đang nhận hồ sơ, nếu không thì đợt gần nhất —")]
            + [(rid, label, {"data-campaign": str(cid)}) for rid, label, cid in offer.rounds]
        )
        self.award_form_id.choices = options(
            (fid, name, {"data-campaign": str(cid)}) for fid, name, cid in offer.award_forms
        )
        self.pool_id.choices = options(
            [(pid, name, {"data-campaign": str(cid)}) for pid, name, cid in offer.pools]
            or [("", "— Đợt thi đua không chia nhóm chỉ tiêu —")]
        )
        self.category.choices = options(
            (
                c.code,
                c.name,
                {"data-kind": c.nominee_kind, "data-pools": " ".join(map(str, c.pool_ids))},
            )
            for c in offer.categories
        )


ANSWER_LABELS = {"yes": "Có", "no": "Không"}


class AttestationAnswer(SubForm):
    """One criterion's answer; left blank it stays unanswered (the engine refuses the submit)."""

    criterion = HiddenField()
    answer = RadioField("Trả lời", choices=options(ANSWER_LABELS.items()), validators=[Optional()])
    evidence = TextAreaField(
        "Căn cứ, minh chứng", validators=[Length(max=EVIDENCE_MAX_LENGTH)], render_kw={"rows": 3}
    )


class AttestationsForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    answers = FieldList(FormField(AttestationAnswer))


class ListFilter(QueryForm):
    state = SelectMultipleField("Trạng thái", choices=options(STATE_LABELS.items()))
    campaign_id = SelectField("Đợt thi đua", coerce=optional_int)
    q = StringField("Tìm theo tên")
