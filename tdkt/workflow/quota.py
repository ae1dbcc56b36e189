"""Quota use per pool: what GET /api/v1/campaigns/{id}/quota, the campaign page, the proposer's
home page and the nomination form read. The refusal itself is rules.check at submit, which locks
the pool row; these numbers only inform and may be stale a moment later.

In a campaign with rounds the limits hold per round (rules._quota), so these pages count the
slots of one round: the edited nomination's own, else the round a new nomination joins today.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from ..models import Campaign, CampaignRound, Nomination, Pool, PoolCategory, Unit, User, db
from .clock import local_today
from .machine import SLOT_STATES
from .nominations import pools_for
from .permissions import OFFICE_READERS, visible_units

KIND_WORDS = {"collective": "tập thể", "individual": "cá nhân"}


@dataclass(frozen=True)
class QuotaRow:
    """One line of a pool's quota: a category, or the pool's total for a nominee kind."""

    pool: Pool
    category: str  # a category code, or the kind ("collective", "individual") for a total
    label: str
    nominee_kind: str
    is_total: bool
    used: int
    limit: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    @property
    def slot_words(self) -> str:
        """'suất tập thể', "suất 'Tập thể ấp, khóm'": the words of rules' quota message."""
        return f"suất {KIND_WORDS[self.category]}" if self.is_total else f"suất '{self.label}'"


def readable_pools(user: User, campaign: Campaign) -> list[Pool]:
    """A proposer reads the pools its unit may use; office roles, auditors and admins every
    pool of a unit in their scope, and the shared ones."""
    if user.roles() & OFFICE_READERS:
        units = set(db.session.scalars(visible_units(user).with_only_columns(Unit.id)))
        return [p for p in campaign.pools if p.unit_id is None or p.unit_id in units]
    return [p for p in campaign.pools if p.admits(user.unit)]


def counted_round(campaign: Campaign, editing: Nomination | None = None) -> CampaignRound | None:
    """The round whose slots are counted: the edited nomination's, else today's default."""
    if editing is not None and editing.round is not None:
        return editing.round
    return campaign.round_on(local_today())


def usage(pools: list[Pool], excluding: Nomination | None = None) -> list[QuotaRow]:
    """Per pool (all of one campaign), in order: a row per category, then the collective and
    individual totals. A slot is held from submit to the decision; `excluding` leaves one
    nomination out, as the rules do for the nomination being checked."""
    if not pools:
        return []
    query = (
        select(Nomination.pool_id, Nomination.category, Nomination.nominee_kind, func.count())
        .where(Nomination.pool_id.in_([p.id for p in pools]), Nomination.state.in_(SLOT_STATES))
        .group_by(Nomination.pool_id, Nomination.category, Nomination.nominee_kind)
    )
    counted = counted_round(pools[0].campaign, excluding)
    if counted is not None:
        query = query.where(Nomination.round_id == counted.id)
    if excluding is not None and excluding.id is not None:
        query = query.where(Nomination.id != excluding.id)
    by_category: Counter = Counter()
    by_kind: Counter = Counter()
    for pool_id, category, kind, count in db.session.execute(query):
        by_category[pool_id, category] += count
        by_kind[pool_id, kind] += count
    rows = []
    for pool in pools:
        for c in pool.categories:
            used = by_category[pool.id, c.code]
            rows.append(QuotaRow(pool, c.code, c.name, c.nominee_kind, False, used, c.limit))
        for kind, word in KIND_WORDS.items():
            used, limit = by_kind[pool.id, kind], pool.limit_for(kind)
            rows.append(QuotaRow(pool, kind, f"Tổng {word}", kind, True, used, limit))
    return rows


def still_possible(rows: list[QuotaRow], pool: Pool, category: str, nominee_kind: str) -> bool:
    """Whether one more nomination of this category and kind fits the pool's limits."""
    return not any(
        r.full
        for r in rows
        if r.pool.id == pool.id and r.category == (nominee_kind if r.is_total else category)
    )


def open_pools(user: User, campaign: Campaign) -> list[Pool]:
    """The pools the user's unit may file a nomination under now (a closed pool waits for the
    unit's recognition)."""
    return [p for p in pools_for(campaign, user) if p.is_open]


def remaining_for_proposer(user: User, campaign: Campaign) -> list[QuotaRow]:
    """The limited rows of the open pools the user's unit may use: "Còn 1/2 suất tập thể"."""
    return [r for r in usage(open_pools(user, campaign)) if r.limit is not None]


def fitting(pools: list[Pool], editing: Nomination | None = None) -> list[tuple[Pool, list[PoolCategory]]]:
    """The pools and, in each, the categories one more nomination still fits. The nomination
    being edited is not counted against itself and keeps its own pool and category, so that
    saving it never silently moves it."""
    rows = usage(pools, excluding=editing)
    choices = []
    for pool in pools:
        own = editing is not None and editing.pool_id == pool.id
        fits = [
            c
            for c in pool.categories
            if (own and c.code == editing.category) or still_possible(rows, pool, c.code, c.nominee_kind)
        ]
        if not pool.categories:
            room = any(still_possible(rows, pool, kind, kind) for kind in KIND_WORDS)
        else:
            room = bool(fits)
        if own or room:
            choices.append((pool, fits))
    return choices
