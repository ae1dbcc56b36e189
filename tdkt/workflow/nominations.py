"""Creating and editing nominations (the proposer's side, outside the state machine)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from ..models import Campaign, CampaignRound, Nomination, Pool, User, db, utcnow
from . import audit
from .actor import Actor
from .clock import local_today
from .errors import WorkflowError, bad_request, forbidden, not_found, validation_failed
from .payload import Field, check_shape, fits_integer
from .permissions import can_create_in, can_view, may_ever_fire
from .text import fold

NOMINEE_KINDS = ("collective", "individual")
NOMINEE_TYPES = ("person", "household", "organisation", "collective")
TYPES_BY_KIND = {
    "collective": ("collective", "organisation"),
    "individual": ("person", "household", "organisation"),
}

NOMINATION_FIELDS: dict[str, Field] = {
    "campaign_id": Field(int, "Đợt thi đua", nullable=False),
    "round_id": Field(int, "Đợt sơ kết, tổng kết"),
    "award_form_id": Field(int, "Hình thức khen thưởng"),
    "pool_id": Field(int, "Nhóm chỉ tiêu"),
    "nominee_kind": Field(str, "Loại đối tượng", choices=NOMINEE_KINDS, nullable=False),
    "nominee_type": Field(str, "Kiểu đối tượng", choices=NOMINEE_TYPES),
    "category": Field(str, "Nhóm đối tượng", max_length=60, nullable=False),
    "nominee_name": Field(str, "Tên đối tượng", max_length=255, nullable=False),
    "gender": Field(str, "Giới tính", choices=("male", "female")),
    "birth_year": Field(int, "Năm sinh", min_value=1900, max_value=2100),
    "position": Field(str, "Chức vụ", max_length=255),
    "address": Field(str, "Địa chỉ", max_length=255),
    "id_number": Field(str, "Số CCCD", max_length=20),
    "tax_code": Field(str, "Mã số thuế", max_length=20),
    "achievement_summary": Field(str, "Tóm tắt thành tích", max_length=20000),
    "contribution_vnd": Field(int, "Giá trị đóng góp (VND)", min_value=0, max_value=10**15),
}
# Chosen once, at creation: the round's window is checked at the first submit only, so moving
# a dossier to another round later would dodge it.
CREATE_ONLY = ("campaign_id", "round_id")
PATCH_FIELDS = {"version": Field(int, "Phiên bản", nullable=False, fits_column=False)} | {
    k: v for k, v in NOMINATION_FIELDS.items() if k not in CREATE_ONLY
}
REQUIRED_AT_CREATE = ("campaign_id", "nominee_kind", "category", "nominee_name")
EDITABLE = tuple(k for k in NOMINATION_FIELDS if k not in CREATE_ONLY)

ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def campaigns_for(user: User) -> list[Campaign]:
    """Campaigns whose owner unit is above or below one of the user's scopes."""
    return [
        c
        for c in db.session.scalars(select(Campaign).order_by(Campaign.id))
        if any(
            a.scope_unit.contains(c.owner_unit) or c.owner_unit.contains(a.scope_unit)
            for a in user.assignments
        )
    ]


def pools_for(campaign: Campaign, user: User) -> list[Pool]:
    unit = user.unit
    return [p for p in campaign.pools if p.admits(unit)]


def default_pool(campaign: Campaign, user: User) -> Pool | None:
    own = [p for p in campaign.pools if p.unit_id == user.unit_id]
    return (own or pools_for(campaign, user) or [None])[0]


def round_for(campaign: Campaign, round_id: int | None) -> CampaignRound | None:
    """The round a new nomination joins: the one asked for, which must be the campaign's, or
    by default the round taking dossiers today, else the latest (none without rounds)."""
    if round_id is None:
        return campaign.round_on(local_today())
    found = next((r for r in campaign.rounds if r.id == round_id), None)
    if found is None:
        raise validation_failed({"round_id": "Đợt sơ kết, tổng kết không thuộc đợt thi đua này"})
    return found


def _problems_of(nomination: Nomination, user: User) -> dict[str, str]:
    """Cross-field consistency: the pool admits the unit, the category fits pool and kind."""
    problems: dict[str, str] = {}
    campaign = nomination.campaign
    if nomination.award_form_id not in {f.id for f in campaign.award_forms}:
        problems["award_form_id"] = "Hình thức khen thưởng không thuộc đợt thi đua này"
    if nomination.nominee_type not in TYPES_BY_KIND[nomination.nominee_kind]:
        problems["nominee_type"] = (
            f"Đối tượng {'tập thể' if nomination.nominee_kind == 'collective' else 'cá nhân'} "
            f"không thể là kiểu '{nomination.nominee_type}'"
        )
    pool = nomination.pool
    if pool is not None:
        if pool.campaign_id != campaign.id or not pool.admits(nomination.unit):
            problems["pool_id"] = "Đơn vị không được đề nghị vào nhóm chỉ tiêu này"
        elif pool.categories:
            category = pool.category(nomination.category)
            if category is None:
                codes = ", ".join(c.code for c in pool.categories)
                problems["category"] = f"Nhóm đối tượng phải là một trong: {codes}"
            elif category.nominee_kind != nomination.nominee_kind:
                problems["category"] = (
                    f"Nhóm '{category.name}' dành cho đối tượng "
                    f"{'tập thể' if category.nominee_kind == 'collective' else 'cá nhân'}"
                )
    if nomination.id_number and not ID_NUMBER.match(nomination.id_number):
        problems["id_number"] = "Số CCCD/CMND phải gồm 12 (hoặc 9) chữ số"
    if nomination.tax_code and not TAX_CODE.match(nomination.tax_code):
        problems["tax_code"] = "Mã số thuế phải gồm 10 chữ số (hoặc 10-3 chữ số)"
    if nomination.birth_year is not None and nomination.birth_year > local_today().year:
        problems["birth_year"] = f"Năm sinh không được sau năm {local_today().year}"
    if not nomination.nominee_name:
        problems["nominee_name"] = "Tên đối tượng không được để trống"
    return problems


def _load(user: User, nomination_id: int, *, lock: bool) -> Nomination:
    if not fits_integer(nomination_id):
        raise not_found()
    query = select(Nomination).where(Nomination.id == nomination_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    nomination = db.session.scalars(query).first()
    if nomination is None:
        raise not_found()
    if not can_view(user, nomination):
        raise not_found().about(nomination.id)
    return nomination


def get(user: User, nomination_id: int) -> Nomination:
    return _load(user, nomination_id, lock=False)


def create(actor: Actor, body: Any) -> Nomination:
    user = actor.user
    values, problems = check_shape(body, NOMINATION_FIELDS, what="Hồ sơ")
    if not can_create_in(user, user.unit):
        raise forbidden("Chỉ cán bộ đề xuất của đơn vị mới được lập hồ sơ đề nghị.")
    for name in REQUIRED_AT_CREATE:
        if values.get(name) in (None, "") and name not in problems:
            problems[name] = f"{NOMINATION_FIELDS[name].label} là bắt buộc"
    if problems:
        raise validation_failed(problems)
    campaign = db.session.get(Campaign, values["campaign_id"])
    if campaign is None or campaign not in campaigns_for(user):
        raise validation_failed({"campaign_id": "Đợt thi đua không tồn tại"})
    kind = values["nominee_kind"]
    nomination = Nomination(
        campaign=campaign,
        unit=user.unit,
        created_by=user,
        round=round_for(campaign, values.get("round_id")),
        award_form_id=values.get("award_form_id") or campaign.award_forms[0].id,
        nominee_type=values.get("nominee_type") or TYPES_BY_KIND[kind][0],
        version=1,
        state="draft",
        holder_role="proposer",
        level=1,
    )
    if "pool_id" not in values:
        values["pool_id"] = getattr(default_pool(campaign, user), "id", None)
    _apply(nomination, values)
    problems = _problems_of(nomination, user)
    if problems:
        raise validation_failed(problems)
    db.session.add(nomination)
    db.session.flush()
    nomination.code = f"{campaign.code}-{nomination.id:05d}"
    changes = {k: [None, audit.json_value(getattr(nomination, k))] for k in values if k not in CREATE_ONLY}
    if nomination.round is not None:
        changes["round_id"] = [None, nomination.round_id]
    audit.record(actor, "create", role="proposer", nomination=nomination, to_state="draft", changes=changes)
    db.session.flush()
    return nomination


def update(actor: Actor, nomination_id: int, body: Any) -> Nomination:
    user = actor.user
    nomination = _load(user, nomination_id, lock=True)
    if not isinstance(body, dict) or not isinstance(body.get("version"), int) or isinstance(
        body.get("version"), bool
    ):
        raise bad_request("Cần gửi 'version' (số nguyên) của hồ sơ đang sửa.", field="version")
    values, problems = check_shape(body, PATCH_FIELDS, what="Hồ sơ")
    if not may_ever_fire(user, nomination, "submit"):
        raise forbidden("Chỉ cán bộ đề xuất của đơn vị mới được sửa hồ sơ.").about(nomination.id)
    check_version(nomination, values.pop("version"))
    if nomination.state not in ("draft", "returned"):
        raise WorkflowError(
            409,
            "not_editable",
            "Chỉ sửa được hồ sơ ở trạng thái Dự thảo hoặc Trả lại để bổ sung.",
            {"state": nomination.state},
        )
    for name in ("nominee_kind", "category", "nominee_name"):
        if name in values and values[name] in (None, "") and name not in problems:
            problems[name] = f"{NOMINATION_FIELDS[name].label} là bắt buộc"
    if problems:
        raise validation_failed(problems)
    before = {k: getattr(nomination, k) for k in values}
    # An unknown award_form_id or pool_id must come back as 422, not be flushed into an
    # integrity error by the lookups that check it.
    with db.session.no_autoflush:
        _apply(nomination, values)
        problems = _problems_of(nomination, user)
    if problems:
        raise validation_failed(problems)
    changes = {
        k: [audit.json_value(before[k]), audit.json_value(getattr(nomination, k))]
        for k in values
        if before[k] != getattr(nomination, k)
    }
    if changes:
        nomination.version += 1
        nomination.updated_at = utcnow()
        audit.record(
            actor,
            "edit",
            role="proposer",
            nomination=nomination,
            from_state=nomination.state,
            to_state=nomination.state,
            changes=changes,
        )
    db.session.flush()
    return nomination


def check_version(nomination: Nomination, version: int) -> None:
    if version != nomination.version:
        raise WorkflowError(
            409,
            "version_conflict",
            "Hồ sơ đã được người khác thay đổi, vui lòng tải lại.",
            {"current_version": nomination.version, "sent_version": version},
        )


def _apply(nomination: Nomination, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "pool_id":
            nomination.pool = db.session.get(Pool, value) if value is not None else None
            if value is not None and nomination.pool is None:
                raise validation_failed({"pool_id": "Nhóm chỉ tiêu không tồn tại"})
        elif name not in CREATE_ONLY:
            setattr(nomination, name, value if value != "" else None)
    nomination.search_text = fold(f"{nomination.nominee_name} {nomination.unit.name}")
