"""JSON shapes of the contract (API.md)."""

from __future__ import annotations

from datetime import date, datetime

from ...models import (
    AuditEvent,
    Campaign,
    CampaignRound,
    CouncilMeeting,
    Decision,
    Nomination,
    Pool,
    RoleAssignment,
    Unit,
    User,
)
from ...workflow import deadlines, decision_basis, permissions
from ...workflow.clock import local_today, to_local
from ...workflow.machine import STATE_LABELS


def instant(value: datetime | None) -> str | None:
    return to_local(value).isoformat() if value else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def unit_ref(unit: Unit | None) -> dict | None:
    return {"id": unit.id, "code": unit.code, "name": unit.name} if unit else None


def user_ref(user: User | None) -> dict | None:
    return {"id": user.id, "username": user.username, "full_name": user.full_name} if user else None


def role(assignment: RoleAssignment) -> dict:
    return {
        "role": assignment.role,
        "scope_unit": unit_ref(assignment.scope_unit),
        "capacity": assignment.capacity if assignment.role == "signer" else None,
    }


def me(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "unit": unit_ref(user.unit),
        "roles": [role(a) for a in user.assignments],
    }


def unit(u: Unit) -> dict:
    recognition = (
        {
            "decision_number": u.recognition_decision_number,
            "decision_date": day(u.recognition_decision_date),
        }
        if u.recognized and u.recognition_decision_number
        else None
    )
    return {
        "id": u.id,
        "code": u.code,
        "name": u.name,
        "kind": u.kind,
        "parent_id": u.parent_id,
        "recognized": u.recognized,
        "recognition": recognition,
    }


def pool(p: Pool) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "unit_id": p.unit_id,
        "open": p.is_open,
        # Opened when the pool's unit is recognised (the town-completion pool).
        "opens_on_recognition": p.opens_on_recognition,
        "categories": [
            {"code": c.code, "name": c.name, "nominee_kind": c.nominee_kind, "limit": c.limit}
            for c in p.categories
        ],
        "limits": {"collective": p.limit_collective, "individual": p.limit_individual},
    }


def campaign(c: Campaign) -> dict:
    return {
        "id": c.id,
        "code": c.code,
        "name": c.name,
        "plan_number": c.plan_number,
        "plan_date": day(c.plan_date),
        "period_starts_on": day(c.period_starts_on),
        "period_ends_on": day(c.period_ends_on),
        "award_forms": [{"id": f.id, "code": f.code, "name": f.name} for f in c.award_forms],
        "open": c.is_open_on(local_today()),
        "submission_opens_on": day(c.submission_opens_on),
        "submission_closes_on": day(c.submission_closes_on),
        "pools": [pool(p) for p in c.pools],
        "rounds": [campaign_round(r) for r in c.rounds],
    }


def campaign_round(r: CampaignRound) -> dict:
    return {
        "id": r.id,
        "code": r.code,
        "name": r.name,
        "submission_opens_on": day(r.submission_opens_on),
        "submission_closes_on": day(r.submission_closes_on),
        "open": r.is_open_on(local_today()),
    }


def decision_ref(d: Decision | None) -> dict | None:
    return {"id": d.id, "number": d.number, "reference": d.reference, "date": day(d.date)} if d else None


def nomination(n: Nomination, viewer: User) -> dict:
    return {
        "id": n.id,
        "code": n.code,
        "campaign_id": n.campaign_id,
        "round_id": n.round_id,
        "round": {"id": n.round.id, "code": n.round.code, "name": n.round.name} if n.round else None,
        "award_form_id": n.award_form_id,
        "pool_id": n.pool_id,
        "unit": unit_ref(n.unit),
        "nominee_kind": n.nominee_kind,
        "nominee_type": n.nominee_type,
        "category": n.category,
        "nominee_name": n.nominee_name,
        "gender": n.gender,
        "birth_year": n.birth_year,
        "position": n.position,
        "address": n.address,
        "id_number": n.id_number,
        "tax_code": n.tax_code,
        "achievement_summary": n.achievement_summary,
        "contribution_vnd": n.contribution_vnd,
        "state": n.state,
        "state_label": STATE_LABELS[n.state],
        "version": n.version,
        "level": n.level,
        "holder_role": n.holder_role,
        "assignee": user_ref(n.assignee),
        "stage_entered_at": instant(n.stage_entered_at),
        "stage_due_on": day(n.stage_due_on),
        **_due(n),
        "submission": (
            {"id": n.submission.id, "number": n.submission.number, "date": day(n.submission.date)}
            if n.submission
            else None
        ),
        "council_meeting_id": n.council_meeting_id,
        "decision": decision_ref(n.decision),
        "revocation": (
            {"decision_number": n.revocation_number, "decision_date": day(n.revocation_date)}
            if n.revocation_number
            else None
        ),
        "created_at": instant(n.created_at),
        "updated_at": instant(n.updated_at),
        "allowed_actions": permissions.allowed_actions(viewer, n),
        "can_edit": permissions.can_edit(viewer, n),
    }


def _due(n: Nomination) -> dict:
    found = deadlines.status(n)
    return {
        "due_status": found.code if found else None,
        "due_label": found.label if found else None,
        "timeliness": n.timeliness,
    }


def decision(d: Decision) -> dict:
    return {
        "id": d.id,
        "number": d.number,
        "reference": d.reference,
        "date": day(d.date),
        "issuer": unit_ref(d.issuer_unit),
        "signer": user_ref(d.signer),
        "capacity": d.capacity,
        "recorded_by": user_ref(d.recorded_by),
        "campaign_id": d.campaign_id,
        "nomination_ids": [n.id for n in d.nominations],
        # The texts cited and their validity, as recorded at signing.
        "legal_bases": [
            {
                "code": row.legal_basis.code,
                "citation": row.citation,
                "valid_from": day(row.valid_from),
                "valid_until": day(row.valid_until),
            }
            for row in decision_basis.recorded(d.id)
        ],
    }


def meeting(m: CouncilMeeting) -> dict:
    return {
        "id": m.id,
        "campaign_id": m.campaign_id,
        "council_unit": unit_ref(m.council_unit),
        "level": m.level,
        "date": day(m.date),
        "minutes_number": m.minutes_number,
        "members_total": m.members_total,
        "members_present": m.members_present,
        "votes": [{"nomination_id": v.nomination_id, "votes_for": v.votes_for} for v in m.votes],
    }


PRIVATE_AUDIT_FIELDS = ("ip", "user_agent", "prev_hash", "hash")


def audit_event(e: AuditEvent, *, full: bool) -> dict:
    data = {
        "id": e.id,
        "at": instant(e.at),
        "actor": user_ref(e.actor),
        "role": e.role,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "nomination_id": e.nomination_id,
        "unit_id": e.unit_id,
        "trigger": e.trigger,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "comment": e.comment,
        "changes": e.changes or {},
        "details": e.details or {},
        "ip": e.ip,
        "user_agent": e.user_agent,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }
    if not full:
        for key in PRIVATE_AUDIT_FIELDS:
            data.pop(key)
    return data
