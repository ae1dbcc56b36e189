"""The list filters every nomination list shares: state, campaign, name search."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func
from werkzeug.datastructures import MultiDict

from ...forms.base import options
from ...forms.nominations import ListFilter
from ...models import Nomination, User
from ...workflow.nominations import campaigns_for
from ...workflow.text import fold
from .paging import Key

MAX_TERMS = 8
FAR_FUTURE = date(9999, 12, 31)


def list_filter(user: User, args: MultiDict) -> tuple[ListFilter, dict]:
    """The filter form read from the query string, and the filters that passed its checks."""
    form = ListFilter(args)
    form.campaign_id.choices = options(
        [("", "Tất cả đợt thi đua"), *((c.id, c.name) for c in campaigns_for(user))]
    )
    form.validate()
    filters: dict = {}
    if form.state.data and not form.state.errors:
        filters["state"] = sorted(form.state.data)
    if form.campaign_id.data is not None and not form.campaign_id.errors:
        filters["campaign_id"] = form.campaign_id.data
    if form.q.data and form.q.data.strip():
        filters["q"] = form.q.data.strip()[:200]
    return form, filters


def filter_nominations(query: Select, filters: dict) -> Select:
    if "state" in filters:
        query = query.where(Nomination.state.in_(filters["state"]))
    if "campaign_id" in filters:
        query = query.where(Nomination.campaign_id == filters["campaign_id"])
    # The same accent- and case-folded match as the API's q (search_text is folded on save).
    for term in fold(filters.get("q", "")).split()[:MAX_TERMS]:
        query = query.where(Nomination.search_text.contains(term, autoescape=True))
    return query


def task_order() -> list[Key]:
    """Work order, as the API's tasks: nearest deadline, then longest waiting."""
    return [
        Key(func.coalesce(Nomination.stage_due_on, FAR_FUTURE), "date"),
        Key(func.coalesce(Nomination.stage_entered_at, Nomination.created_at), "datetime"),
        Key(Nomination.id, "int"),
    ]


def task_key(n: Nomination) -> list:
    return [n.stage_due_on or FAR_FUTURE, n.stage_entered_at or n.created_at, n.id]
