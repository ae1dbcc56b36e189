"""One campaign: its plan, window, stage limits and the quota dashboard of the pools the user
may read (a proposer its own unit's, the office every pool in its scope), scoped like
GET /api/v1/campaigns/{id}/quota."""

from __future__ import annotations

from flask import render_template

from ...models import Campaign, db
from ...workflow import quota
from ...workflow.errors import not_found
from ...workflow.nominations import campaigns_for
from . import bp, me


def _chart(rows: list[quota.QuotaRow]) -> list[dict]:
    """Per pool, the numbers the bar chart draws; the table shows the same rows."""
    pools: dict[int, dict] = {}
    for r in rows:
        chart = pools.setdefault(r.pool.id, {"pool_id": r.pool.id, "labels": [], "used": [], "limit": []})
        chart["labels"].append(r.label)
        chart["used"].append(r.used)
        chart["limit"].append(r.limit)
    return list(pools.values())


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    user = me()
    found = db.session.get(Campaign, campaign_id)
    if found is None or found not in campaigns_for(user):
        raise not_found("Đợt thi đua")
    rows = quota.usage(quota.readable_pools(user, found))
    by_pool: dict[int, list[quota.QuotaRow]] = {}
    for r in rows:
        by_pool.setdefault(r.pool.id, []).append(r)
    return render_template(
        "campaigns/show.html",
        c=found,
        pools=[(group[0].pool, group) for group in by_pool.values()],
        chart=_chart(rows),
    )
