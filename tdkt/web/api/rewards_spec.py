"""The OpenAPI paths of the reward money routes (rewards.py), merged into spec.build_spec."""

from __future__ import annotations

from ...workflow import rewards
from .spec import (
    BAD_REQUEST,
    DAY,
    FORBIDDEN,
    INTEGER,
    INVALID_VALUE,
    NOT_FOUND,
    STRING,
    body_schema,
    enum,
    list_of,
    nullable,
    obj,
    ok,
    operation,
    path_id,
)

COEFFICIENT = obj(
    {
        "id": INTEGER,
        "award_form_id": INTEGER,
        "recipient": enum(rewards.RECIPIENTS),
        "coefficient_milli": INTEGER,
        "multiplier_milli": INTEGER,
        "article": STRING,
        "valid_from": DAY,
        "valid_until": nullable(DAY),
    }
)
BASE_SALARY = obj({"id": INTEGER, "amount_vnd": INTEGER, "valid_from": DAY, "source": STRING})
ADDED = {"400": BAD_REQUEST, "403": FORBIDDEN, "422": INVALID_VALUE}
NOT_BEFORE_SIGNED = (
    "; refused (422 on valid_from) when a decision signed on or after valid_from would be repriced: "
    "versions are never edited, a new one starts after the last signed decision"
)


def paths() -> dict:
    award_form_id = path_id("award_form_id", "the award form")
    tags = ("reward money",)
    required = tuple(n for n, f in rewards.COEFFICIENT_FIELDS.items() if not f.nullable)
    salary_required = tuple(n for n, f in rewards.SALARY_FIELDS.items() if not f.nullable)
    return {
        "/award-forms/{award_form_id}/reward-coefficients": {
            "get": operation(
                "listRewardCoefficients", "An award form's reward coefficient versions (top-level admins)",
                {"200": ok(list_of(COEFFICIENT, one_page=True)), "403": FORBIDDEN, "404": NOT_FOUND},
                parameters=[award_form_id], tags=tags,
            ),
            "post": operation(
                "addRewardCoefficient",
                "Add a coefficient version: coefficient and multiplier as decimals with a comma or dot "
                "('1,5', '0.3'), the article it comes from" + NOT_BEFORE_SIGNED,
                ADDED | {"201": ok(COEFFICIENT, "Created"), "404": NOT_FOUND},
                parameters=[award_form_id], body=body_schema(rewards.COEFFICIENT_FIELDS, required), tags=tags,
            ),
        },
        "/base-salaries": {
            "get": operation(
                "listBaseSalaries", "The base salary versions (top-level admins)",
                {"200": ok(list_of(BASE_SALARY, one_page=True)), "403": FORBIDDEN}, tags=tags,
            ),
            "post": operation(
                "addBaseSalary", "Add a base salary version" + NOT_BEFORE_SIGNED,
                ADDED | {"201": ok(BASE_SALARY, "Created")},
                body=body_schema(rewards.SALARY_FIELDS, salary_required), tags=tags,
            ),
        },
    }
