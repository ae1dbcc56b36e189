"""Numbered snapshots of a campaign's rules, and the rules a nomination is judged by.

A snapshot holds what the checks read: the pools' limits and whether they are open, each award
form's pass share and chain of levels, the eligibility criteria; and, as a record of what was in
force, the review rounds with their windows (only a first submit reads a window, before any pin). Every administrative edit of a
campaign or of one of its award forms adds a version; a nomination pins the version in force at
its first submit and is judged by it until it closes, so an edit never changes a nomination in
flight. A nomination submitted before versions existed has none and follows the live rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..models import Campaign, Nomination, RuleVersion, Unit, db
from .actor import Actor


def snapshot_of(campaign: Campaign) -> dict[str, Any]:
    return {
        "pools": {
            str(p.id): {
                "code": p.code,
                "is_open": p.is_open,
                "limit_collective": p.limit_collective,
                "limit_individual": p.limit_individual,
                "categories": {c.code: {"name": c.name, "limit": c.limit} for c in p.categories},
            }
            for p in campaign.pools
        },
        "award_forms": {
            str(f.id): {
                "code": f.code,
                "pass_share_percent": f.pass_share_percent,
                "levels": [
                    {
                        "position": lv.position,
                        "name": lv.name,
                        "office_unit_id": lv.office_unit_id,
                        "appraising_unit_id": lv.appraising_unit_id,
                        "council_unit_id": lv.council_unit_id,
                    }
                    for lv in f.levels
                ],
            }
            for f in campaign.award_forms
        },
        "rounds": [
            {
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "submission_opens_on": r.submission_opens_on.isoformat(),
                "submission_closes_on": r.submission_closes_on.isoformat(),
            }
            for r in campaign.rounds
        ],
        "public_notice_days": campaign.public_notice_days,
        "criteria": [
            {
                "code": c.code,
                "kind": c.kind,
                "name": c.name,
                "category": c.category,
                "nominee_type": c.nominee_type,
                "award_form_id": c.award_form_id,
                "min_vnd": c.min_vnd,
            }
            for c in campaign.criteria
        ],
    }


def latest(campaign_id: int) -> RuleVersion | None:
    return db.session.scalars(
        select(RuleVersion).where(RuleVersion.campaign_id == campaign_id).order_by(RuleVersion.number.desc()).limit(1)
    ).first()


def record(campaign: Campaign, actor: Actor | None = None) -> RuleVersion:
    """A new version holding the campaign's rules as they are now (after an edit)."""
    db.session.flush()
    number = (db.session.scalar(
        select(func.max(RuleVersion.number)).where(RuleVersion.campaign_id == campaign.id)
    ) or 0) + 1
    version = RuleVersion(
        campaign_id=campaign.id,
        number=number,
        snapshot=snapshot_of(campaign),
        created_by_id=actor.user_id if actor is not None else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def current(campaign: Campaign) -> RuleVersion:
    """The version in force; the first is made on first need. Two first submits racing to make
    it meet the unique (campaign, number): the loser takes the winner's row."""
    found = latest(campaign.id)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            return record(campaign)
    except IntegrityError:
        return latest(campaign.id)


def pin(nomination: Nomination) -> None:
    if nomination.rule_version_id is None:
        nomination.rule_version = current(nomination.campaign)


def rules_of(nomination: Nomination) -> dict[str, Any]:
    """The rules the nomination is judged by: its pinned snapshot, or the live ones."""
    if nomination.rule_version is not None:
        return nomination.rule_version.snapshot
    return snapshot_of(nomination.campaign)


@dataclass(frozen=True)
class PoolRules:
    is_open: bool
    limit_collective: int | None
    limit_individual: int | None
    category_limits: dict[str, int | None]

    def limit_for(self, nominee_kind: str) -> int | None:
        return self.limit_collective if nominee_kind == "collective" else self.limit_individual


def pool_rules(nomination: Nomination) -> PoolRules:
    """The pool's limits as pinned; a pool made after the pin (or a pool changed while the
    dossier was returned) has the live ones."""
    pool = nomination.pool
    pinned = rules_of(nomination)["pools"].get(str(pool.id))
    if pinned is None:
        return PoolRules(
            pool.is_open,
            pool.limit_collective,
            pool.limit_individual,
            {c.code: c.limit for c in pool.categories},
        )
    return PoolRules(
        pinned["is_open"],
        pinned["limit_collective"],
        pinned["limit_individual"],
        {code: c["limit"] for code, c in pinned["categories"].items()},
    )


def criteria_for(nomination: Nomination, kind: str) -> list[dict[str, Any]]:
    """The criteria of `kind` that apply to this nomination's category, type and award form."""
    return [
        c
        for c in rules_of(nomination)["criteria"]
        if c["kind"] == kind
        and c["category"] in (None, nomination.category)
        and c["nominee_type"] in (None, nomination.nominee_type)
        and c["award_form_id"] in (None, nomination.award_form_id)
    ]


@dataclass(frozen=True)
class Level:
    position: int
    name: str
    office_unit: Unit
    appraising_unit: Unit | None
    council_unit: Unit | None


def _form_rules(nomination: Nomination) -> dict[str, Any] | None:
    return rules_of(nomination)["award_forms"].get(str(nomination.award_form_id))


def chain_length(nomination: Nomination) -> int:
    pinned = _form_rules(nomination)
    return len(pinned["levels"]) if pinned is not None else len(nomination.award_form.levels)


def has_level_above(nomination: Nomination) -> bool:
    return nomination.level < chain_length(nomination)


def level(nomination: Nomination, position: int | None = None) -> Level:
    """A level of the nomination's chain as pinned (the current one by default)."""
    position = nomination.level if position is None else position
    pinned = _form_rules(nomination)
    if pinned is None:
        live = nomination.award_form.level(position)
        return Level(live.position, live.name, live.office_unit, live.appraising_unit, live.council_unit)
    found = next(lv for lv in pinned["levels"] if lv["position"] == position)

    def unit(unit_id: int | None) -> Unit | None:
        return db.session.get(Unit, unit_id) if unit_id is not None else None

    return Level(
        position,
        found["name"],
        unit(found["office_unit_id"]),
        unit(found["appraising_unit_id"]),
        unit(found["council_unit_id"]),
    )


def chain(nomination: Nomination) -> list[Level]:
    """Every level of the nomination's chain as pinned, lowest first."""
    pinned = _form_rules(nomination)
    positions = (
        [lv["position"] for lv in pinned["levels"]]
        if pinned is not None
        else [lv.position for lv in nomination.award_form.levels]
    )
    return [level(nomination, position) for position in sorted(positions)]


def pass_share_percent(nomination: Nomination) -> int:
    pinned = _form_rules(nomination)
    return pinned["pass_share_percent"] if pinned is not None else nomination.award_form.pass_share_percent
