"""Administering campaign rules: campaigns, their review rounds and pools, award forms and their
chains, eligibility criteria and the legal basis. Validate, flush, write an "admin" audit event with a field-level diff
and, for what the checks read, a new rule version (nominations in flight keep theirs).

Like the engine, every function runs inside the caller's transaction and only flushes. An admin
edits the campaigns launched inside its admin scope (a commune's admin does not edit the town's
campaign), their award forms when no campaign outside uses them, and the pools of units in its
scope; others do not exist for it (404). What every unit shares, the legal basis, only an admin of
a top-level unit keeps (403 for the others).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..models import (
    AwardForm,
    Campaign,
    CampaignRound,
    ChainLevel,
    EligibilityCriterion,
    Nomination,
    Pool,
    PoolCategory,
    Unit,
    User,
    db,
)
from ..models.campaign import NOMINEE_KINDS, NOMINEE_TYPES
from ..models.documents import LegalBasis
from . import rule_versions
from .actor import Actor
from .admin import (
    admin_scopes,
    administers,
    record_admin_change,
    require_admin,
    require_top_level_admin,
)
from .audit import json_value
from .errors import WorkflowError, bad_request, not_found, validation_failed
from .machine import CLOSED_STATES, SLOT_STATES
from .nominations import TYPES_BY_KIND
from .payload import Field, fits_integer, parse

MAX_STAGE_DAYS = 60
STAGE_DAYS = ("appraisal_days", "council_days", "signature_days", "resubmission_days")
CAMPAIGN_FIELDS = {
    "name": Field(str, "Tên đợt thi đua", max_length=500, nullable=False),
    "plan_number": Field(str, "Số kế hoạch", max_length=60),
    "plan_date": Field(date, "Ngày kế hoạch"),
    "period_starts_on": Field(date, "Thời gian thi đua từ ngày"),
    "period_ends_on": Field(date, "Thời gian thi đua đến ngày"),
    "submission_opens_on": Field(date, "Ngày bắt đầu nhận hồ sơ", nullable=False),
    "submission_closes_on": Field(date, "Ngày hết hạn nhận hồ sơ", nullable=False),
    "appraisal_days": Field(int, "Thời hạn thẩm định", nullable=False),
    "council_days": Field(int, "Thời hạn Hội đồng xét", nullable=False),
    "signature_days": Field(int, "Thời hạn ký quyết định", nullable=False),
    "resubmission_days": Field(int, "Thời hạn đơn vị bổ sung hồ sơ", nullable=False),
    "public_notice_days": Field(
        int, "Số ngày làm việc công khai danh sách trước khi Hội đồng họp", min_value=1, max_value=30
    ),
}
# What only a new campaign states: its code and owner never change afterwards.
NEW_CAMPAIGN_FIELDS = {
    "code": Field(str, "Mã đợt thi đua", max_length=40, nullable=False),
    "owner_unit_id": Field(int, "Đơn vị phát động"),
} | CAMPAIGN_FIELDS
# The stage limits a new campaign gets unless stated (the model's defaults, DESIGN §5).
STAGE_DAY_DEFAULTS = {"appraisal_days": 10, "council_days": 7, "signature_days": 3, "resubmission_days": 5}
# A list of ids; checked here, not by payload.parse, which knows scalars only.
AWARD_FORM_IDS = "award_form_ids"
POOL_FIELDS = {
    "name": Field(str, "Tên nhóm chỉ tiêu", max_length=255, nullable=False),
    "is_open": Field(bool, "Đang mở", nullable=False),
    "limit_collective": Field(int, "Chỉ tiêu tập thể", min_value=0, max_value=10000),
    "limit_individual": Field(int, "Chỉ tiêu cá nhân", min_value=0, max_value=10000),
}
CATEGORY_LIMITS = "category_limits"
# What only a new pool states: its code, its own unit and its categories never change afterwards.
NEW_POOL_FIELDS = {
    "code": Field(str, "Mã nhóm chỉ tiêu", max_length=60, nullable=False),
    "unit_id": Field(int, "Đơn vị có nhóm chỉ tiêu riêng"),
} | POOL_FIELDS
MEMBER_IDS = "member_ids"
CATEGORIES = "categories"
CATEGORY_FIELDS = {
    "code": Field(str, "Mã nhóm đối tượng", max_length=60, nullable=False),
    "name": Field(str, "Tên nhóm đối tượng", max_length=255, nullable=False),
    "nominee_kind": Field(str, "Tập thể hay cá nhân", choices=NOMINEE_KINDS, nullable=False),
    "limit": Field(int, "Chỉ tiêu", min_value=0, max_value=10000),
}
MAX_CATEGORIES = 30
CATEGORY_LIMIT = Field(int, "Chỉ tiêu", min_value=0, max_value=10000)
AWARD_FORM_FIELDS = {
    "name": Field(str, "Tên hình thức khen thưởng", max_length=255, nullable=False),
    "pass_share_percent": Field(int, "Tỷ lệ phiếu đồng ý (%)", min_value=1, max_value=100, nullable=False),
}
# What only a new award form states: its code never changes afterwards.
NEW_AWARD_FORM_FIELDS = {"code": Field(str, "Mã hình thức khen thưởng", max_length=40, nullable=False)} | AWARD_FORM_FIELDS
LEVELS = "levels"
LEVEL_FIELDS = {
    "name": Field(str, "Tên cấp xét", max_length=255, nullable=False),
    "office_unit_id": Field(int, "Cơ quan của cấp", nullable=False),
    "appraising_unit_id": Field(int, "Đơn vị thẩm định"),
    "council_unit_id": Field(int, "Thường trực Hội đồng"),
}
MAX_LEVELS = 6
CRITERION_FIELDS = {
    "code": Field(str, "Mã tiêu chí", max_length=60, nullable=False),
    "kind": Field(str, "Loại tiêu chí", choices=("attestation", "min_contribution"), nullable=False),
    "name": Field(str, "Nội dung tiêu chí", max_length=500, nullable=False),
    "category": Field(str, "Nhóm đối tượng", max_length=60),
    "nominee_type": Field(str, "Loại đối tượng", choices=NOMINEE_TYPES),
    "award_form_id": Field(int, "Hình thức khen thưởng"),
    "min_vnd": Field(int, "Mức đóng góp tối thiểu (VND)", min_value=1, max_value=10**15, fits_column=False),
}
ROUND_FIELDS = {
    "code": Field(str, "Mã đợt", max_length=40, nullable=False),
    "name": Field(str, "Tên đợt sơ kết, tổng kết", max_length=255, nullable=False),
    "submission_opens_on": Field(date, "Ngày bắt đầu nhận hồ sơ", nullable=False),
    "submission_closes_on": Field(date, "Ngày hết hạn nhận hồ sơ", nullable=False),
    "position": Field(int, "Thứ tự", min_value=0, max_value=1000, nullable=False),
}
LEGAL_BASIS_FIELDS = {
    "code": Field(str, "Mã văn bản", max_length=40, nullable=False),
    "citation": Field(str, "Trích dẫn sau “Căn cứ”", max_length=2000, nullable=False),
    "position": Field(int, "Thứ tự trích dẫn", min_value=0, max_value=1000, nullable=False),
    "valid_from": Field(date, "Hiệu lực từ ngày"),
    "valid_until": Field(date, "Hiệu lực đến ngày"),
}


# --- scope -----------------------------------------------------------------------------------


def _administered(actor: Actor, campaign: Campaign) -> bool:
    return administers(actor.user, campaign.owner_unit)


def managed_campaigns(actor: Actor) -> list[Campaign]:
    """Campaigns launched inside the admin's scope; one launched above it (the town's, seen from
    a commune) belongs to the admins up there."""
    require_admin(actor)
    return [c for c in db.session.scalars(select(Campaign).order_by(Campaign.id)) if _administered(actor, c)]


def managed_campaign(actor: Actor, campaign_id: int) -> Campaign:
    require_admin(actor)
    campaign = db.session.get(Campaign, campaign_id) if fits_integer(campaign_id) else None
    if campaign is None or not _administered(actor, campaign):
        raise not_found("Đợt thi đua")
    return campaign


def campaigns_using(form: AwardForm) -> list[Campaign]:
    return [c for c in db.session.scalars(select(Campaign).order_by(Campaign.id)) if form in c.award_forms]


def managed_award_forms(actor: Actor) -> list[AwardForm]:
    """Award forms every campaign of which the admin manages: a form's chain and pass share
    apply to all its campaigns, so one used by a campaign launched elsewhere is not its own.
    A form no campaign uses has no owner to judge by and is left alone."""
    require_admin(actor)
    using: dict[int, list[Campaign]] = {}
    forms: dict[int, AwardForm] = {}
    for c in db.session.scalars(select(Campaign).order_by(Campaign.id)):
        for f in c.award_forms:
            forms[f.id] = f
            using.setdefault(f.id, []).append(c)
    return [forms[i] for i in sorted(forms) if all(_administered(actor, c) for c in using[i])]


def managed_award_form(actor: Actor, award_form_id: int) -> AwardForm:
    form = next((f for f in managed_award_forms(actor) if f.id == award_form_id), None)
    if form is None:
        raise not_found("Hình thức khen thưởng")
    return form


def award_form_choices(actor: Actor, campaign: Campaign) -> list[AwardForm]:
    """Forms a campaign may use: the admin's own, and those it already has (shared with a
    campaign launched elsewhere, which may be kept but not edited)."""
    forms = {f.id: f for f in [*managed_award_forms(actor), *campaign.award_forms]}
    return [forms[i] for i in sorted(forms)]


def manages_pool(user: User, pool: Pool) -> bool:
    """Of a campaign the user manages: a shared pool, or a unit's own pool when that unit is in
    the user's admin scope too."""
    return pool.unit is None or administers(user, pool.unit)


def managed_pool(actor: Actor, campaign_id: int, pool_id: int) -> Pool:
    campaign = managed_campaign(actor, campaign_id)
    pool = next((p for p in campaign.pools if p.id == pool_id), None)
    if pool is None or not manages_pool(actor.user, pool):
        raise not_found("Nhóm chỉ tiêu")
    return pool


def managed_round(actor: Actor, campaign_id: int, round_id: int) -> CampaignRound:
    campaign = managed_campaign(actor, campaign_id)
    found = next((r for r in campaign.rounds if r.id == round_id), None)
    if found is None:
        raise not_found("Đợt sơ kết, tổng kết")
    return found


LEGAL_BASIS_SHARED = "Văn bản căn cứ"


def legal_bases(actor: Actor) -> list[LegalBasis]:
    require_top_level_admin(actor, LEGAL_BASIS_SHARED)
    return list(
        db.session.scalars(
            select(LegalBasis).order_by(LegalBasis.position, LegalBasis.valid_from.is_not(None), LegalBasis.valid_from)
        )
    )


def managed_legal_basis(actor: Actor, legal_basis_id: int) -> LegalBasis:
    require_top_level_admin(actor, LEGAL_BASIS_SHARED)
    row = db.session.get(LegalBasis, legal_basis_id) if fits_integer(legal_basis_id) else None
    if row is None:
        raise not_found("Văn bản căn cứ")
    return row


# --- helpers ---------------------------------------------------------------------------------


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        k: [json_value(before.get(k)), json_value(after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def _ids(body: dict, name: str, label: str) -> list[int] | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise bad_request(f"Trường '{name}' phải là danh sách số nguyên ({label}).", field=name)
    return value


def _version(campaign: Campaign, actor: Actor) -> int:
    return rule_versions.record(campaign, actor).number


def _in_flight(query):
    return query.where(Nomination.state.not_in(CLOSED_STATES | {"draft"}))


# --- campaigns -------------------------------------------------------------------------------


def campaign_facts(campaign: Campaign) -> dict[str, Any]:
    facts = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    facts[AWARD_FORM_IDS] = [f.id for f in campaign.award_forms]
    return facts


def _campaign_problems(wanted: dict[str, Any]) -> dict[str, str]:
    """A campaign's own facts, as a whole: a name, stage limits within bounds, a submission
    window and an emulation period that each end after they start."""
    problems: dict[str, str] = {}
    if not wanted["name"]:
        problems["name"] = "Tên đợt thi đua là bắt buộc"
    for name in STAGE_DAYS:
        days = wanted[name]
        if not 1 <= days <= MAX_STAGE_DAYS:
            problems[name] = (
                f"{CAMPAIGN_FIELDS[name].label} phải từ 1 đến {MAX_STAGE_DAYS} ngày làm việc, đã nhập {days}"
            )
    opens, closes = wanted["submission_opens_on"], wanted["submission_closes_on"]
    if opens is not None and closes is not None and opens > closes:
        problems["submission_closes_on"] = (
            f"Ngày hết hạn nhận hồ sơ ({closes:%d/%m/%Y}) trước ngày bắt đầu ({opens:%d/%m/%Y})"
        )
    starts, ends = wanted["period_starts_on"], wanted["period_ends_on"]
    if starts is not None and ends is not None and starts > ends:
        problems["period_ends_on"] = f"Thời gian thi đua kết thúc ({ends:%d/%m/%Y}) trước khi bắt đầu ({starts:%d/%m/%Y})"
    return problems


def create_campaign(actor: Actor, body: Any) -> Campaign:
    """Launch a campaign in a unit of the admin's scope (by default the scope's own unit), with
    award forms the admin keeps, and its first rule version."""
    require_admin(actor)
    if not isinstance(body, dict):
        raise bad_request("Đợt thi đua phải là một đối tượng JSON.")
    form_ids = _ids(body, AWARD_FORM_IDS, "hình thức khen thưởng") or []
    values = parse({k: v for k, v in body.items() if k != AWARD_FORM_IDS}, NEW_CAMPAIGN_FIELDS, what="Đợt thi đua")
    wanted = {name: values.get(name, STAGE_DAY_DEFAULTS.get(name)) for name in CAMPAIGN_FIELDS}
    problems = {
        name: f"{CAMPAIGN_FIELDS[name].label} là bắt buộc"
        for name in ("submission_opens_on", "submission_closes_on") if wanted[name] is None
    }
    problems |= _campaign_problems(wanted)
    code = values.get("code") or ""
    if not code:
        problems["code"] = "Mã đợt thi đua là bắt buộc"
    elif db.session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
        problems["code"] = f"Mã đợt thi đua {code} đã được dùng"
    scopes = admin_scopes(actor.user)
    owner_id = values.get("owner_unit_id")
    owner = scopes[0] if owner_id is None else db.session.get(Unit, owner_id)
    if owner is None or not administers(actor.user, owner):
        problems["owner_unit_id"] = f"Đơn vị phát động số {owner_id} không thuộc phạm vi quản trị của bạn"
    available = {f.id: f for f in managed_award_forms(actor)}
    unknown = [i for i in form_ids if i not in available]
    if unknown:
        problems[AWARD_FORM_IDS] = f"Không có hình thức khen thưởng số {unknown[0]}"
    elif not form_ids:
        problems[AWARD_FORM_IDS] = "Đợt thi đua cần ít nhất một hình thức khen thưởng"
    if problems:
        raise validation_failed(problems)
    wanted["plan_number"] = wanted["plan_number"] or None
    campaign = Campaign(code=code, owner_unit=owner, **wanted)
    campaign.award_forms = [available[i] for i in sorted(set(form_ids))]
    db.session.add(campaign)
    db.session.flush()
    number = _version(campaign, actor)
    facts = {"code": code, "owner_unit_id": owner.id} | campaign_facts(campaign)
    record_admin_change(actor, "create_campaign", object_type="campaign", object_id=campaign.id,
                        unit_id=owner.id, changes=_diff({}, facts), rule_version=number)
    db.session.flush()
    return campaign


def update_campaign(actor: Actor, campaign_id: int, body: Any) -> Campaign:
    campaign = managed_campaign(actor, campaign_id)
    if not isinstance(body, dict):
        raise bad_request("Đợt thi đua phải là một đối tượng JSON.")
    form_ids = _ids(body, AWARD_FORM_IDS, "hình thức khen thưởng")
    values = parse({k: v for k, v in body.items() if k != AWARD_FORM_IDS}, CAMPAIGN_FIELDS, what="Đợt thi đua")
    before = campaign_facts(campaign)
    wanted = {k: values.get(k, before[k]) for k in CAMPAIGN_FIELDS}
    problems = _campaign_problems(wanted)
    forms = campaign.award_forms
    if form_ids is not None:
        available = {f.id: f for f in award_form_choices(actor, campaign)}
        unknown = [i for i in form_ids if i not in available]
        if unknown:
            problems[AWARD_FORM_IDS] = f"Không có hình thức khen thưởng số {unknown[0]}"
        elif not form_ids:
            problems[AWARD_FORM_IDS] = "Đợt thi đua cần ít nhất một hình thức khen thưởng"
        else:
            forms = [available[i] for i in sorted(set(form_ids))]
            for dropped in set(before[AWARD_FORM_IDS]) - set(form_ids):
                used = db.session.scalar(
                    select(func.count()).select_from(Nomination).where(
                        Nomination.campaign_id == campaign.id,
                        Nomination.award_form_id == dropped,
                        Nomination.state != "withdrawn",
                    )
                )
                if used:
                    name = db.session.get(AwardForm, dropped).name
                    problems[AWARD_FORM_IDS] = f"Không thể bỏ hình thức '{name}': đã có {used} hồ sơ đề nghị"
    if problems:
        raise validation_failed(problems)
    wanted["plan_number"] = wanted["plan_number"] or None
    for name in CAMPAIGN_FIELDS:
        setattr(campaign, name, wanted[name])
    campaign.award_forms = forms
    db.session.flush()
    changes = _diff(before, campaign_facts(campaign))
    if changes:
        number = _version(campaign, actor)
        record_admin_change(actor, "update_campaign", object_type="campaign", object_id=campaign.id,
                            unit_id=campaign.owner_unit_id, changes=changes, rule_version=number)
        db.session.flush()
    return campaign


# --- pools -----------------------------------------------------------------------------------


def held_slots(pool: Pool) -> dict[str, int]:
    """Slots held in the pool now, by nominee kind and by category. Limits hold per round
    (rules._quota), so in a campaign with rounds each figure is the busiest round's: a limit
    below it would be broken there, while the sum over rounds is bound by no limit."""
    rows = db.session.execute(
        select(Nomination.round_id, Nomination.nominee_kind, Nomination.category, func.count())
        .where(Nomination.pool_id == pool.id, Nomination.state.in_(SLOT_STATES))
        .group_by(Nomination.round_id, Nomination.nominee_kind, Nomination.category)
    ).all()
    per_round: dict[int | None, dict[str, int]] = {}
    for round_id, kind, category, count in rows:
        held = per_round.setdefault(round_id, {})
        held[kind] = held.get(kind, 0) + count
        held[f"category:{category}"] = held.get(f"category:{category}", 0) + count
    busiest: dict[str, int] = {}
    for held in per_round.values():
        for key, count in held.items():
            busiest[key] = max(busiest.get(key, 0), count)
    return busiest


def _administered_unit(actor: Actor, unit_id: int) -> Unit | None:
    unit = db.session.get(Unit, unit_id) if fits_integer(unit_id) else None
    return unit if unit is not None and administers(actor.user, unit) else None


def _parse_categories(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise bad_request(f"Trường '{CATEGORIES}' phải là danh sách nhóm đối tượng.", field=CATEGORIES)
    categories = [parse(item, CATEGORY_FIELDS, what="Nhóm đối tượng") for item in items]
    problems: dict[str, str] = {}
    if len(categories) > MAX_CATEGORIES:
        problems[CATEGORIES] = f"Tối đa {MAX_CATEGORIES} nhóm đối tượng, đã gửi {len(categories)}"
    seen: set[str] = set()
    for position, category in enumerate(categories, start=1):
        for name, spec in CATEGORY_FIELDS.items():
            if not spec.nullable and not category.get(name):
                problems[f"{CATEGORIES}.{position}.{name}"] = f"Nhóm đối tượng {position}: {spec.label.lower()} là bắt buộc"
        code = category.get("code")
        if code in seen:
            problems[f"{CATEGORIES}.{position}.code"] = f"Nhóm đối tượng {position}: mã {code} bị trùng"
        seen.add(code)
    if problems:
        raise validation_failed(problems)
    return categories


def create_pool(actor: Actor, campaign_id: int, body: Any) -> Pool:
    """Add a pool to a campaign: a unit's own, or one shared by member units, each inside the
    admin's scope (the pool then stays its to manage), with limits per kind and per category."""
    campaign = managed_campaign(actor, campaign_id)
    if not isinstance(body, dict):
        raise bad_request("Nhóm chỉ tiêu phải là một đối tượng JSON.")
    member_ids = _ids(body, MEMBER_IDS, "đơn vị thành viên") or []
    categories = _parse_categories(body[CATEGORIES]) if CATEGORIES in body else []
    values = parse(
        {k: v for k, v in body.items() if k not in (MEMBER_IDS, CATEGORIES)}, NEW_POOL_FIELDS, what="Nhóm chỉ tiêu"
    )
    problems: dict[str, str] = {}
    code = values.get("code") or ""
    if not code:
        problems["code"] = "Mã nhóm chỉ tiêu là bắt buộc"
    elif any(p.code == code for p in campaign.pools):
        problems["code"] = f"Mã nhóm chỉ tiêu {code} đã có trong đợt thi đua này"
    if not values.get("name"):
        problems["name"] = "Tên nhóm chỉ tiêu là bắt buộc"
    unit_id = values.get("unit_id")
    own_unit = _administered_unit(actor, unit_id) if unit_id is not None else None
    if unit_id is not None and own_unit is None:
        problems["unit_id"] = f"Đơn vị số {unit_id} không thuộc phạm vi quản trị của bạn"
    members = [_administered_unit(actor, i) for i in sorted(set(member_ids))]
    outside = [i for i, unit in zip(sorted(set(member_ids)), members, strict=True) if unit is None]
    if outside:
        problems[MEMBER_IDS] = f"Đơn vị số {outside[0]} không thuộc phạm vi quản trị của bạn"
    elif unit_id is None and not members:
        problems[MEMBER_IDS] = "Nhóm chỉ tiêu cần một đơn vị có chỉ tiêu riêng hoặc ít nhất một đơn vị thành viên"
    if problems:
        raise validation_failed(problems)
    pool = Pool(
        code=code,
        name=values["name"],
        unit=own_unit,
        is_open=values.get("is_open", True),
        limit_collective=values.get("limit_collective"),
        limit_individual=values.get("limit_individual"),
        members=members,
        categories=[PoolCategory(**category) for category in categories],
    )
    campaign.pools.append(pool)
    db.session.flush()
    number = _version(campaign, actor)
    facts = {"code": code, "unit_id": pool.unit_id, MEMBER_IDS: [m.id for m in pool.members]} | pool_facts(pool)
    for category in pool.categories:
        facts |= {f"{CATEGORIES}.{category.code}.name": category.name,
                  f"{CATEGORIES}.{category.code}.nominee_kind": category.nominee_kind}
    record_admin_change(actor, "create_pool", object_type="pool", object_id=pool.id, unit_id=campaign.owner_unit_id,
                        changes=_diff({}, facts), rule_version=number, campaign_id=campaign.id)
    db.session.flush()
    return pool


def pool_facts(pool: Pool) -> dict[str, Any]:
    facts = {name: getattr(pool, name) for name in POOL_FIELDS}
    facts.update({f"{CATEGORY_LIMITS}.{c.code}": c.limit for c in pool.categories})
    return facts


def _below_used(label: str, limit: int | None, used: int, rounds: str) -> str | None:
    if limit is not None and limit < used:
        return f"Không thể giảm {label} xuống {limit}: đã dùng {used} suất{rounds}"
    return None


def update_pool(actor: Actor, campaign_id: int, pool_id: int, body: Any) -> Pool:
    pool = managed_pool(actor, campaign_id, pool_id)
    if not isinstance(body, dict):
        raise bad_request("Nhóm chỉ tiêu phải là một đối tượng JSON.")
    category_limits = body.get(CATEGORY_LIMITS, {})
    if not isinstance(category_limits, dict):
        raise bad_request(f"Trường '{CATEGORY_LIMITS}' phải là đối tượng {{mã nhóm: chỉ tiêu}}.", field=CATEGORY_LIMITS)
    values = parse({k: v for k, v in body.items() if k != CATEGORY_LIMITS}, POOL_FIELDS, what="Nhóm chỉ tiêu")
    categories = {c.code: c for c in pool.categories}
    unknown = sorted(set(category_limits) - set(categories))
    if unknown:
        raise bad_request(f"Nhóm đối tượng không có trong nhóm chỉ tiêu: {', '.join(unknown)}.", unknown_fields=unknown)
    cat_values = parse(category_limits, {code: CATEGORY_LIMIT for code in category_limits}, what="Chỉ tiêu theo nhóm")
    held = held_slots(pool)
    rounds = " trong cùng một đợt sơ kết, tổng kết" if pool.campaign.rounds else ""
    problems: dict[str, str] = {}
    if "name" in values and not values["name"]:
        problems["name"] = "Tên nhóm chỉ tiêu là bắt buộc"
    for kind, word in (("collective", "chỉ tiêu tập thể"), ("individual", "chỉ tiêu cá nhân")):
        name = f"limit_{kind}"
        if name in values and (problem := _below_used(word, values[name], held.get(kind, 0), rounds)):
            problems[name] = problem
    for code, limit in cat_values.items():
        word = f"chỉ tiêu '{categories[code].name}'"
        if problem := _below_used(word, limit, held.get(f"category:{code}", 0), rounds):
            problems[f"{CATEGORY_LIMITS}.{code}"] = problem
    if problems:
        raise validation_failed(problems)
    before = pool_facts(pool)
    for name, value in values.items():
        setattr(pool, name, value)
    for code, limit in cat_values.items():
        categories[code].limit = limit
    db.session.flush()
    changes = _diff(before, pool_facts(pool))
    if changes:
        campaign = pool.campaign
        number = _version(campaign, actor)
        record_admin_change(actor, "update_pool", object_type="pool", object_id=pool.id,
                            unit_id=campaign.owner_unit_id, changes=changes, rule_version=number, campaign_id=campaign.id)
        db.session.flush()
    return pool


# --- review rounds ---------------------------------------------------------------------------


def round_facts(found: CampaignRound) -> dict[str, Any]:
    return {name: getattr(found, name) for name in ROUND_FIELDS}


def _window(opens: date, closes: date) -> str:
    return f"{opens:%d/%m/%Y} – {closes:%d/%m/%Y}"


def nominations_in(campaign: Campaign, round_id: int | None) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Nomination).where(
            Nomination.campaign_id == campaign.id,
            Nomination.round_id.is_(None) if round_id is None else Nomination.round_id == round_id,
        )
    )


def _check_round(campaign: Campaign, found: CampaignRound | None, wanted: dict[str, Any]) -> None:
    """Required facts, a window that opens before it closes, a code of its own, and no overlap
    with another round's window: a day belongs to one round, the one a new nomination joins."""
    problems: dict[str, str] = {}
    for name in ("code", "name"):
        if not wanted.get(name):
            problems[name] = f"{ROUND_FIELDS[name].label} là bắt buộc"
    others = [r for r in campaign.rounds if r is not found]
    code = wanted.get("code")
    if code and any(r.code == code for r in others):
        problems["code"] = f"Mã đợt {code} đã được dùng trong đợt thi đua này"
    opens, closes = wanted["submission_opens_on"], wanted["submission_closes_on"]
    if opens > closes:
        problems["submission_closes_on"] = (
            f"Ngày hết hạn nhận hồ sơ ({closes:%d/%m/%Y}) trước ngày bắt đầu ({opens:%d/%m/%Y})"
        )
    else:
        clash = next(
            (r for r in others if r.submission_opens_on <= closes and opens <= r.submission_closes_on), None
        )
        if clash is not None:
            problems["submission_opens_on"] = (
                f"Thời gian nhận hồ sơ {_window(opens, closes)} trùng với đợt '{clash.name}' "
                f"({_window(clash.submission_opens_on, clash.submission_closes_on)})"
            )
    if problems:
        raise validation_failed(problems)


def create_round(actor: Actor, campaign_id: int, body: Any) -> CampaignRound:
    """Add a review round. A campaign whose nominations were filed before it had rounds belong
    to none, so duplicates and quotas would count them apart from the new round's: refused."""
    campaign = managed_campaign(actor, campaign_id)
    values = parse(body, ROUND_FIELDS, what="Đợt sơ kết, tổng kết")
    missing = {
        name: f"{spec.label} là bắt buộc" for name, spec in ROUND_FIELDS.items() if name not in values and name != "position"
    }
    if missing:
        raise validation_failed(missing)
    if not campaign.rounds and (filed := nominations_in(campaign, None)):
        raise WorkflowError(
            409,
            "invalid_state",
            f"Không thể chia đợt thi đua thành các đợt sơ kết, tổng kết: đã có {filed} hồ sơ đề nghị "
            "không thuộc đợt nào.",
            {"nominations": filed},
        )
    if values.get("position") is None:
        values["position"] = max((r.position for r in campaign.rounds), default=0) + 1
    _check_round(campaign, None, values)
    found = CampaignRound(**values)
    campaign.rounds.append(found)
    db.session.flush()
    number = _version(campaign, actor)
    record_admin_change(actor, "create_round", object_type="campaign_round", object_id=found.id,
                        unit_id=campaign.owner_unit_id, changes=_diff({}, round_facts(found)), rule_version=number,
                        campaign_id=campaign.id)
    db.session.flush()
    return found


def update_round(actor: Actor, campaign_id: int, round_id: int, body: Any) -> CampaignRound:
    """Change a round's facts. A new window applies to first submits from now on; nominations
    already submitted in the round stay in it whatever their submit date."""
    found = managed_round(actor, campaign_id, round_id)
    values = parse(body, ROUND_FIELDS, what="Đợt sơ kết, tổng kết")
    before = round_facts(found)
    campaign = found.campaign
    _check_round(campaign, found, before | values)
    for name, value in values.items():
        setattr(found, name, value)
    db.session.flush()
    db.session.refresh(campaign, ["rounds"])
    changes = _diff(before, round_facts(found))
    if changes:
        number = _version(campaign, actor)
        record_admin_change(actor, "update_round", object_type="campaign_round", object_id=found.id,
                            unit_id=campaign.owner_unit_id, changes=changes, rule_version=number, campaign_id=campaign.id)
        db.session.flush()
    return found


def delete_round(actor: Actor, campaign_id: int, round_id: int) -> Campaign:
    """Remove a round no nomination belongs to (a draft counts: it would lose its round)."""
    found = managed_round(actor, campaign_id, round_id)
    campaign = found.campaign
    filed = nominations_in(campaign, found.id)
    if filed:
        raise WorkflowError(
            409,
            "invalid_state",
            f"Không thể xóa đợt '{found.name}': đã có {filed} hồ sơ đề nghị thuộc đợt này.",
            {"nominations": filed},
        )
    before = round_facts(found)
    campaign.rounds.remove(found)  # delete-orphan: the row goes with it
    db.session.flush()
    number = _version(campaign, actor)
    record_admin_change(actor, "delete_round", object_type="campaign_round", object_id=round_id,
                        unit_id=campaign.owner_unit_id, changes=_diff(before, {}), rule_version=number,
                        campaign_id=campaign.id)
    db.session.flush()
    return campaign


# --- eligibility criteria --------------------------------------------------------------------


def criterion_facts(c: EligibilityCriterion) -> dict[str, Any]:
    return {name: getattr(c, name) for name in CRITERION_FIELDS}


def set_criterion(actor: Actor, campaign_id: int, body: Any) -> EligibilityCriterion:
    """Add a criterion, or change the one with the same code."""
    campaign = managed_campaign(actor, campaign_id)
    values = parse(body, CRITERION_FIELDS, what="Tiêu chí")
    problems: dict[str, str] = {}
    code = values.get("code") or ""
    if not code:
        problems["code"] = "Mã tiêu chí là bắt buộc"
    if not values.get("name"):
        problems["name"] = "Nội dung tiêu chí là bắt buộc"
    kind = values.get("kind")
    if kind is None:
        problems["kind"] = "Cần chọn loại tiêu chí"
    if kind == "min_contribution" and values.get("min_vnd") is None:
        problems["min_vnd"] = "Tiêu chí đóng góp cần ghi mức tối thiểu (VND)"
    if kind == "attestation" and values.get("min_vnd") is not None:
        problems["min_vnd"] = "Tiêu chí xác nhận có/không không có mức đóng góp"
    form_id = values.get("award_form_id")
    if form_id is not None and form_id not in {f.id for f in campaign.award_forms}:
        problems["award_form_id"] = "Hình thức khen thưởng không thuộc đợt thi đua"
    # A criterion for a category no pool has, or for a type that category's kind never files,
    # would never apply: refused rather than kept as a rule that silently does nothing. The
    # category a criterion already has may stay (Hà Nam's were seeded before its pools).
    categories = {c.code: c for p in campaign.pools for c in p.categories}
    current = next((c.category for c in campaign.criteria if c.code == code), None)
    category, nominee_type = values.get("category"), values.get("nominee_type")
    if category and category not in categories and category != current:
        known = ", ".join(sorted(categories)) or "chưa có nhóm nào"
        problems["category"] = f"Nhóm đối tượng '{category}' không có trong đợt thi đua; các nhóm: {known}"
    elif category in categories and nominee_type and (
        nominee_type not in TYPES_BY_KIND[categories[category].nominee_kind]
    ):
        allowed = TYPES_BY_KIND[categories[category].nominee_kind]
        problems["nominee_type"] = (
            f"Nhóm đối tượng '{categories[category].name}' không có loại '{nominee_type}'; "
            f"các loại: {', '.join(allowed)}"
        )
    if problems:
        raise validation_failed(problems)
    criterion = next((c for c in campaign.criteria if c.code == code), None)
    before = criterion_facts(criterion) if criterion is not None else {}
    if criterion is None:
        criterion = EligibilityCriterion(code=code, position=len(campaign.criteria) + 1)
        campaign.criteria.append(criterion)
    for name in CRITERION_FIELDS:
        if name != "code":
            setattr(criterion, name, values.get(name))
    db.session.flush()
    changes = _diff(before, criterion_facts(criterion))
    if changes:
        number = _version(campaign, actor)
        record_admin_change(actor, "set_criterion", object_type="campaign", object_id=campaign.id,
                            unit_id=campaign.owner_unit_id, changes={f"criteria.{code}.{k}": v for k, v in changes.items()},
                            rule_version=number)
        db.session.flush()
    return criterion


def remove_criterion(actor: Actor, campaign_id: int, code: str) -> Campaign:
    campaign = managed_campaign(actor, campaign_id)
    criterion = next((c for c in campaign.criteria if c.code == code), None)
    if criterion is None:
        raise not_found("Tiêu chí")
    before = criterion_facts(criterion)
    campaign.criteria.remove(criterion)
    db.session.flush()
    number = _version(campaign, actor)
    record_admin_change(actor, "remove_criterion", object_type="campaign", object_id=campaign.id,
                        unit_id=campaign.owner_unit_id,
                        changes={f"criteria.{code}.{k}": [json_value(v), None] for k, v in before.items() if v is not None},
                        rule_version=number)
    db.session.flush()
    return campaign


# --- award forms -----------------------------------------------------------------------------


def _level_facts(lv: ChainLevel) -> dict[str, Any]:
    return {name: getattr(lv, name) for name in LEVEL_FIELDS}


def award_form_facts(form: AwardForm) -> dict[str, Any]:
    facts = {name: getattr(form, name) for name in AWARD_FORM_FIELDS}
    for lv in form.levels:
        facts.update({f"levels.{lv.position}.{k}": v for k, v in _level_facts(lv).items()})
    return facts


def chain_units(actor: Actor) -> list[Unit]:
    """Units a chain level may name: those the admin administers and those above its scopes
    (a chain climbs beyond the admin's own tree, to the province and the centre)."""
    above = {u.id: u for s in admin_scopes(actor.user) for u in s.ancestors()}
    return [*sorted(above.values(), key=lambda u: u.path), *units_administered(actor)]


def units_administered(actor: Actor) -> list[Unit]:
    """Units inside the admin's scopes, in tree order: where it may launch a campaign or keep a pool."""
    scopes = admin_scopes(actor.user)
    return [u for u in db.session.scalars(select(Unit).order_by(Unit.path)) if any(s.contains(u) for s in scopes)]


def _parse_levels(actor: Actor, items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise bad_request(f"Trường '{LEVELS}' phải là danh sách cấp xét.", field=LEVELS)
    levels = [parse(item, LEVEL_FIELDS, what="Cấp xét") for item in items]
    problems: dict[str, str] = {}
    allowed = {u.id for u in chain_units(actor)}
    if not levels:
        problems[LEVELS] = "Hình thức khen thưởng cần ít nhất một cấp xét"
    if len(levels) > MAX_LEVELS:
        problems[LEVELS] = f"Tối đa {MAX_LEVELS} cấp xét, đã gửi {len(levels)}"
    for position, level in enumerate(levels, start=1):
        if not level.get("name"):
            problems[f"levels.{position}.name"] = f"Cấp {position}: tên cấp xét là bắt buộc"
        for name in ("office_unit_id", "appraising_unit_id", "council_unit_id"):
            unit_id = level.get(name)
            if unit_id is None:
                if name == "office_unit_id":
                    problems[f"levels.{position}.{name}"] = f"Cấp {position}: cần chọn cơ quan của cấp"
                continue
            if unit_id not in allowed:
                problems[f"levels.{position}.{name}"] = (
                    f"Cấp {position}: đơn vị số {unit_id} không thuộc phạm vi quản trị của bạn"
                )
    if problems:
        raise validation_failed(problems)
    return levels


def create_award_form(actor: Actor, campaign_id: int, body: Any) -> AwardForm:
    """A new award form with its chain, used by the campaign it is made for: a form no campaign
    uses would have no admin (managed_award_forms)."""
    campaign = managed_campaign(actor, campaign_id)
    if not isinstance(body, dict):
        raise bad_request("Hình thức khen thưởng phải là một đối tượng JSON.")
    levels = _parse_levels(actor, body.get(LEVELS, []))
    values = parse({k: v for k, v in body.items() if k != LEVELS}, NEW_AWARD_FORM_FIELDS, what="Hình thức khen thưởng")
    problems = {
        name: f"{spec.label} là bắt buộc" for name, spec in NEW_AWARD_FORM_FIELDS.items() if not values.get(name)
    }
    code = values.get("code")
    if code and db.session.scalar(select(AwardForm.id).where(AwardForm.code == code)) is not None:
        problems["code"] = f"Mã hình thức khen thưởng {code} đã được dùng"
    if problems:
        raise validation_failed(problems)
    form = AwardForm(**values)
    _replace_levels(form, levels)
    campaign.award_forms.append(form)
    db.session.flush()
    number = _version(campaign, actor)
    record_admin_change(actor, "create_award_form", object_type="award_form", object_id=form.id,
                        unit_id=campaign.owner_unit_id, changes=_diff({}, {"code": code} | award_form_facts(form)),
                        rule_version=number, campaign_id=campaign.id)
    db.session.flush()
    return form


def update_award_form(actor: Actor, award_form_id: int, body: Any) -> AwardForm:
    form = managed_award_form(actor, award_form_id)
    if not isinstance(body, dict):
        raise bad_request("Hình thức khen thưởng phải là một đối tượng JSON.")
    levels = _parse_levels(actor, body[LEVELS]) if LEVELS in body else None
    values = parse({k: v for k, v in body.items() if k != LEVELS}, AWARD_FORM_FIELDS, what="Hình thức khen thưởng")
    if "name" in values and not values["name"]:
        raise validation_failed({"name": "Tên hình thức khen thưởng là bắt buộc"})
    if levels is not None:
        _check_chain_change(form, levels)
    before = award_form_facts(form)
    for name, value in values.items():
        setattr(form, name, value)
    if levels is not None:
        _replace_levels(form, levels)
    db.session.flush()
    db.session.refresh(form, ["levels"])
    changes = _diff(before, award_form_facts(form))
    if changes:
        campaigns = campaigns_using(form)
        numbers = {c.code: _version(c, actor) for c in campaigns}
        record_admin_change(actor, "update_award_form", object_type="award_form", object_id=form.id,
                            unit_id=campaigns[0].owner_unit_id if campaigns else actor.user.unit_id,
                            changes=changes, rule_versions=numbers)
        db.session.flush()
    return form


def _check_chain_change(form: AwardForm, levels: list[dict[str, Any]]) -> None:
    """Where a dossier is in flight, its office decides who sees and acts on it: a level that
    goes away or changes office would strand it. Names, appraisers, councils and new levels above
    may change at any time (nominations in flight keep their pinned chain)."""
    for lv in form.levels:
        wanted = levels[lv.position - 1] if lv.position <= len(levels) else None
        if wanted is not None and wanted["office_unit_id"] == lv.office_unit_id:
            continue
        in_flight = db.session.scalar(
            _in_flight(select(func.count()).select_from(Nomination)).where(
                Nomination.award_form_id == form.id, Nomination.level >= lv.position
            )
        )
        if in_flight:
            what = "bỏ" if wanted is None else "đổi cơ quan của"
            raise WorkflowError(
                409,
                "invalid_state",
                f"Không thể {what} cấp {lv.position} ({lv.name}): {in_flight} hồ sơ đang được xét ở cấp này "
                "hoặc cấp trên.",
                {"level": lv.position, "in_flight": in_flight},
            )


def _replace_levels(form: AwardForm, levels: list[dict[str, Any]]) -> None:
    # Rows at kept positions are updated in place: deleting and re-inserting one position in a
    # single flush could trip the unique (award form, position).
    by_position = {lv.position: lv for lv in form.levels}
    for position, wanted in enumerate(levels, start=1):
        row = by_position.pop(position, None)
        if row is None:
            row = ChainLevel(position=position)
            form.levels.append(row)
        for name, value in wanted.items():
            setattr(row, name, value)
        for name in LEVEL_FIELDS:
            if name not in wanted:
                setattr(row, name, None)
    for row in by_position.values():
        form.levels.remove(row)


# --- legal basis -----------------------------------------------------------------------------


def legal_basis_facts(row: LegalBasis) -> dict[str, Any]:
    return {name: getattr(row, name) for name in LEGAL_BASIS_FIELDS}


def _overlaps(a_from: date | None, a_until: date | None, b_from: date | None, b_until: date | None) -> bool:
    return (a_until is None or b_from is None or b_from <= a_until) and (
        b_until is None or a_from is None or a_from <= b_until
    )


def _period(valid_from: date | None, valid_until: date | None) -> str:
    start = f"từ {valid_from:%d/%m/%Y}" if valid_from else "từ trước"
    end = f"đến {valid_until:%d/%m/%Y}" if valid_until else "đến nay"
    return f"{start} {end}"


def _check_legal_basis(row: LegalBasis | None, wanted: dict[str, Any]) -> None:
    """The versions of one text (the same place in the "Căn cứ" lines) may not overlap in time."""
    problems: dict[str, str] = {}
    for name in ("code", "citation"):
        if not wanted.get(name):
            problems[name] = f"{LEGAL_BASIS_FIELDS[name].label} là bắt buộc"
    if wanted.get("position") is None:
        problems["position"] = f"{LEGAL_BASIS_FIELDS['position'].label} là bắt buộc"
    start, end = wanted.get("valid_from"), wanted.get("valid_until")
    if start is not None and end is not None and start > end:
        problems["valid_until"] = f"Ngày hết hiệu lực ({end:%d/%m/%Y}) trước ngày có hiệu lực ({start:%d/%m/%Y})"
    code = wanted.get("code")
    if code and db.session.scalar(
        select(LegalBasis.id).where(LegalBasis.code == code, LegalBasis.id != (row.id if row else -1))
    ):
        problems["code"] = f"Mã văn bản {code} đã được dùng"
    if not problems:
        for other in db.session.scalars(
            select(LegalBasis).where(LegalBasis.position == wanted["position"], LegalBasis.id != (row.id if row else -1))
        ):
            if _overlaps(start, end, other.valid_from, other.valid_until):
                problems["valid_from"] = (
                    f"Trùng thời gian hiệu lực với {other.code} ({_period(other.valid_from, other.valid_until)}) "
                    f"ở cùng vị trí trích dẫn {other.position}"
                )
                break
    if problems:
        raise validation_failed(problems)


def create_legal_basis(actor: Actor, body: Any) -> LegalBasis:
    require_top_level_admin(actor, LEGAL_BASIS_SHARED)
    values = parse(body, LEGAL_BASIS_FIELDS, what="Văn bản căn cứ")
    _check_legal_basis(None, values)
    row = LegalBasis(**{name: values.get(name) for name in LEGAL_BASIS_FIELDS})
    db.session.add(row)
    db.session.flush()
    record_admin_change(actor, "create_legal_basis", object_type="legal_basis", object_id=row.id,
                        unit_id=actor.user.unit_id, changes=_diff({}, legal_basis_facts(row)))
    db.session.flush()
    return row


def update_legal_basis(actor: Actor, legal_basis_id: int, body: Any) -> LegalBasis:
    row = managed_legal_basis(actor, legal_basis_id)
    values = parse(body, LEGAL_BASIS_FIELDS, what="Văn bản căn cứ")
    before = legal_basis_facts(row)
    wanted = before | values
    _check_legal_basis(row, wanted)
    for name, value in wanted.items():
        setattr(row, name, value)
    db.session.flush()
    changes = _diff(before, legal_basis_facts(row))
    if changes:
        record_admin_change(actor, "update_legal_basis", object_type="legal_basis", object_id=row.id,
                            unit_id=actor.user.unit_id, changes=changes)
        db.session.flush()
    return row
