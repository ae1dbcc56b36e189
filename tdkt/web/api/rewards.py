"""Reward money data through the API (top-level admins): an award form's coefficient versions
and the base salary versions, listed and added (workflow.rewards, shared with the pages)."""

from __future__ import annotations

from typing import Any

from ...models.documents import BaseSalary, RewardCoefficient
from ...workflow import rewards
from . import actor, bp, commit
from .listing import parsed_body


def coefficient_json(row: RewardCoefficient) -> dict[str, Any]:
    return {
        "id": row.id,
        "award_form_id": row.award_form_id,
        "recipient": row.recipient,
        "coefficient_milli": row.coefficient_milli,
        "multiplier_milli": row.multiplier_milli,
        "article": row.article,
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
    }


def base_salary_json(row: BaseSalary) -> dict[str, Any]:
    return {"id": row.id, "amount_vnd": row.amount_vnd, "valid_from": row.valid_from.isoformat(), "source": row.source}


@bp.get("/award-forms/<int:award_form_id>/reward-coefficients")
def reward_coefficients(award_form_id: int):
    rows = rewards.coefficients(actor(), award_form_id)
    return {"items": [coefficient_json(r) for r in rows], "next_cursor": None}


@bp.post("/award-forms/<int:award_form_id>/reward-coefficients")
def post_reward_coefficient(award_form_id: int):
    row = rewards.add_coefficient(actor(), award_form_id, parsed_body())
    commit()
    return coefficient_json(row), 201


@bp.get("/base-salaries")
def base_salaries():
    return {"items": [base_salary_json(r) for r in rewards.base_salaries(actor())], "next_cursor": None}


@bp.post("/base-salaries")
def post_base_salary():
    row = rewards.add_base_salary(actor(), parsed_body())
    commit()
    return base_salary_json(row), 201
