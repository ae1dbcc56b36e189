"""Reward money data a top-level admin keeps: each award form's coefficients (how many base
salaries an individual, a collective or a household receives, and the decree article that says
so) and the base salary (mức lương cơ sở), each a dated version.

Versions are only added, never edited: the Quyết định of a signed decision computes its money
from the versions in force on its day (workflow.documents.money), so a new version may only
take effect after the last signed decision it would otherwise reprice.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..models import AwardForm, Decision, Nomination, db
from ..models.documents import BaseSalary, RewardCoefficient
from .actor import Actor
from .admin import record_admin_change, require_top_level_admin
from .documents.formatting import decimal_text
from .documents.money import recipient_class
from .errors import not_found, validation_failed
from .payload import Field, fits_integer, parse

SHARED = "Hệ số và mức lương cơ sở tính tiền thưởng"
RECIPIENTS = ("individual", "collective", "household")
RECIPIENT_LABELS = {"individual": "Cá nhân", "collective": "Tập thể", "household": "Hộ gia đình"}
# "1,5" or "0.3": ASCII digits, a comma or a dot, at most three decimals (stored in thousandths).
DECIMAL = re.compile(r"([0-9]{1,4})(?:[.,]([0-9]{1,3}))?", re.ASCII)
MAX_MILLI = 1000 * 1000
MAX_SALARY_VND = 1_000_000_000

COEFFICIENT_FIELDS = {
    "recipient": Field(str, "Đối tượng", choices=RECIPIENTS, nullable=False),
    "coefficient": Field(str, "Hệ số (lần mức lương cơ sở)", max_length=20, nullable=False),
    "multiplier": Field(str, "Hệ số nhân (hộ gia đình so với cá nhân)", max_length=20),
    "article": Field(str, "Điều khoản quy định", max_length=255, nullable=False),
    "valid_from": Field(date, "Áp dụng từ ngày", nullable=False),
    "valid_until": Field(date, "Áp dụng đến ngày"),
}
SALARY_FIELDS = {
    "amount_vnd": Field(int, "Mức lương cơ sở (đồng)", min_value=1, max_value=MAX_SALARY_VND, nullable=False),
    "valid_from": Field(date, "Áp dụng từ ngày", nullable=False),
    "source": Field(str, "Văn bản quy định", max_length=255, nullable=False),
}


def milli(text: str) -> int | None:
    """'1,5' or '0.3' -> thousandths (1500, 300); None for anything else."""
    match = DECIMAL.fullmatch(text.strip())
    if match is None:
        return None
    whole, fraction = match.group(1), (match.group(2) or "").ljust(3, "0")
    return int(whole) * 1000 + int(fraction)


def milli_text(value_milli: int) -> str:
    """Thousandths as the office writes them: 1500 -> '1,5', 1000 -> '1'."""
    return decimal_text(Decimal(value_milli) / 1000)


def _required(values: dict, fields: dict[str, Field]) -> dict[str, str]:
    return {n: f"{f.label} là bắt buộc" for n, f in fields.items() if not f.nullable and values.get(n) in (None, "")}


def managed_award_form(actor: Actor, award_form_id: int) -> AwardForm:
    require_top_level_admin(actor, SHARED)
    form = db.session.get(AwardForm, award_form_id) if fits_integer(award_form_id) else None
    if form is None:
        raise not_found("Hình thức khen thưởng")
    return form


def coefficients(actor: Actor, award_form_id: int) -> list[RewardCoefficient]:
    form = managed_award_form(actor, award_form_id)
    return list(
        db.session.scalars(
            select(RewardCoefficient)
            .where(RewardCoefficient.award_form_id == form.id)
            .order_by(RewardCoefficient.recipient, RewardCoefficient.valid_from.desc())
        )
    )


def base_salaries(actor: Actor) -> list[BaseSalary]:
    require_top_level_admin(actor, SHARED)
    return list(db.session.scalars(select(BaseSalary).order_by(BaseSalary.valid_from.desc())))


def _last_signed(valid_from: date, award_form_id: int | None = None, recipient: str | None = None) -> Decision | None:
    """The latest signed decision on or after `valid_from` (awarding that form to that class of
    recipient, when given): a version starting then would change the money it was signed with."""
    query = select(Decision).where(Decision.date >= valid_from).order_by(Decision.date.desc(), Decision.id.desc())
    if award_form_id is not None:
        query = query.where(Decision.id.in_(select(Nomination.decision_id).where(Nomination.award_form_id == award_form_id)))
    for decision in db.session.scalars(query):
        if recipient is None or any(
            n.award_form_id == award_form_id and recipient_class(n) == recipient for n in decision.nominations
        ):
            return decision
    return None


def _too_early(decision: Decision) -> str:
    return (
        f"Quyết định số {decision.reference} ngày {decision.date:%d/%m/%Y} đã ký với mức đang áp dụng; "
        f"phiên bản mới chỉ được áp dụng từ ngày {decision.date + timedelta(days=1):%d/%m/%Y} trở đi"
    )


def add_coefficient(actor: Actor, award_form_id: int, body: Any) -> RewardCoefficient:
    form = managed_award_form(actor, award_form_id)
    values = parse(body, COEFFICIENT_FIELDS, what="Hệ số tiền thưởng")
    problems = _required(values, COEFFICIENT_FIELDS)
    numbers: dict[str, int] = {}
    for name, default in (("coefficient", None), ("multiplier", "1")):
        raw = values.get(name) or default
        if raw is None or name in problems:
            continue
        value = milli(raw)
        if value is None or not 0 < value <= MAX_MILLI:
            problems[name] = (
                f"{COEFFICIENT_FIELDS[name].label} phải là số lớn hơn 0 và không quá 1000, viết bằng chữ số, "
                f"dùng dấu phẩy hoặc dấu chấm thập phân, tối đa 3 chữ số thập phân (ví dụ 1,5); đã nhập '{raw}'"
            )
        else:
            numbers[name] = value
    recipient, start, end = values.get("recipient"), values.get("valid_from"), values.get("valid_until")
    if "multiplier" in numbers and numbers["multiplier"] != 1000 and recipient != "household":
        problems["multiplier"] = "Chỉ mức thưởng hộ gia đình được nhân với mức thưởng cá nhân; để trống hoặc ghi 1"
    if start is not None and end is not None and end < start:
        problems["valid_until"] = f"Ngày hết áp dụng ({end:%d/%m/%Y}) trước ngày áp dụng ({start:%d/%m/%Y})"
    if not problems and db.session.scalar(
        select(RewardCoefficient.id).where(
            RewardCoefficient.award_form_id == form.id,
            RewardCoefficient.recipient == recipient,
            RewardCoefficient.valid_from == start,
        )
    ):
        problems["valid_from"] = (
            f"Đã có hệ số cho đối tượng {RECIPIENT_LABELS[recipient].lower()} áp dụng từ ngày {start:%d/%m/%Y}"
        )
    if not problems and (signed := _last_signed(start, form.id, recipient)):
        problems["valid_from"] = _too_early(signed)
    if problems:
        raise validation_failed(problems)
    row = RewardCoefficient(
        award_form_id=form.id,
        recipient=recipient,
        coefficient_milli=numbers["coefficient"],
        multiplier_milli=numbers["multiplier"],
        article=values["article"],
        valid_from=start,
        valid_until=end,
    )
    db.session.add(row)
    db.session.flush()
    facts = {
        "recipient": recipient,
        "coefficient": milli_text(row.coefficient_milli),
        "multiplier": milli_text(row.multiplier_milli),
        "article": row.article,
        "valid_from": start.isoformat(),
        "valid_until": end.isoformat() if end else None,
    }
    record_admin_change(actor, "add_reward_coefficient", object_type="award_form", object_id=form.id,
                        unit_id=actor.user.unit_id, changes={k: [None, v] for k, v in facts.items()},
                        coefficient_id=row.id)
    db.session.flush()
    return row


def add_base_salary(actor: Actor, body: Any) -> BaseSalary:
    require_top_level_admin(actor, SHARED)
    values = parse(body, SALARY_FIELDS, what="Mức lương cơ sở")
    problems = _required(values, SALARY_FIELDS)
    start = values.get("valid_from")
    if not problems and db.session.scalar(select(BaseSalary.id).where(BaseSalary.valid_from == start)):
        problems["valid_from"] = f"Đã có mức lương cơ sở áp dụng từ ngày {start:%d/%m/%Y}"
    if not problems and (signed := _last_signed(start)):
        problems["valid_from"] = _too_early(signed)
    if problems:
        raise validation_failed(problems)
    row = BaseSalary(amount_vnd=values["amount_vnd"], valid_from=start, source=values["source"])
    db.session.add(row)
    db.session.flush()
    facts = {"amount_vnd": row.amount_vnd, "valid_from": start.isoformat(), "source": row.source}
    record_admin_change(actor, "add_base_salary", object_type="base_salary", object_id=row.id,
                        unit_id=actor.user.unit_id, changes={k: [None, v] for k, v in facts.items()})
    db.session.flush()
    return row
