"""Authentication, the caller, units, campaigns and quotas, decisions, meetings, audit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request

from ...models import (
    AuditEvent,
    Campaign,
    CouncilMeeting,
    Decision,
    Nomination,
    Unit,
    db,
)
from ...workflow import audit_query, auth, permissions
from ...workflow import quota as quota_use
from ...workflow.actor import Actor
from ...workflow.errors import not_found
from ...workflow.nominations import campaigns_for
from ...workflow.payload import Field, fits_integer, parse
from ..extensions import limiter
from . import actor, bp, commit, serialize, unauthenticated
from .listing import int_list, page, parsed_body, query_args

CREDENTIALS = {
    "username": Field(str, "Tên đăng nhập", max_length=80, nullable=False),
    "password": Field(str, "Mật khẩu", max_length=200, nullable=False),
}


def _login_key() -> str:
    body = parsed_body()
    username = body.get("username") if isinstance(body, dict) else None
    return f"{str(username)[:80]}|{request.remote_addr}"


@bp.post("/auth/token")
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_login_key,
    deduct_when=lambda response: response.status_code == 401,
)
def issue_token():
    values = parse(parsed_body(), CREDENTIALS, what="Thông tin đăng nhập")
    if not values.get("username") or not values.get("password"):
        commit()
        raise unauthenticated()
    request_actor = Actor(None, request.remote_addr, request.headers.get("User-Agent"))
    user = auth.authenticate(request_actor, values["username"], values["password"])
    if user is None:
        commit()  # the login_failed event stays
        raise unauthenticated()
    ttl = timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    token, row = auth.issue_token(Actor(user, request_actor.ip, request_actor.user_agent), ttl)
    commit()
    return {"token": token, "expires_at": serialize.instant(row.expires_at), "user": serialize.me(user)}


@bp.delete("/auth/token")
def revoke_token():
    auth.revoke_token(actor(), g.api_token)
    commit()
    return "", 204


@bp.get("/me")
def me():
    return serialize.me(g.api_user)


@bp.get("/units")
def units():
    query_args(())
    rows = db.session.scalars(permissions.visible_units(g.api_user).order_by(Unit.path))
    return {"items": [serialize.unit(u) for u in rows], "next_cursor": None}


@bp.get("/campaigns")
def campaigns():
    query_args(())
    return {"items": [serialize.campaign(c) for c in campaigns_for(g.api_user)], "next_cursor": None}


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id) if fits_integer(campaign_id) else None
    if campaign is None or campaign not in campaigns_for(g.api_user):
        raise not_found("Đợt thi đua")
    return campaign


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    return serialize.campaign(_campaign(campaign_id))


@bp.get("/campaigns/<int:campaign_id>/quota")
def quota(campaign_id: int):
    args = query_args({"pool_id", "unit_id"})
    pools = quota_use.readable_pools(g.api_user, _campaign(campaign_id))
    pool_ids, unit_ids = int_list(args, "pool_id"), int_list(args, "unit_id")
    if pool_ids:
        pools = [p for p in pools if p.id in pool_ids]
    if unit_ids:
        pools = [p for p in pools if p.unit_id in unit_ids or any(m.id in unit_ids for m in p.members)]
    items = [
        {"pool_id": r.pool.id, "category": r.category, "used": r.used, "limit": r.limit}
        for r in quota_use.usage(pools)
    ]
    return {"items": items}


def _visible_nomination_ids():
    return permissions.visible_nominations(g.api_user).with_only_columns(Nomination.id)


def _scoped_ids(ids: list[int]) -> set[int]:
    """Those of `ids` the caller may see: one decision or meeting may cover several units, and
    reading it must not reveal the other units' nominations."""
    if not ids:
        return set()
    return set(db.session.scalars(_visible_nomination_ids().where(Nomination.id.in_(ids))))


def _decision_json(d: Decision) -> dict:
    data = serialize.decision(d)
    visible = _scoped_ids(data["nomination_ids"])
    data["nomination_ids"] = [i for i in data["nomination_ids"] if i in visible]
    return data


def _meeting_json(m: CouncilMeeting) -> dict:
    data = serialize.meeting(m)
    visible = _scoped_ids([v["nomination_id"] for v in data["votes"]])
    data["votes"] = [v for v in data["votes"] if v["nomination_id"] in visible]
    return data


@bp.get("/decisions")
def decisions():
    args = query_args({"campaign_id"})
    query = permissions.visible_decisions(g.api_user)
    campaign_ids = int_list(args, "campaign_id")
    if campaign_ids:
        query = query.where(Decision.campaign_id.in_(campaign_ids))

    def fetch(after, n):
        q = query if after is None else query.where(Decision.id < after)
        return list(db.session.scalars(q.order_by(Decision.id.desc()).limit(n)))

    rows, cursor = page(args, {k: args[k] for k in ("campaign_id",) if k in args}, fetch, lambda d: d.id)
    return {"items": [_decision_json(d) for d in rows], "next_cursor": cursor}


@bp.get("/decisions/<int:decision_id>")
def decision(decision_id: int):
    found = fits_integer(decision_id) and db.session.scalars(
        permissions.visible_decisions(g.api_user).where(Decision.id == decision_id)
    ).first()
    if not found:
        raise not_found("Quyết định")
    return _decision_json(found)


@bp.get("/council-meetings")
def council_meetings():
    args = query_args({"campaign_id"})
    query = permissions.visible_meetings(g.api_user)
    campaign_ids = int_list(args, "campaign_id")
    if campaign_ids:
        query = query.where(CouncilMeeting.campaign_id.in_(campaign_ids))

    def fetch(after, n):
        q = query if after is None else query.where(CouncilMeeting.id < after)
        return list(db.session.scalars(q.order_by(CouncilMeeting.id.desc()).limit(n)))

    rows, cursor = page(args, {k: args[k] for k in ("campaign_id",) if k in args}, fetch, lambda m: m.id)
    return {"items": [_meeting_json(m) for m in rows], "next_cursor": cursor}


@bp.get("/council-meetings/<int:meeting_id>")
def council_meeting(meeting_id: int):
    found = fits_integer(meeting_id) and db.session.scalars(
        permissions.visible_meetings(g.api_user).where(CouncilMeeting.id == meeting_id)
    ).first()
    if not found:
        raise not_found("Phiên họp Hội đồng")
    return _meeting_json(found)


@bp.get("/audit")
def audit_events():
    audit_query.require_reader(g.api_user)
    args = query_args({"nomination_id", "actor", "unit_id", "action", "since", "until"})
    filters = audit_query.Filters.parse(args)
    query = audit_query.filtered(g.api_user, filters)

    def fetch(after, n):
        q = query if after is None else query.where(AuditEvent.seq > after)
        return list(db.session.scalars(q.order_by(AuditEvent.seq).limit(n)))

    rows, cursor = page(args, filters.as_args(), fetch, lambda e: e.seq)
    return {"items": [serialize.audit_event(e, full=True) for e in rows], "next_cursor": cursor}


