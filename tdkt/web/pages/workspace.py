"""Việc của tôi: what waits for one of my roles in my scope, oldest deadline first."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func

from ...models import Nomination, db
from ...workflow.machine import STATES
from ...workflow.permissions import task_nominations
from . import bp, me
from .listing import filter_nominations, list_filter, task_key, task_order
from .paging import paginate
from .queues import queues_for


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
    )
