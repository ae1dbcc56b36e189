"""Every page × every demo user × nominations of their own unit, of another commune and of
another province: out of scope is a 404 page, and no page ever shows what the user may not see.

The world: Xã Vĩnh Hiệp and Xã Lai Hòa (one district) and Xã Nhân Thịnh of Hà Nam (another
province, with its own office users) each have a draft, a submitted and an approved
nomination; the approved nominations of the two communes share one council meeting, one of
them also a decision. What each user should see is derived here from the demo users' role
assignments and the unit tree, not from tdkt.workflow.permissions.

The cases are keyed by the GET rules of app.url_map in the pages blueprint: a new page without
a case fails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select
from test_pages_support import Browser, Page

from tdkt import demo
from tdkt.models import Campaign, CouncilVote, Nomination, Pool, RoleAssignment, Unit, User, db
from tdkt.models.attachments import Attachment
from tdkt.models.documents import LegalBasis
from tdkt.workflow import attachments, engine, nominations
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import jobs as document_jobs
from tdkt.workflow.documents import preview
from tdkt.workflow.documents import service as document_service

from attachments_support import pdf
from factories import actor, campaign, nomination_in, open_now, step
from matrix_support import DRAFT_READERS, snapshot

USERS = [username for username, *_ in demo.USERS]
ROLES = {username: roles for username, _, _, roles in demo.USERS}
HN_USERS = [
    ("hn.xa", "HN-LN-NT", "proposer"),
    ("hn.vp", "HN-LN", "appraiser"),
    ("hn.nv", "HN-LN", "council_secretary"),
    ("hn.ct", "HN-LN", "signer"),
]
# Who works each queue (DESIGN §2): the secretary also records paper signatures.
QUEUE_ROLES = {
    "submit": {"proposer"},
    "appraisal": {"appraiser"},
    "council": {"council_secretary"},
    "signature": {"signer", "council_secretary"},
}
OFFICE_READERS = frozenset({"appraiser", "council_secretary", "signer", "auditor", "admin"})
STATES = ("draft", "submitted", "approved")


@dataclass
class World:
    parents: dict[str, str | None]
    # id -> (unit code, state, nominee name)
    nominations: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    decisions: dict[int, list[int]] = field(default_factory=dict)
    meetings: dict[int, tuple[str, list[int]]] = field(default_factory=dict)  # council unit, votes
    campaigns: dict[int, str] = field(default_factory=dict)  # id -> owner unit code
    award_forms: dict[int, list[str]] = field(default_factory=dict)  # id -> its campaigns' owners
    attachments: dict[int, int] = field(default_factory=dict)  # id -> nomination id
    # Accounts and units for the admin pages: some in every admin's scope, some outside it.
    users: dict[int, str] = field(default_factory=dict)  # id -> unit code
    units: dict[int, str] = field(default_factory=dict)  # id -> code
    legal_bases: list[int] = field(default_factory=list)
    document_jobs: dict[int, str] = field(default_factory=dict)  # id -> requester's username

    def covers(self, scope: str, unit: str | None) -> bool:
        while unit is not None:
            if unit == scope:
                return True
            unit = self.parents[unit]
        return False

    def has(self, username: str, roles, unit: str) -> bool:
        return any(r in roles and self.covers(s, unit) for r, s, _ in ROLES[username])

    def sees(self, username: str, nomination_id: int) -> bool:
        unit, state, _ = self.nominations[nomination_id]
        readers = DRAFT_READERS if state == "draft" else {r for r, _, _ in ROLES[username]}
        return self.has(username, readers, unit)

    def hidden(self, username: str) -> list[int]:
        return [i for i in self.nominations if not self.sees(username, i)]

    def of(self, unit: str, state: str) -> int:
        return next(i for i, (u, s, _) in self.nominations.items() if (u, s) == (unit, state))

    def roles(self, username: str) -> set[str]:
        return {r for r, _, _ in ROLES[username]}


def _hanam() -> None:
    """Hà Nam's people, and its campaign opened for the test (the demo keeps it closed)."""
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.like("HN%")))}
    for username, unit, role in HN_USERS:
        db.session.add(User(
            username=username, full_name=username, email=f"{username}@hn.invalid", unit=units[unit],
            password_hash="!", assignments=[RoleAssignment(role=role, scope_unit=units[unit],
                                                           capacity="chairman" if role == "signer" else None)],
        ))
    hanam = campaign("HN-NTM-2021-2025")
    open_now(hanam, 1, 30)
    hanam.pools.append(Pool(code="TEST-HN", name="Thử nghiệm Hà Nam", members=[units["HN-LN-NT"]]))
    db.session.flush()


def _hanam_nomination(state: str, name: str) -> Nomination:
    hanam = campaign("HN-NTM-2021-2025")
    district_form = next(f for f in hanam.award_forms if f.code == "GK-HN-LN")
    n = nominations.create(actor("hn.xa"), {
        "campaign_id": hanam.id, "award_form_id": district_form.id, "pool_id": hanam.pools[-1].id, "nominee_kind": "individual",
        "category": "individual", "nominee_name": name, "birth_year": 1961,
        "achievement_summary": "Hiến đất làm đường.", "contribution_vnd": 80_000_000,
    })
    if state != "approved":
        _attach("hn.xa", n)
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    path = [
        ("hn.xa", "submit", {}),
        ("hn.vp", "start_appraisal", {}),
        ("hn.vp", "pass_appraisal", {"comment": "Đạt"}),
        ("hn.nv", "submit_for_signature", {
            "council_meeting_on": yesterday, "council_minutes_number": "02/BB-HĐ",
            "council_members_total": 7, "council_members_present": 7, "votes_for": 7,
        }),
        ("hn.ct", "sign", {"decision_date": local_today().isoformat()}),
    ]
    for username, trigger, fields in path[: {"draft": 0, "submitted": 1, "approved": 5}[state]]:
        n = step(n, username, trigger, fields)
    return n


def _attach(proposer: str, n: Nomination) -> None:
    """One file in the dossier, added while the proposer may still edit it."""
    attachments.add(actor(proposer), n.id, lambda: attachments.Upload(
        kind="bao_cao_thanh_tich", filename="bao-cao.pdf", stream=io.BytesIO(pdf()),
    ))


def build_world() -> World:
    world = World(parents={u.code: u.parent.code if u.parent else None for u in db.session.scalars(select(Unit))})
    _hanam()
    made = []
    for proposer in ("xa.vinhhiep", "xa.laihoa"):
        for state in ("draft", "submitted"):
            n = nomination_in("draft", proposer, nominee_name=f"Đối tượng {proposer} {state}")
            _attach(proposer, n)
            made.append(n if state == "draft" else step(n, proposer, "submit"))
    # The two communes' approved nominations are signed together: one meeting, one decision.
    waiting = [
        nomination_in("awaiting_signature", p, nominee_name=f"Đối tượng {p} approved")
        for p in ("xa.vinhhiep", "xa.laihoa")
    ]
    outcomes = engine.fire_many(actor("chutich"), "sign", {
        "items": [{"id": n.id, "version": n.version} for n in waiting],
        "decision_date": local_today().isoformat(),
    })
    assert all(o.error is None for o in outcomes)
    made += waiting
    made += [_hanam_nomination(state, f"Đối tượng Hà Nam {state}") for state in STATES]
    db.session.commit()
    for n in made:
        world.nominations[n.id] = (n.unit.code, n.state, n.nominee_name)
        if n.decision_id:
            world.decisions.setdefault(n.decision_id, []).append(n.id)
        if n.council_meeting_id:
            votes = db.session.scalars(select(CouncilVote.nomination_id).filter_by(meeting_id=n.council_meeting_id))
            world.meetings[n.council_meeting_id] = (n.council_meeting.council_unit.code, list(votes))
    world.campaigns = {c.id: c.owner_unit.code for c in db.session.scalars(select(Campaign))}
    for c in db.session.scalars(select(Campaign)):
        for form in c.award_forms:
            world.award_forms.setdefault(form.id, []).append(c.owner_unit.code)
    world.attachments = {
        a.id: a.nomination_id
        for a in db.session.scalars(select(Attachment).where(Attachment.nomination_id.in_(world.nominations)))
    }
    sample_users = select(User).where(User.username.in_(["xa.vinhhiep", "xa.laihoa", "admin", "hn.xa"]))
    world.users = {u.id: u.unit.code for u in db.session.scalars(sample_users)}
    sample_units = select(Unit).where(Unit.code.in_(["ST", "VC", "VC-VHIEP", "VC-VHIEP-A1", "HN", "HN-LN-NT"]))
    world.units = {u.id: u.code for u in db.session.scalars(sample_units)}
    world.legal_bases = list(db.session.scalars(select(LegalBasis.id).limit(2)))
    # The chairman's background job making the two communes' certificates.
    communes = next(d for d, ids in world.decisions.items() if len(ids) == 2)
    job = document_jobs.create(actor("chutich"), communes, "giay_khen", document_service.Options())
    db.session.commit()
    document_jobs.run(job.id)
    world.document_jobs = {job.id: "chutich"}
    assert len(world.decisions) == 2 and len(world.meetings) == 2 and len(world.attachments) == 6
    return world


# --- what each page should answer ---------------------------------------------------------

Check = Callable[[World, str], list[tuple[str, int]]]  # -> [(url, expected status)]
CASES: dict[str, Check] = {}


def case(rule: str):
    def register(fn: Check) -> Check:
        CASES[rule] = fn
        return fn

    return register


def everyone(status: int) -> Check:
    return lambda world, username: [(None, status)]


def admins_only(world: World, username: str) -> int:
    return 200 if "admin" in world.roles(username) else 403


for rule in ("/", "/password", "/profile", "/nominations", "/decisions", "/council-meetings"):
    CASES[rule] = everyone(200)
CASES["/login"] = everyone(302)  # a logged-in user is sent on to "Việc của tôi"
for rule in ("/admin/users", "/admin/users/new", "/admin/units", "/admin/units/new", "/admin/campaigns", "/admin/campaigns/new",
             "/admin/calendar", "/outbox"):
    CASES[rule] = lambda world, username: [(None, admins_only(world, username))]


def readers_only(world: World, username: str) -> int:
    return 200 if world.roles(username) & {"auditor", "admin"} else 403


for rule in ("/audit", "/audit/export.csv", "/audit/verify", "/audit/check-file"):
    CASES[rule] = lambda world, username: [(None, readers_only(world, username))]


@case("/audit/nominations/<int:nomination_id>")
def _audit_timeline(world, username):
    def status(i: int) -> int:
        if readers_only(world, username) == 403:
            return 403
        return 200 if world.sees(username, i) else 404

    return [(f"/audit/nominations/{i}", status(i)) for i in world.nominations]


@case("/nominations/<int:nomination_id>/attachments.zip")
def _zip(world, username):
    return [
        (f"/nominations/{i}/attachments.zip", 200 if world.sees(username, i) else 404)
        for i in world.nominations
    ]


@case("/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
def _attachment(world, username):
    return [
        (f"/nominations/{i}/attachments/{a}", 200 if world.sees(username, i) else 404)
        for a, i in world.attachments.items()
    ]


for rule in ("/admin/award-forms", "/admin/legal-bases", "/admin/legal-bases/new"):
    CASES[rule] = lambda world, username: [(None, admins_only(world, username))]


@case("/admin/legal-bases/<int:legal_basis_id>")
def _legal_basis(world, username):
    """The legal basis is shared by every admin."""
    return [(f"/admin/legal-bases/{i}", admins_only(world, username)) for i in world.legal_bases]


CASES["/admin/base-salaries"] = lambda world, username: [(None, admins_only(world, username))]


@case("/admin/award-forms/<int:award_form_id>/rewards")
def _reward_coefficients(world, username):
    """The top-level admin keeps every award form's coefficients (the only admin here is one)."""
    return [(f"/admin/award-forms/{form_id}/rewards", admins_only(world, username)) for form_id in world.award_forms]


@case("/admin/award-forms/<int:award_form_id>")
def _award_form(world, username):
    return [(url.removesuffix("/attachments"), status) for url, status in _checklist(world, username)]


@case("/admin/award-forms/<int:award_form_id>/attachments")
def _checklist(world, username):
    """An admin edits the papers of the award forms of campaigns it takes part in."""
    checks = []
    for form_id, owners in world.award_forms.items():
        if "admin" not in world.roles(username):
            status = 403
        else:
            related = any(
                r == "admin" and (world.covers(s, owner) or world.covers(owner, s))
                for r, s, _ in ROLES[username]
                for owner in owners
            )
            status = 200 if related else 404
        checks.append((f"/admin/award-forms/{form_id}/attachments", status))
    return checks


@case("/nominations/new")
def _new(world, username):
    return [(None, 200 if "proposer" in world.roles(username) else 403)]


@case("/nominations/<int:nomination_id>")
def _detail(world, username):
    return [(f"/nominations/{i}", 200 if world.sees(username, i) else 404) for i in world.nominations]


@case("/nominations/<int:nomination_id>/edit")
def _edit(world, username):
    checks = []
    for i, (unit, state, _) in world.nominations.items():
        if not world.sees(username, i):
            status = 404
        elif not world.has(username, {"proposer"}, unit):
            status = 403
        else:
            status = 200 if state == "draft" else 409
        checks.append((f"/nominations/{i}/edit", status))
    return checks


@case("/nominations/<int:nomination_id>/attestations")
def _attestations(world, username):
    """As the edit form: the unit's proposers, while the dossier is theirs to change."""
    return [(url.replace("/edit", "/attestations"), status) for url, status in _edit(world, username)]


# (state, trigger, the role that may fire it there); the office of every level here is the
# commune's district or town, which the office roles' scope always covers when it covers the unit.
ACTIONS = [("draft", "submit", "proposer"), ("submitted", "start_appraisal", "appraiser"), ("approved", "revoke", "signer")]


@case("/nominations/<int:nomination_id>/actions/<trigger>")
def _action(world, username):
    checks = []
    for i, (unit, state, _) in world.nominations.items():
        for wanted_state, trigger, role in ACTIONS:
            if state != wanted_state:
                continue
            if not world.sees(username, i):
                status = 404
            else:
                status = 200 if world.has(username, {role}, unit) else 403
            checks.append((f"/nominations/{i}/actions/{trigger}", status))
    return checks


@case("/queues/<name>")
def _queues(world, username):
    checks = [
        (f"/queues/{name}", 200 if roles & world.roles(username) else 403)
        for name, roles in QUEUE_ROLES.items()
    ]
    return checks + [("/queues/khong-co", 404)]


@case("/decisions/<int:decision_id>")
def _decision(world, username):
    return [
        (f"/decisions/{d}", 200 if any(world.sees(username, i) for i in ids) else 404)
        for d, ids in world.decisions.items()
    ]


@case("/council-meetings/<int:meeting_id>")
def _meeting(world, username):
    checks = []
    for m, (council, ids) in world.meetings.items():
        readable = any(world.sees(username, i) for i in ids) or world.has(username, OFFICE_READERS, council)
        checks.append((f"/council-meetings/{m}", 200 if readable else 404))
    return checks


def _admin_object(world: World, username: str, unit: str) -> int:
    if "admin" not in world.roles(username):
        return 403
    return 200 if world.has(username, {"admin"}, unit) else 404


@case("/admin/users/<int:user_id>")
def _admin_user(world, username):
    return [(f"/admin/users/{i}", _admin_object(world, username, unit)) for i, unit in world.users.items()]


@case("/admin/units/<int:unit_id>")
def _admin_unit(world, username):
    return [(f"/admin/units/{i}", _admin_object(world, username, code)) for i, code in world.units.items()]


@case("/admin/campaigns/<int:campaign_id>")
def _admin_campaign(world, username):
    checks = []
    for i, owner in world.campaigns.items():
        if "admin" not in world.roles(username):
            status = 403
        else:
            related = any(
                r == "admin" and (world.covers(s, owner) or world.covers(owner, s)) for r, s, _ in ROLES[username]
            )
            status = 200 if related else 404
        checks.append((f"/admin/campaigns/{i}", status))
    return checks


@case("/admin/campaigns/<int:campaign_id>/rounds")
def _admin_campaign_rounds(world, username):
    return [(f"{url}/rounds", status) for url, status in _admin_campaign(world, username)]


@case("/admin/campaigns/<int:campaign_id>/award-forms/new")
def _admin_campaign_award_form_new(world, username):
    return [(f"{url}/award-forms/new", status) for url, status in _admin_campaign(world, username)]


@case("/admin/campaigns/<int:campaign_id>/rounds/<int:round_id>")
def _admin_campaign_round(world, username):
    """Hà Nam's rounds, through their campaign (as the campaign page) and through another (404)."""
    hanam = campaign("HN-NTM-2021-2025")
    checks = []
    for url, status in _admin_campaign(world, username):
        campaign_id = int(url.rsplit("/", 1)[1])
        for r in hanam.rounds:
            expected = status if campaign_id == hanam.id or status == 403 else 404
            checks.append((f"{url}/rounds/{r.id}", expected))
    return checks


@case("/campaigns/<int:campaign_id>")
def _campaign(world, username):
    """Everyone reads the campaigns its scope takes part in (as GET /api/v1/campaigns)."""
    checks = []
    for i, owner in world.campaigns.items():
        related = any(world.covers(s, owner) or world.covers(owner, s) for _, s, _ in ROLES[username])
        checks.append((f"/campaigns/{i}", 200 if related else 404))
    return checks


# --- documents: the pages' downloads and previews are scoped like the API's ------------------
# The demo records signers for Vĩnh Châu's bodies only: Hà Nam's documents are refused (409)
# once the scope check has let them through.
DRAWN = 200 if preview.available() else 501


def _made(unit: str, drawn: bool = False) -> int:
    if not unit.startswith("VC"):
        return 409
    return DRAWN if drawn else 200


def _nomination_documents(world: World, username: str, suffix: str, drawn: bool):
    checks = []
    for i, (unit, _, _) in world.nominations.items():
        status = _made(unit, drawn) if world.sees(username, i) else 404
        # Drawing a preview is a LibreOffice run of seconds: the matrix draws the decisions'
        # (below) and checks the other previews' refusals; test_documents_pages draws one.
        if not (drawn and status == DRAWN):
            checks.append((f"/nominations/{i}/documents/bao_cao_thanh_tich{suffix}", status))
    return checks


@case("/nominations/<int:target_id>/documents/<kind>")
def _nomination_document(world, username):
    return _nomination_documents(world, username, "", False)


@case("/nominations/<int:target_id>/documents/<kind>/preview.png")
def _nomination_preview(world, username):
    return _nomination_documents(world, username, "/preview.png", True)


def _meeting_documents(world: World, username: str, suffix: str, drawn: bool):
    """The minutes are the council's office readers'; a unit seeing the meeting through its
    own nomination is refused (403)."""
    checks = []
    for m, (council, ids) in world.meetings.items():
        if world.has(username, OFFICE_READERS, council):
            status = _made(council, drawn)
        else:
            status = 403 if any(world.sees(username, i) for i in ids) else 404
        if not (drawn and status == DRAWN):  # as for the nominations' previews
            checks.append((f"/council-meetings/{m}/documents/bien_ban{suffix}", status))
    return checks


@case("/council-meetings/<int:target_id>/documents/<kind>")
def _meeting_document(world, username):
    return _meeting_documents(world, username, "", False)


@case("/council-meetings/<int:target_id>/documents/<kind>/preview.png")
def _meeting_preview(world, username):
    return _meeting_documents(world, username, "/preview.png", True)


def _decision_documents(world: World, username: str, suffix: str, drawn: bool):
    """A decision is readable by every unit it awards."""
    checks = []
    for d, ids in world.decisions.items():
        unit = world.nominations[ids[0]][0]
        status = _made(unit, drawn) if any(world.sees(username, i) for i in ids) else 404
        checks.append((f"/decisions/{d}/documents/quyet_dinh{suffix}", status))
    return checks


@case("/decisions/<int:target_id>/documents/<kind>")
def _decision_document(world, username):
    return _decision_documents(world, username, "", False)


@case("/decisions/<int:target_id>/documents/<kind>/preview.png")
def _decision_preview(world, username):
    return _decision_documents(world, username, "/preview.png", True)


def _related_campaign(world: World, username: str, owner: str) -> bool:
    return any(world.covers(s, owner) or world.covers(owner, s) for _, s, _ in ROLES[username])


@case("/campaigns/<int:campaign_id>/documents")
def _campaign_documents(world, username):
    return [
        (f"/campaigns/{i}/documents", 200 if _related_campaign(world, username, owner) else 404)
        for i, owner in world.campaigns.items()
    ]


@case("/campaigns/<int:campaign_id>/public-notice")
def _campaign_public_notice(world, username):
    """The council secretary's page: out of scope 404, for anyone else 403."""
    checks = []
    for i, owner in world.campaigns.items():
        if not _related_campaign(world, username, owner):
            status = 404
        elif "council_secretary" not in world.roles(username):
            status = 403
        else:
            status = 200
        checks.append((f"/campaigns/{i}/public-notice", status))
    return checks


def _campaign_lists(world: World, username: str, suffix: str):
    """The office's list: out of scope 404, for a unit 403."""
    checks = []
    for i, owner in world.campaigns.items():
        if not _related_campaign(world, username, owner):
            status = 404
        elif not world.roles(username) & OFFICE_READERS:
            status = 403
        else:
            continue
        checks.append((f"/campaigns/{i}/documents/danh_sach{suffix}?issuer=office", status))
    return checks


@case("/campaigns/<int:target_id>/documents/<kind>")
def _campaign_document(world, username):
    return _campaign_lists(world, username, "")


@case("/campaigns/<int:target_id>/documents/<kind>/preview.png")
def _campaign_preview(world, username):
    return _campaign_lists(world, username, "/preview.png")


@case("/documents/jobs/<int:job_id>")
def _document_job(world, username):
    """A background job is its requester's alone."""
    return [(f"/documents/jobs/{j}", 200 if owner == username else 404) for j, owner in world.document_jobs.items()]


@case("/documents/jobs/<int:job_id>/file")
def _document_job_file(world, username):
    return [(f"/documents/jobs/{j}/file", 200 if owner == username else 404) for j, owner in world.document_jobs.items()]


def _admins_at(url: str) -> Check:
    return lambda world, username: [(url, admins_only(world, username))]


# Templates are the same for every unit: any admin reads and replaces them.
CASES["/admin/document-templates"] = _admins_at("/admin/document-templates")
CASES["/admin/document-templates/<kind>"] = _admins_at("/admin/document-templates/giay_khen")
CASES["/admin/document-templates/<kind>/<int:version>"] = _admins_at("/admin/document-templates/giay_khen/1")
CASES["/admin/document-issuers"] = _admins_at("/admin/document-issuers")


@case("/admin/document-issuers/<int:unit_id>/<role>")
def _admin_document_issuer(world, username):
    return [
        (f"/admin/document-issuers/{i}/{role}", _admin_object(world, username, code))
        for i, code in world.units.items()
        for role in ("unit", "council")
    ]


@case("/admin/certificate-layouts/<int:unit_id>")
def _admin_certificate_layout(world, username):
    return [(f"/admin/certificate-layouts/{i}", _admin_object(world, username, code)) for i, code in world.units.items()]


def page_rules(app) -> set[str]:
    return {
        r.rule for r in app.url_map.iter_rules()
        if r.endpoint.startswith("pages.") and "GET" in r.methods
    }


def test_every_page_has_a_scope_case(app):
    assert page_rules(app) == set(CASES)


def _assert_hides(page: Page, world: World, username: str, url: str) -> None:
    for i in world.hidden(username):
        name = world.nominations[i][2]
        assert name not in page.html, f"{username} sees {name!r} on {url}"
        assert f'data-nomination-id="{i}"' not in page.html, f"{username} sees nomination {i} on {url}"
        assert f'/nominations/{i}"' not in page.html, f"{username} gets a link to nomination {i} on {url}"


@pytest.mark.parametrize("username", USERS)
def test_pages_are_scoped(app, username):
    """One world per user (building it is the slow part), three questions asked of it."""
    world = build_world()
    browser = Browser(app, username)
    every_page_answers_as_expected(world, browser, username)
    lists_show_exactly_what_the_user_may_see(world, browser, username)
    out_of_scope_posts_change_nothing(world, browser, username)


def every_page_answers_as_expected(world: World, browser: Browser, username: str) -> None:
    wrong = []
    # A page without a case fails test_every_page_has_a_scope_case, once, not here per user.
    for rule in sorted(page_rules(browser.app) & set(CASES)):
        for url, expected in CASES[rule](world, username):
            url = url or rule
            page = browser.get(url)
            if page.status != expected:
                wrong.append(f"{url}: {page.status}, expected {expected}")
            if page.status == 200:
                _assert_hides(page, world, username, url)
            elif page.status == 404:
                assert page.find(id="error", **{"data-status": "404"}), url
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


def lists_show_exactly_what_the_user_may_see(world: World, browser: Browser, username: str) -> None:
    listed = {int(r["data-nomination-id"]) for r in browser.get("/nominations?limit=200").rows("nominations")}
    assert listed == {i for i in world.nominations if world.sees(username, i)}
    for term in ("doi tuong", "Hà Nam", "vinhhiep", "laihoa"):
        found = {int(r["data-nomination-id"]) for r in browser.get(f"/nominations?q={term}&limit=200").rows("nominations")}
        assert found <= listed
    decisions = browser.get("/decisions")
    shown = {int(e["attrs"]["data-decision-id"]) for e in decisions.find() if "data-decision-id" in e["attrs"]}
    assert shown == {d for d, ids in world.decisions.items() if any(world.sees(username, i) for i in ids)}
    for d in shown:
        awarded = {int(r["data-nomination-id"]) for r in browser.get(f"/decisions/{d}").rows("awarded")}
        assert awarded == {i for i in world.decisions[d] if world.sees(username, i)}


def out_of_scope_posts_change_nothing(world: World, browser: Browser, username: str) -> None:
    for i in world.hidden(username):
        before = snapshot(i)
        for url, data in (
            (f"/nominations/{i}/edit", {"version": "1", "nominee_name": "Đổi tên"}),
            (f"/nominations/{i}/actions/withdraw", {"version": "1", "comment": "Rút"}),
            (f"/nominations/{i}/actions/start_appraisal", {"version": "2"}),
        ):
            assert browser.post(url, data).status == 404, (username, url)
        assert snapshot(i) == before


def test_anonymous_visitors_see_no_page(client, app):
    for rule in page_rules(app):
        url = re.sub(r"<int:\w+>", "1", rule).replace("<trigger>", "submit").replace("<name>", "submit")
        response = client.get(url)
        if rule == "/login":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
