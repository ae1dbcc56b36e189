"""Decisions and council meetings: lists and one record, scoped like the API's."""

from __future__ import annotations

from flask import render_template, request

from ...models import CouncilMeeting, Decision, Nomination, User, db
from ...workflow import decision_basis
from ...workflow.errors import not_found
from ...workflow.nominations import campaigns_for
from ...workflow.permissions import visible_decisions, visible_meetings, visible_nominations
from . import bp, me
from .paging import Key, paginate


def _campaign_filter(user: User) -> tuple[list, int | None]:
    campaigns = campaigns_for(user)
    raw = request.args.get("campaign_id", "")
    chosen = next((c.id for c in campaigns if str(c.id) == raw), None)
    return campaigns, chosen


@bp.get("/decisions")
def decisions():
    user = me()
    campaigns, campaign_id = _campaign_filter(user)
    query = visible_decisions(user)
    if campaign_id is not None:
        query = query.where(Decision.campaign_id == campaign_id)
    filters = {"campaign_id": campaign_id} if campaign_id else {}
    page = paginate(query, [Key(Decision.id, "int")], lambda d: [d.id], filters, descending=True)
    return render_template("records/decisions.html", page=page, campaigns=campaigns, campaign_id=campaign_id)


@bp.get("/decisions/<int:decision_id>")
def decision(decision_id: int):
    user = me()
    found = db.session.scalars(visible_decisions(user).where(Decision.id == decision_id)).first()
    if found is None:
        raise not_found("Quyết định")
    # A decision may award other units' nominations too: list only those this user may see.
    awarded = db.session.scalars(
        visible_nominations(user).where(Nomination.decision_id == found.id).order_by(Nomination.id)
    ).all()
    return render_template(
        "records/decision.html", d=found, awarded=awarded, legal_bases=decision_basis.recorded(found.id)
    )


@bp.get("/council-meetings")
def council_meetings():
    user = me()
    campaigns, campaign_id = _campaign_filter(user)
    query = visible_meetings(user)
    if campaign_id is not None:
        query = query.where(CouncilMeeting.campaign_id == campaign_id)
    filters = {"campaign_id": campaign_id} if campaign_id else {}
    page = paginate(query, [Key(CouncilMeeting.id, "int")], lambda m: [m.id], filters, descending=True)
    return render_template("records/meetings.html", page=page, campaigns=campaigns, campaign_id=campaign_id)


@bp.get("/council-meetings/<int:meeting_id>")
def council_meeting(meeting_id: int):
    user = me()
    found = db.session.scalars(visible_meetings(user).where(CouncilMeeting.id == meeting_id)).first()
    if found is None:
        raise not_found("Phiên họp Hội đồng")
    visible = {
        n.id: n
        for n in db.session.scalars(
            visible_nominations(user).where(
                Nomination.id.in_([v.nomination_id for v in found.votes])
            )
        )
    }
    votes = [(v, visible[v.nomination_id]) for v in found.votes if v.nomination_id in visible]
    return render_template("records/meeting.html", m=found, votes=votes)
