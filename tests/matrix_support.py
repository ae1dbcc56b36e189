"""Helpers shared by the matrix, bad-input and list tests: the demo cast, error bodies,
snapshots of what a refusal must leave alone, page walking, and the scope matrix's world."""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from tdkt import demo
from tdkt.models import (
    AuditEvent,
    CouncilMeeting,
    CouncilVote,
    Decision,
    Nomination,
    Submission,
    Unit,
    db,
)
from tdkt.workflow import attachments, engine
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import jobs, service

from attachments_support import pdf
from factories import actor, nomination_in, step

API = "/api/v1"

# One demo user per role, as in API.md's table; vpdp is the assignee factories give to every
# nomination that has been in appraisal, vpdp2 an appraiser of the same office who is not.
CAST = {
    "xa.vinhhiep": "proposer",
    "vpdp": "appraiser",
    "vpdp2": "appraiser",
    "noivu": "council_secretary",
    "chutich": "signer",
    "kiemtra": "auditor",
    "admin": "admin",
}
ASSIGNEE = "vpdp"
# DESIGN §2: a draft is visible only to the proposers of its unit, auditors and admins.
DRAFT_READERS = frozenset({"proposer", "auditor", "admin"})


def assert_error(response, status: int, code: str) -> dict:
    """The contract's error body, whatever the status; returns its details."""
    body = response.get_json(silent=True)
    assert response.status_code == status, (response.status_code, body)
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["details"], dict), error
    return error["details"]


def history_count(nomination_id: int) -> int:
    """The nomination's trail, without `denied` events: DESIGN §8 audits refusals, which
    is a record of the refusal, not a change of the nomination."""
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.nomination_id == nomination_id, AuditEvent.action != "denied")
    )


@dataclass(frozen=True)
class Snapshot:
    row: tuple
    events: int


def snapshot(nomination_id: int) -> Snapshot:
    """Everything a refused call must leave alone, read from the database, not the session."""
    columns = [c for c in Nomination.__table__.columns]
    row = db.session.execute(
        select(*columns).where(Nomination.id == nomination_id)
    ).one()
    return Snapshot(tuple(row), history_count(nomination_id))


def call(client, method: str, url: str, **kwargs):
    """One request, then the session dropped as at the end of a real request: the test's
    session outlives requests, and what a refused call left unflushed (or a failed statement
    left aborted) must not leak into the next one."""
    response = getattr(client, method.lower())(url, **kwargs)
    db.session.remove()
    return response


def write_counts() -> dict[str, int]:
    """Rows a write may create; a refusal must leave every count as it was. Audit events of
    logins, tokens and refusals are records of the call itself, not of a change."""
    counts = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Nomination, Decision, CouncilMeeting, CouncilVote, Submission)
    }
    counts["history"] = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action.in_(("create", "edit", "transition")))
    )
    counts["versions"] = db.session.scalar(select(func.coalesce(func.sum(Nomination.version), 0)))
    return counts


def walk(client, url: str, **params) -> list[dict]:
    """Every item of every page of `url`, following next_cursor; no item on two pages."""
    items, cursor = [], None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        response = call(client, "GET", url, query_string=query)
        assert response.status_code == 200, (url, query, response.get_json())
        body = response.get_json()
        assert set(body) == {"items", "next_cursor"}, body.keys()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            ids = [item["id"] for item in items]
            assert len(ids) == len(set(ids)), f"an item appears on two pages: {ids}"
            return items
        assert len(items) < 1000, "pagination does not end"


def docx_text(data: bytes) -> str:
    """The words of a .docx, tags stripped, runs joined, folded for case-free comparison."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )
    return html.unescape(re.sub(r"<[^>]+>", "", xml)).casefold()


# -- the scope matrix's world -------------------------------------------------------------------

USERS = [username for username, *_ in demo.USERS]
ROLES = {username: roles for username, _, _, roles in demo.USERS}
OFFICE_READERS = frozenset({"appraiser", "council_secretary", "signer", "auditor", "admin"})
NOMINEES = {"xa.vinhhiep": "Hồ Văn Hiệp", "xa.laihoa": "Lâm Thị Hòa"}


@dataclass
class World:
    # id -> (unit code, state)
    nominations: dict[int, tuple[str, str]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    # decision / meeting id -> the nominations it covers
    decisions: dict[int, list[int]] = field(default_factory=dict)
    meetings: dict[int, list[int]] = field(default_factory=dict)
    # unit code -> its parent's code
    parents: dict[str, str | None] = field(default_factory=dict)
    # the two approved together, on one meeting and one decision
    shared: list[int] = field(default_factory=list)
    # a finished document job of chutich's
    job_id: int = 0
    # draft id -> the current file in its dossier
    attachments: dict[int, int] = field(default_factory=dict)

    def covers(self, scope: str, unit: str | None) -> bool:
        while unit is not None:
            if unit == scope:
                return True
            unit = self.parents[unit]
        return False

    def sees(self, username: str, unit: str, state: str) -> bool:
        return any(
            self.covers(scope, unit) and (state != "draft" or role in DRAFT_READERS)
            for role, scope, _ in ROLES[username]
        )

    def visible(self, username: str) -> set[int]:
        return {i for i, (unit, state) in self.nominations.items() if self.sees(username, unit, state)}

    def proposer_of(self, username: str, nomination_id: int) -> bool:
        unit = self.nominations[nomination_id][0]
        return any(r == "proposer" and self.covers(s, unit) for r, s, _ in ROLES[username])

    def unseen_names(self, username: str) -> list[str]:
        return [self.names[i].casefold() for i in set(self.nominations) - self.visible(username)]


def attach(proposer: str, nomination_id: int) -> int:
    """One PDF added to the dossier by its proposer, through the workflow; its id."""
    upload = attachments.Upload(kind="khac", filename="minh-chung.pdf", stream=io.BytesIO(pdf()))
    attachment = attachments.add(actor(proposer), nomination_id, lambda: upload)
    db.session.commit()
    return attachment.id


def build_world() -> World:
    """Xã Vĩnh Hiệp and Xã Lai Hòa each with a draft, a submitted and an approved nomination,
    the two approved together (one meeting, one decision); Lai Hòa has one more approved on
    its own meeting and decision. Committed, as the API would have left it."""
    world = World(parents={u.code: u.parent.code if u.parent else None for u in db.session.scalars(select(Unit))})
    today = local_today()
    made = {}
    for proposer, name in NOMINEES.items():
        for serial, state in enumerate(("draft", "submitted", "awaiting_signature"), start=1):
            made[proposer, state] = nomination_in(state, proposer, nominee_name=f"{name} {serial}")
    shared = [made["xa.vinhhiep", "awaiting_signature"], made["xa.laihoa", "awaiting_signature"]]
    outcomes = engine.fire_many(
        actor("chutich"),
        "sign",
        {"items": [{"id": n.id, "version": n.version} for n in shared], "decision_date": today.isoformat()},
    )
    assert all(o.error is None for o in outcomes)
    own = nomination_in("council_review", "xa.laihoa", nominee_name=f"{NOMINEES['xa.laihoa']} 4")
    step(own, "noivu", "submit_for_signature", {
        "council_meeting_on": (today - timedelta(days=2)).isoformat(),
        "council_minutes_number": "07/BB-HĐTĐKT",
        "council_members_total": 9,
        "council_members_present": 9,
        "votes_for": 9,
    })
    step(own, "chutich", "sign", {"decision_date": today.isoformat()})
    db.session.commit()
    for n in [*made.values(), own]:
        world.nominations[n.id] = (n.unit.code, n.state)
        world.names[n.id] = n.nominee_name
        if n.decision_id:
            world.decisions.setdefault(n.decision_id, []).append(n.id)
        if n.council_meeting_id:
            world.meetings.setdefault(n.council_meeting_id, []).append(n.id)
    assert len(world.decisions) == len(world.meetings) == 2
    world.shared = [n.id for n in shared]
    for proposer in NOMINEES:
        draft = made[proposer, "draft"]
        world.attachments[draft.id] = attach(proposer, draft.id)
    job = jobs.create(actor("chutich"), shared[0].decision_id, "giay_khen", service.Options())
    db.session.commit()
    jobs.run(job.id)
    world.job_id = job.id
    return world
