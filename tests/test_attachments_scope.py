"""Every attachment route (API and pages) × every demo user × dossiers of their own unit and of
another commune, in a state that takes files and in one that does not.

What each user should get is derived here from the demo users' role assignments and the unit
tree, not from tdkt.workflow.permissions: out of scope is 404 (reads and writes alike), in
scope reads are 200, writes are 403 for anyone but the unit's proposers, 409 once submitted.
Each write runs in a savepoint rolled back afterwards, so every case meets the same world.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from test_pages_support import Browser

from tdkt import demo
from tdkt.models import AwardForm, Unit, db
from tdkt.models.attachments import Attachment

import factories
from attachments_support import API, pdf, upload
from factories import step
from matrix_support import DRAFT_READERS, assert_error

USERS = [username for username, *_ in demo.USERS]
ROLES = {username: roles for username, _, _, roles in demo.USERS}
EDITABLE = ("draft", "returned")
# Vĩnh Hiệp in each kind of state for files (draft: hidden from the offices), Lai Hòa as
# "another commune" in a state every office sees and its own proposer may still change.
DOSSIERS = (
    ("xa.vinhhiep", "draft"),
    ("xa.vinhhiep", "returned"),
    ("xa.vinhhiep", "submitted"),
    ("xa.laihoa", "returned"),
)


@dataclass
class World:
    parents: dict[str, str | None]
    # nomination id -> (unit code, state, the id of its one file)
    dossiers: dict[int, tuple[str, str, int]] = field(default_factory=dict)

    def covers(self, scope: str, unit: str | None) -> bool:
        while unit is not None:
            if unit == scope:
                return True
            unit = self.parents[unit]
        return False

    def sees(self, username: str, nomination_id: int) -> bool:
        unit, state, _ = self.dossiers[nomination_id]
        return any(
            self.covers(scope, unit) and (state != "draft" or role in DRAFT_READERS)
            for role, scope, _ in ROLES[username]
        )

    def write_status(self, username: str, nomination_id: int, ok: int) -> int:
        unit, state, _ = self.dossiers[nomination_id]
        if not self.sees(username, nomination_id):
            return 404
        if not any(r == "proposer" and self.covers(s, unit) for r, s, _ in ROLES[username]):
            return 403
        return ok if state in EDITABLE else 409


@contextmanager
def rolled_back():
    """The app fixture keeps one connection in the engine's slot; a savepoint on it undoes
    whatever the request committed. The session must not hold a savepoint opened before this
    one: releasing it would take ours with it."""
    db.session.remove()
    savepoint = db.engine.begin_nested()
    try:
        yield
    finally:
        db.session.remove()
        savepoint.rollback()


def file_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment).where(Attachment.removed_at.is_(None)))


def build_world(api) -> World:
    world = World(parents={u.code: u.parent.code if u.parent else None for u in db.session.scalars(select(Unit))})
    for proposer, state in DOSSIERS:
        n = factories.draft(proposer)
        db.session.commit()
        created = upload(api(proposer), n.id, pdf(f"{proposer} {state}"), "bao-cao.pdf")
        assert created.status_code == 201, created.get_json()
        if state != "draft":
            n = nomination_in_state(n, proposer, state)
        db.session.commit()
        world.dossiers[n.id] = (n.unit.code, state, created.get_json()["id"])
    return world


def nomination_in_state(n, proposer: str, state: str):
    n = step(n, proposer, "submit")
    if state == "returned":
        n = step(n, "vpdp", "start_appraisal")
        n = step(n, "vpdp", "return_for_revision", {"comment": "Bổ sung giấy tờ"})
    return n


def check_reads(world: World, api, browser: Browser, username: str) -> list[str]:
    wrong = []
    for nomination_id, (_, _, attachment_id) in world.dossiers.items():
        expected = 200 if world.sees(username, nomination_id) else 404
        base = f"/nominations/{nomination_id}/attachments"
        for label, response in (
            ("API list", api(username).get(f"{API}{base}")),
            ("API file", api(username).get(f"{API}{base}/{attachment_id}")),
            ("API zip", api(username).get(f"{API}{base}.zip")),
            ("page file", browser.client.get(f"{base}/{attachment_id}")),
            ("page zip", browser.client.get(f"{base}.zip")),
        ):
            if response.status_code != expected:
                wrong.append(f"{label} {base}: {response.status_code}, expected {expected}")
            elif expected == 404 and label.startswith("API"):
                assert_error(response, 404, "not_found")
            if response.status_code == 200 and label.endswith("file"):
                assert response.data.startswith(b"%PDF-") and response.headers["X-Content-Type-Options"] == "nosniff"
    return wrong


WRITES = {"API upload": 201, "API delete": 204, "page upload": 302, "page remove": 302}


def write(label: str, api_user, browser: Browser, nomination_id: int, attachment_id: int):
    base = f"/nominations/{nomination_id}/attachments"
    if label == "API upload":
        return upload(api_user, nomination_id, pdf("mới"), "moi.pdf")
    if label == "API delete":
        return api_user.delete(f"{API}{base}/{attachment_id}")
    if label == "page upload":
        new_file = [("kind", "khac"), ("file", (io.BytesIO(pdf("mới")), "moi.pdf"))]
        return browser.post(base, new_file, content_type="multipart/form-data").response
    return browser.post(f"{base}/{attachment_id}/remove", {}).response


def check_writes(world: World, api, browser: Browser, username: str) -> list[str]:
    wrong = []
    for nomination_id, (_, _, attachment_id) in world.dossiers.items():
        for label, ok in WRITES.items():
            expected = world.write_status(username, nomination_id, ok)
            with rolled_back():
                before = file_count()
                status = write(label, api(username), browser, nomination_id, attachment_id).status_code
                changed = file_count() != before
            if status != expected:
                wrong.append(f"{label} on {nomination_id}: {status}, expected {expected}")
            if status >= 400 and changed:
                wrong.append(f"{label} on {nomination_id}: refused with {status} but the files changed")
    return wrong


@pytest.mark.slow
def test_attachment_routes_are_scoped(app, api):
    """One world, every user; every failure is reported, not just the first."""
    world = build_world(api)
    wrong = []
    for username in USERS:
        browser = Browser(app, username)
        found = check_reads(world, api, browser, username) + check_writes(world, api, browser, username)
        wrong += [f"{username}: {line}" for line in found]
    assert not wrong, "\n".join(wrong)


def test_the_checklist_page_is_for_admins_of_the_campaign(app):
    forms = {f.code: f.id for f in db.session.scalars(select(AwardForm))}
    for username in USERS:
        browser = Browser(app, username)
        for code, form_id in forms.items():
            page = browser.get(f"/admin/award-forms/{form_id}/attachments")
            if "admin" not in {r for r, _, _ in ROLES[username]}:
                expected = 403
            else:
                # The Sóc Trăng admin takes part in the Vĩnh Châu campaign, not in Hà Nam's.
                expected = 200 if code == "GK-CT-VC" else 404
            assert page.status == expected, (username, code, page.status)
