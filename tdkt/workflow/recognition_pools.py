"""Pools that open when their unit is recognised (DESIGN §4: the town-wide pool opens when the
town completes NTM). Recognising the unit opens them; withdrawing the recognition closes them
again unless dossiers hold slots in them, which keep the pool open.

Each campaign whose pool changed gets a new rule version: a first submit pins the latest one,
and a pool still closed in it would refuse the dossier.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..models import Nomination, Pool, Unit, db
from . import rule_versions
from .actor import Actor
from .machine import SLOT_STATES


def _held(pool: Pool) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Nomination).where(Nomination.pool_id == pool.id, Nomination.state.in_(SLOT_STATES))
    ) or 0


def follow_recognition(actor: Actor, unit: Unit) -> dict[str, Any]:
    """Open or close the unit's pools that follow its recognition; the audit details of what
    changed ({} when nothing did)."""
    pools = db.session.scalars(
        select(Pool).where(Pool.unit_id == unit.id, Pool.opens_on_recognition.is_(True)).order_by(Pool.id)
    ).all()
    opened, closed, kept_open = [], [], []
    for pool in pools:
        if unit.recognized and not pool.is_open:
            pool.is_open = True
            opened.append(pool)
        elif not unit.recognized and pool.is_open:
            held = _held(pool)
            if held:
                kept_open.append({"pool": pool.code, "campaign": pool.campaign.code, "held_slots": held})
            else:
                pool.is_open = False
                closed.append(pool)
    changed = opened + closed
    details: dict[str, Any] = {}
    if opened:
        details["pools_opened"] = [p.code for p in opened]
    if closed:
        details["pools_closed"] = [p.code for p in closed]
    if kept_open:
        details["pools_kept_open"] = kept_open
    if changed:
        campaigns = {p.campaign.id: p.campaign for p in changed}
        details["rule_versions"] = {c.code: rule_versions.record(c, actor).number for c in campaigns.values()}
    return details
