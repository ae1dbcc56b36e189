"""Building nominations for tests: through the real engine, step by step."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from tdkt.models import Campaign, Nomination, Pool, User, db
from tdkt.workflow import engine, nominations
from tdkt.workflow.actor import Actor
from tdkt.workflow.clock import local_today

DEMO_CAMPAIGN = "VC-NTM-2021"

# The demo path: who fires which trigger, with which fields, to reach each state.
PATH = {
    "submitted": [("xa.vinhhiep", "submit", {})],
    "in_appraisal": [("vpdp", "start_appraisal", {})],
    "council_review": [("vpdp", "pass_appraisal", {"comment": "Đủ điều kiện"})],
    "awaiting_signature": [
        (
            "noivu",
            "submit_for_signature",
            {
                "council_meeting_on": None,  # filled with yesterday at run time
                "council_minutes_number": "01/BB-HĐTĐKT",
                "council_members_total": 9,
                "council_members_present": 8,
                "votes_for": 8,
            },
        )
    ],
    "approved": [("chutich", "sign", {"decision_date": None})],
}
ORDER = ["draft", "submitted", "in_appraisal", "council_review", "awaiting_signature", "approved"]
SIDE = {
    "returned": ("in_appraisal", "vpdp", "return_for_revision", {"comment": "Bổ sung hồ sơ"}),
    "rejected": ("in_appraisal", "vpdp", "reject", {"comment": "Không đủ tiêu chuẩn"}),
    "withdrawn": ("draft", "xa.vinhhiep", "withdraw", {"comment": "Đơn vị rút"}),
    "revoked": ("approved", "chutich", "revoke", {"comment": "Sai thành tích", "decision_number": "09/QĐ-UBND", "decision_date": None}),
}


def user(username: str) -> User:
    return db.session.scalars(select(User).filter_by(username=username)).one()


def actor(username: str) -> Actor:
    return Actor(user(username), "127.0.0.1", "pytest")


def campaign(code: str = DEMO_CAMPAIGN) -> Campaign:
    return db.session.scalars(select(Campaign).filter_by(code=code)).one()


def open_now(found: Campaign, days_before: int, days_after: int) -> None:
    """Open a closed fixture campaign around today: its window and, for a campaign with rounds,
    its latest round's, which new nominations then join."""
    opens, closes = local_today() - timedelta(days=days_before), local_today() + timedelta(days=days_after)
    found.submission_opens_on, found.submission_closes_on = opens, closes
    if found.rounds:
        found.rounds[-1].submission_opens_on, found.rounds[-1].submission_closes_on = opens, closes


_serial = itertools.count(1)


def unlimited_pool(username: str) -> Pool:
    """A pool without limits or categories for the user's unit, so that tests about something
    other than quotas can create as many nominations as they need; the rules still run."""
    unit = user(username).unit
    code = f"TEST-{unit.code}"
    demo = campaign()
    pool = next((p for p in demo.pools if p.code == code), None)
    if pool is None:
        pool = Pool(code=code, name=f"Thử nghiệm {unit.name}", members=[unit])
        demo.pools.append(pool)
        db.session.flush()
    return pool


def draft(proposer: str = "xa.vinhhiep", **fields) -> Nomination:
    """A draft with a unique nominee (duplicates are refused at submit)."""
    serial = next(_serial)
    body = {
        "campaign_id": campaign().id,
        "pool_id": unlimited_pool(proposer).id,
        "nominee_kind": "individual",
        "category": "individual_citizen",
        "nominee_name": f"Nguyễn Văn An {serial}",
        "birth_year": 1950 + serial % 50,
        "achievement_summary": "Hiến 500 m² đất làm đường giao thông nông thôn.",
        "contribution_vnd": 60_000_000,
    } | fields
    return nominations.create(actor(proposer), body)


def _fill(fields: dict) -> dict:
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    return {k: (yesterday if v is None else v) for k, v in fields.items()}


def step(nomination: Nomination, username: str, trigger: str, fields: dict | None = None) -> Nomination:
    body = {"version": nomination.version} | _fill(fields or {})
    return engine.fire(actor(username), nomination.id, trigger, body)


def nomination_in(state: str, proposer: str = "xa.vinhhiep", **fields) -> Nomination:
    """A nomination of `proposer`'s unit brought to `state` through the engine."""
    if state in SIDE:
        before, username, trigger, extra = SIDE[state]
        nomination = nomination_in(before, proposer, **fields)
        return step(nomination, proposer if username == "xa.vinhhiep" else username, trigger, extra)
    nomination = draft(proposer, **fields)
    for target in ORDER[1 : ORDER.index(state) + 1]:
        for username, trigger, extra in PATH[target]:
            who = proposer if username == "xa.vinhhiep" else username
            nomination = step(nomination, who, trigger, extra)
    db.session.flush()
    return nomination
