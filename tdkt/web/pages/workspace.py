"""Việc của tôi: what waits for one of my roles in my scope, oldest deadline first."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func

from ...models import Campaign, Nomination, User, db
from ...workflow import quota
from ...workflow.clock import local_today
from ...workflow.machine import STATES
from ...workflow.nominations import campaigns_for
from ...workflow.permissions import can_create_in, task_nominations
from . import bp, me
from .listing import filter_nominations, list_filter, task_key, task_order
from .paging import paginate
from .queues import queues_for


def campaign_overview(user: User) -> list[tuple[Campaign, list[quota.QuotaRow] | None]]:
    """The user's campaigns, with a proposer's remaining slots in those open for submissions
    (None where there is nothing to show)."""
    proposer, today = can_create_in(user, user.unit), local_today()
    return [
        (c, quota.remaining_for_proposer(user, c) if proposer and c.is_open_on(today) else None)
        for c in campaigns_for(user)
    ]


@bp.get("/")
def index():
    user = me()
    tasks = task_nominations(user)
    counts = dict(
        db.session.execute(
            tasks.with_only_columns(Nomination.state, func.count()).group_by(Nomination.state)
        ).all()
    )
    form, filters = list_filter(user, request.args)
    page = paginate(filter_nominations(tasks, filters), task_order(), task_key, filters)
    return render_template(
        "workspace/index.html",
        counts=[(s, counts[s]) for s in STATES if counts.get(s)],
        total=sum(counts.values()),
        page=page,
        form=form,
        filters=filters,
        queues=queues_for(user),
        campaigns=campaign_overview(user),
    )
