"""Campaign rules through the API (admins): a campaign's rules, its rounds, pools and criteria, award
forms with their chains, the legal basis; and a proposer's attestations. The same
workflow.campaign_rules and workflow.attestations functions serve the pages."""

from __future__ import annotations

from typing import Any

from flask import g

from ...models import AwardForm, Campaign, CampaignRound, EligibilityCriterion, Pool
from ...models.documents import LegalBasis
from ...workflow import attestations, campaign_rules, rule_versions
from ...workflow.nominations import get as get_nomination
from . import actor, bp, commit, serialize
from .listing import parsed_body


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def pool_json(pool: Pool) -> dict[str, Any]:
    held = campaign_rules.held_slots(pool)
    return {
        "id": pool.id,
        "code": pool.code,
        "name": pool.name,
        "is_open": pool.is_open,
        "limits": {"collective": pool.limit_collective, "individual": pool.limit_individual},
        "held": {"collective": held.get("collective", 0), "individual": held.get("individual", 0)},
        "categories": [
            {"code": c.code, "name": c.name, "nominee_kind": c.nominee_kind, "limit": c.limit,
             "held": held.get(f"category:{c.code}", 0)}
            for c in pool.categories
        ],
    }


def round_json(found: CampaignRound) -> dict[str, Any]:
    return serialize.campaign_round(found) | {"position": found.position}


def criterion_json(c: EligibilityCriterion) -> dict[str, Any]:
    return {name: getattr(c, name) for name in campaign_rules.CRITERION_FIELDS}


def campaign_rules_json(campaign: Campaign) -> dict[str, Any]:
    version = rule_versions.latest(campaign.id)
    facts = {
        name: (_day(value) if name not in ("name", "plan_number", "public_notice_days", *campaign_rules.STAGE_DAYS) else value)
        for name, value in ((n, getattr(campaign, n)) for n in campaign_rules.CAMPAIGN_FIELDS)
    }
    return {"id": campaign.id, "code": campaign.code} | facts | {
        "award_form_ids": [f.id for f in campaign.award_forms],
        "rounds": [round_json(r) for r in campaign.rounds],
        "pools": [pool_json(p) for p in campaign.pools],
        "criteria": [criterion_json(c) for c in campaign.criteria],
        "rule_version": None if version is None else {
            "number": version.number, "created_at": serialize.instant(version.created_at),
        },
    }


def award_form_json(form: AwardForm) -> dict[str, Any]:
    return {
        "id": form.id,
        "code": form.code,
        "name": form.name,
        "pass_share_percent": form.pass_share_percent,
        "levels": [
            {"position": lv.position} | {name: getattr(lv, name) for name in campaign_rules.LEVEL_FIELDS}
            for lv in form.levels
        ],
    }


def legal_basis_json(row: LegalBasis) -> dict[str, Any]:
    return {
        "id": row.id,
        "code": row.code,
        "citation": row.citation,
        "position": row.position,
        "valid_from": _day(row.valid_from),
        "valid_until": _day(row.valid_until),
    }


@bp.get("/campaigns/<int:campaign_id>/rules")
def campaign_rules_of(campaign_id: int):
    return campaign_rules_json(campaign_rules.managed_campaign(actor(), campaign_id))


@bp.post("/campaigns")
def post_campaign():
    campaign = campaign_rules.create_campaign(actor(), parsed_body())
    commit()
    return campaign_rules_json(campaign), 201


@bp.patch("/campaigns/<int:campaign_id>")
def patch_campaign(campaign_id: int):
    campaign = campaign_rules.update_campaign(actor(), campaign_id, parsed_body())
    commit()
    return campaign_rules_json(campaign)


@bp.post("/campaigns/<int:campaign_id>/pools")
def post_pool(campaign_id: int):
    pool = campaign_rules.create_pool(actor(), campaign_id, parsed_body())
    commit()
    return pool_json(pool), 201


@bp.patch("/campaigns/<int:campaign_id>/pools/<int:pool_id>")
def patch_pool(campaign_id: int, pool_id: int):
    pool = campaign_rules.update_pool(actor(), campaign_id, pool_id, parsed_body())
    commit()
    return pool_json(pool)


@bp.get("/campaigns/<int:campaign_id>/rounds")
def campaign_rounds(campaign_id: int):
    campaign = campaign_rules.managed_campaign(actor(), campaign_id)
    return {"items": [round_json(r) for r in campaign.rounds], "next_cursor": None}


@bp.post("/campaigns/<int:campaign_id>/rounds")
def post_campaign_round(campaign_id: int):
    found = campaign_rules.create_round(actor(), campaign_id, parsed_body())
    commit()
    return round_json(found), 201


@bp.patch("/campaigns/<int:campaign_id>/rounds/<int:round_id>")
def patch_campaign_round(campaign_id: int, round_id: int):
    found = campaign_rules.update_round(actor(), campaign_id, round_id, parsed_body())
    commit()
    return round_json(found)


@bp.delete("/campaigns/<int:campaign_id>/rounds/<int:round_id>")
def delete_campaign_round(campaign_id: int, round_id: int):
    campaign_rules.delete_round(actor(), campaign_id, round_id)
    commit()
    return "", 204


@bp.put("/campaigns/<int:campaign_id>/criteria/<code>")
def put_criterion(campaign_id: int, code: str):
    body = parsed_body()
    if isinstance(body, dict):
        body = body | {"code": code}
    criterion = campaign_rules.set_criterion(actor(), campaign_id, body)
    commit()
    return criterion_json(criterion)


@bp.delete("/campaigns/<int:campaign_id>/criteria/<code>")
def delete_criterion(campaign_id: int, code: str):
    campaign_rules.remove_criterion(actor(), campaign_id, code)
    commit()
    return "", 204


@bp.post("/campaigns/<int:campaign_id>/award-forms")
def post_award_form(campaign_id: int):
    form = campaign_rules.create_award_form(actor(), campaign_id, parsed_body())
    commit()
    return award_form_json(form), 201


@bp.get("/award-forms")
def award_forms():
    return {"items": [award_form_json(f) for f in campaign_rules.managed_award_forms(actor())], "next_cursor": None}


@bp.patch("/award-forms/<int:award_form_id>")
def patch_award_form(award_form_id: int):
    form = campaign_rules.update_award_form(actor(), award_form_id, parsed_body())
    commit()
    return award_form_json(form)


@bp.get("/legal-bases")
def legal_bases():
    return {"items": [legal_basis_json(r) for r in campaign_rules.legal_bases(actor())], "next_cursor": None}


@bp.post("/legal-bases")
def post_legal_basis():
    row = campaign_rules.create_legal_basis(actor(), parsed_body())
    commit()
    return legal_basis_json(row), 201


@bp.patch("/legal-bases/<int:legal_basis_id>")
def patch_legal_basis(legal_basis_id: int):
    row = campaign_rules.update_legal_basis(actor(), legal_basis_id, parsed_body())
    commit()
    return legal_basis_json(row)


def attestations_json(nomination) -> dict[str, Any]:
    return {
        "version": nomination.version,
        # The key PUT takes: a client reads the answers back where it writes them.
        "answers": [
            {"criterion": line.code, "name": line.name, "answer": line.answer, "evidence": line.evidence}
            for line in attestations.lines(nomination)
        ],
    }


@bp.get("/nominations/<int:nomination_id>/attestations")
def nomination_attestations(nomination_id: int):
    return attestations_json(get_nomination(g.api_user, nomination_id))


@bp.put("/nominations/<int:nomination_id>/attestations")
def put_nomination_attestations(nomination_id: int):
    nomination = attestations.set_answers(actor(), nomination_id, parsed_body())
    commit()
    return attestations_json(nomination)
