"""Nomination routes: list, create, read, edit, fire a trigger, bulk actions, tasks, history."""

from __future__ import annotations

from datetime import date, datetime

from flask import g
from sqlalchemy import func, literal, select, tuple_

from ...models import AuditEvent, Nomination, db
from ...workflow import engine, permissions
from ...workflow import nominations as service
from ...workflow.machine import STATES
from ...workflow.text import fold
from . import actor, bp, commit, serialize
from .listing import int_list, page, parsed_body, query_args, str_list

FAR_FUTURE = date(9999, 12, 31)
HISTORY_ACTIONS = ("create", "edit", "transition")


def _filtered(query, args: dict):
    states = str_list(args, "state", STATES)
    if states:
        query = query.where(Nomination.state.in_(states))
    campaign_ids = int_list(args, "campaign_id")
    if campaign_ids:
        query = query.where(Nomination.campaign_id.in_(campaign_ids))
    unit_ids = int_list(args, "unit_id")
    if unit_ids:
        query = query.where(Nomination.unit_id.in_(unit_ids))
    if args.get("q"):
        terms = fold(args["q"]).split()
        for term in terms[:8]:
            query = query.where(Nomination.search_text.contains(term, autoescape=True))
    return query


def _filters_of(args: dict) -> dict:
    return {k: args[k] for k in ("state", "campaign_id", "unit_id", "q") if k in args}


@bp.get("/nominations")
def list_nominations():
    args = query_args({"state", "campaign_id", "unit_id", "q"})
    query = _filtered(permissions.visible_nominations(g.api_user), args)

    def fetch(after, n):
        q = query
        if after is not None:
            q = q.where(
                tuple_(Nomination.created_at, Nomination.id)
                < tuple_(literal(datetime.fromisoformat(after[0]), Nomination.created_at.type), after[1])
            )
        return list(db.session.scalars(q.order_by(Nomination.created_at.desc(), Nomination.id.desc()).limit(n)))

    rows, cursor = page(args, _filters_of(args), fetch, lambda n: [n.created_at.isoformat(), n.id])
    return {"items": [serialize.nomination(n, g.api_user) for n in rows], "next_cursor": cursor}


@bp.post("/nominations")
def create_nomination():
    nomination = service.create(actor(), parsed_body())
    commit()
    return serialize.nomination(nomination, g.api_user), 201


@bp.get("/nominations/<int:nomination_id>")
def get_nomination(nomination_id: int):
    return serialize.nomination(service.get(g.api_user, nomination_id), g.api_user)


@bp.patch("/nominations/<int:nomination_id>")
def patch_nomination(nomination_id: int):
    nomination = service.update(actor(), nomination_id, parsed_body())
    commit()
    return serialize.nomination(nomination, g.api_user)


@bp.post("/nominations/<int:nomination_id>/actions/<trigger>")
def fire(nomination_id: int, trigger: str):
    nomination = engine.fire(actor(), nomination_id, trigger, parsed_body())
    commit()
    return serialize.nomination(nomination, g.api_user)


@bp.post("/nominations/actions/<trigger>")
def fire_many(trigger: str):
    body = parsed_body()
    if trigger not in engine.TRIGGERS:
        engine.check_bulk(body)
        engine.check_request({"version": 0}, trigger)
    outcomes = engine.fire_many(actor(), trigger, body)
    commit()
    return {
        "results": [
            {"id": o.id, "ok": True, "nomination": serialize.nomination(o.nomination, g.api_user)}
            if o.error is None
            else {"id": o.id, "ok": False, "error": o.error.as_dict()}
            for o in outcomes
        ]
    }


@bp.get("/tasks")
def tasks():
    args = query_args({"state", "campaign_id"})
    query = _filtered(permissions.task_nominations(g.api_user), args)
    due = func.coalesce(Nomination.stage_due_on, FAR_FUTURE)
    entered = func.coalesce(Nomination.stage_entered_at, Nomination.created_at)

    def fetch(after, n):
        q = query
        if after is not None:
            q = q.where(
                tuple_(due, entered, Nomination.id)
                > tuple_(
                    literal(date.fromisoformat(after[0])),
                    literal(datetime.fromisoformat(after[1]), Nomination.created_at.type),
                    after[2],
                )
            )
        return list(db.session.scalars(q.order_by(due, entered, Nomination.id).limit(n)))

    def key_of(n):
        return [
            (n.stage_due_on or FAR_FUTURE).isoformat(),
            (n.stage_entered_at or n.created_at).isoformat(),
            n.id,
        ]

    rows, cursor = page(args, _filters_of(args), fetch, key_of)
    return {"items": [serialize.nomination(n, g.api_user) for n in rows], "next_cursor": cursor}


@bp.get("/nominations/<int:nomination_id>/audit")
def nomination_audit(nomination_id: int):
    """Everyone who may see the nomination sees its history; only auditors and admins see
    addresses, user agents and hashes, and events other than transitions and edits."""
    user = g.api_user
    nomination = service.get(user, nomination_id)
    full = user.has_role("auditor", "admin")
    query = select(AuditEvent).where(AuditEvent.nomination_id == nomination.id)
    if not full:
        query = query.where(AuditEvent.action.in_(HISTORY_ACTIONS))
    events = db.session.scalars(query.order_by(AuditEvent.id))
    return {"items": [serialize.audit_event(e, full=full) for e in events], "next_cursor": None}
