"""Reward money (tiền thưởng): coefficient × the base salary in force on the decision's day,
rounded up to the next 10,000 VND, as the award form's coefficient row for the recipient says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select

from ...models import Nomination, db
from ...models.documents import BaseSalary, RewardCoefficient
from ..errors import WorkflowError

ROUNDING_STEP = 10_000


@dataclass(frozen=True)
class Reward:
    recipient: str
    coefficient: Decimal
    multiplier: Decimal
    base_salary: int
    amount: int
    article: str
    salary_source: str


def round_up(amount: Decimal | int, step: int = ROUNDING_STEP) -> int:
    """Up to the next multiple of `step` (a multiple stays as it is)."""
    return int((Decimal(amount) / step).to_integral_value(rounding=ROUND_CEILING)) * step


def amount(coefficient: Decimal, base_salary: int, multiplier: Decimal = Decimal(1)) -> int:
    """The individual or collective amount first, rounded; a household's is that rounded
    amount times its multiplier, rounded again."""
    single = round_up(coefficient * base_salary)
    return single if multiplier == 1 else round_up(single * multiplier)


def recipient_class(nomination: Nomination) -> str:
    if nomination.nominee_kind == "collective":
        return "collective"
    return "household" if nomination.nominee_type == "household" else "individual"


def missing_data(message: str, **details) -> WorkflowError:
    return WorkflowError(409, "missing_reference_data", message, details)


def base_salary_on(day: date) -> BaseSalary:
    row = db.session.scalars(
        select(BaseSalary).where(BaseSalary.valid_from <= day).order_by(BaseSalary.valid_from.desc())
    ).first()
    if row is None:
        raise missing_data(
            f"Chưa khai báo mức lương cơ sở áp dụng ngày {day:%d/%m/%Y}.", day=day.isoformat()
        )
    return row


def coefficient_on(award_form_id: int, recipient: str, day: date) -> RewardCoefficient:
    rows = db.session.scalars(
        select(RewardCoefficient)
        .where(
            RewardCoefficient.award_form_id == award_form_id,
            RewardCoefficient.recipient == recipient,
            RewardCoefficient.valid_from <= day,
        )
        .order_by(RewardCoefficient.valid_from.desc())
    )
    row = next((r for r in rows if r.valid_until is None or day <= r.valid_until), None)
    if row is None:
        raise missing_data(
            f"Chưa khai báo hệ số tiền thưởng của hình thức khen thưởng cho đối tượng "
            f"'{recipient}' áp dụng ngày {day:%d/%m/%Y}.",
            award_form_id=award_form_id,
            recipient=recipient,
            day=day.isoformat(),
        )
    return row


def reward_for(nomination: Nomination, day: date) -> Reward:
    recipient = recipient_class(nomination)
    row = coefficient_on(nomination.award_form_id, recipient, day)
    salary = base_salary_on(day)
    return Reward(
        recipient=recipient,
        coefficient=row.coefficient,
        multiplier=row.multiplier,
        base_salary=salary.amount_vnd,
        amount=amount(row.coefficient, salary.amount_vnd, row.multiplier),
        article=row.article,
        salary_source=salary.source,
    )
