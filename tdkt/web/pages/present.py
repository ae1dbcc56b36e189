"""How things read on a page: dates dd/mm/yyyy, local times, money 60.000.000, labels in words."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import current_app, request
from flask_login import current_user

from ...forms.admin import CAPACITY_LABELS, UNIT_KIND_LABELS
from ...forms.fields import format_vnd
from ...forms.nominations import GENDER_LABELS, KIND_LABELS, TYPE_LABELS
from ...models import AuditEvent, CampaignRound, Nomination, Pool
from ...workflow import campaign_rules, deadlines, rule_versions
from ...workflow.admin import top_level_admin
from ...workflow.audit_query import ACTION_LABELS
from ...workflow.clock import local_today, to_local
from ...workflow.machine import ROLE_LABELS, STATE_LABELS, TRIGGER_LABELS
from . import bp
from .queues import Queue, queues_for


@bp.app_template_filter("day")
def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


@bp.app_template_filter("moment")
def moment(value: datetime | None) -> str:
    return to_local(value).strftime("%d/%m/%Y %H:%M") if value else "—"


@bp.app_template_filter("vnd")
def vnd(value: int | None) -> str:
    return f"{format_vnd(value)} đồng" if value is not None else "—"


@bp.app_template_filter("iso_moment")
def iso_moment(value: datetime | None) -> str:
    return to_local(value).isoformat() if value else ""


@bp.app_template_global()
def labels() -> dict[str, dict[str, str]]:
    return {
        "state": STATE_LABELS,
        "trigger": TRIGGER_LABELS,
        "role": ROLE_LABELS,
        "action": ACTION_LABELS,
        "kind": KIND_LABELS,
        "type": TYPE_LABELS,
        "gender": GENDER_LABELS,
        "unit_kind": UNIT_KIND_LABELS,
        "capacity": CAPACITY_LABELS,
        "round_status": ROUND_STATUS_LABELS,
    }


@bp.app_template_global()
def due_status(n: Nomination) -> deadlines.DueStatus | None:
    """"còn 2 ngày làm việc", "đến hạn hôm nay", "quá hạn 3 ngày", or None outside a stage."""
    return deadlines.status(n)


ROUND_STATUS_LABELS = {"upcoming": "Chưa mở", "open": "Đang nhận hồ sơ", "closed": "Đã kết thúc"}


@bp.app_template_global()
def round_status(r: CampaignRound) -> str:
    """Whether a review round takes dossiers today ("open"), has yet to ("upcoming") or did ("closed")."""
    today = local_today()
    if today < r.submission_opens_on:
        return "upcoming"
    return "open" if today <= r.submission_closes_on else "closed"


@bp.app_template_global()
def keeps_shared_rules() -> bool:
    """Whether the user is a top-level admin, the only one who keeps the calendar and the legal
    basis every unit shares (the others would get 403 there)."""
    return current_user.is_authenticated and top_level_admin(current_user)


@bp.app_template_global()
def manages_pool(pool: Pool) -> bool:
    """Whether the admin page offers the pool's form (of a campaign the user manages)."""
    return campaign_rules.manages_pool(current_user, pool)


@bp.app_template_global()
def show_demo_users() -> bool:
    return bool(current_app.config.get("SHOW_DEMO_USERS"))


@bp.app_template_global()
def holder(n: Nomination) -> str:
    """Who holds the dossier now, in words: the role, and the person or office."""
    if n.holder_role is None:
        return "—"
    role = ROLE_LABELS[n.holder_role]
    if n.holder_role == "proposer":
        return f"{role} — {n.unit.name}"
    if n.assignee is not None and n.state == "in_appraisal":
        return f"{role} — {n.assignee.full_name}"
    level = rule_versions.level(n)  # the chain as pinned at the first submit
    office = {
        "appraiser": level.appraising_unit,
        "council_secretary": level.council_unit,
    }.get(n.holder_role) or level.office_unit
    return f"{role} — {office.name}"


@bp.app_template_global()
def event_summary(e: AuditEvent) -> str:
    if e.action == "transition":
        label = TRIGGER_LABELS.get(e.trigger or "", e.trigger or "")
        return f"{label}: {STATE_LABELS.get(e.from_state, '')} → {STATE_LABELS.get(e.to_state, '')}"
    return ACTION_LABELS.get(e.action, e.action)


@bp.app_template_global()
def nav_queues() -> list[Queue]:
    return queues_for(current_user) if current_user.is_authenticated else []


@bp.app_template_global()
def page_url(after: str | None = None) -> str:
    """This list again, same filters, from the page after `after` (or from the first page)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "after"]
    if after:
        args.append(("after", after))
    return f"{request.path}?{urlencode(args)}" if args else request.path
