"""Every API route × every demo user × own and other unit: out of scope is 404, never listed.

The world: nominations of Xã Vĩnh Hiệp and Xã Lai Hòa in draft, submitted and approved; the two
approved at once share one council meeting and one decision, and Lai Hòa has a second approved
nomination with a meeting and a decision of its own. What each user should see is derived here
from the demo users' role assignments and the unit tree, not from tdkt.workflow.permissions.

The cases are keyed by the routes of app.url_map: a new API route without a case fails.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from sqlalchemy import select

from tdkt import demo
from tdkt.models import Campaign, Nomination, Pool, Unit, db
from tdkt.models.documents import LegalBasis
from tdkt.workflow.machine import HOLDER_ROLE

from attachments_support import pdf
from factories import campaign
from matrix_support import (
    API,
    NOMINEES,
    OFFICE_READERS,
    ROLES,
    USERS,
    World,
    assert_error,
    attach,
    build_world,
    docx_text,
    snapshot,
    walk,
)


def pages(client, url: str, **params) -> list[dict]:
    """Every page, one item at a time unless told: an out-of-scope item cannot hide in a gap."""
    return walk(client, url, **({"limit": 1} | params))


Case = Callable[[World, object, str], None]
CASES: dict[tuple[str, str], Case] = {}


def case(method: str, rule: str):
    def register(fn: Case) -> Case:
        CASES[method, f"{API}{rule}"] = fn
        return fn

    return register


def _detail_expectation(world: World, username: str, nomination_id: int, response) -> None:
    unit, state = world.nominations[nomination_id]
    if world.sees(username, unit, state):
        assert response.status_code == 200, (username, unit, state, response.get_json())
    else:
        assert_error(response, 404, "not_found")


@case("GET", "/nominations/<int:nomination_id>")
def _nomination(world, api, username):
    for nid in world.nominations:
        response = api(username).get(f"{API}/nominations/{nid}")
        _detail_expectation(world, username, nid, response)
        if response.status_code == 200:
            assert response.get_json()["id"] == nid


@case("GET", "/nominations/<int:nomination_id>/audit")
def _nomination_audit(world, api, username):
    for nid in world.nominations:
        response = api(username).get(f"{API}/nominations/{nid}/audit")
        _detail_expectation(world, username, nid, response)
        if response.status_code == 200:
            items = response.get_json()["items"]
            assert items and {e["nomination_id"] for e in items} == {nid}


def _write_expectation(world, username, nid, response) -> None:
    """A stale version sent to a nomination: only scope and role may answer before it."""
    unit, state = world.nominations[nid]
    if not world.sees(username, unit, state):
        assert_error(response, 404, "not_found")
    elif world.proposer_of(username, nid):
        assert_error(response, 409, "version_conflict")
    else:
        assert_error(response, 403, "forbidden")


@case("PATCH", "/nominations/<int:nomination_id>")
def _patch(world, api, username):
    for nid in world.nominations:
        before = snapshot(nid)
        response = api(username).patch(
            f"{API}/nominations/{nid}", json={"version": 999, "position": "Trưởng ấp"}
        )
        _write_expectation(world, username, nid, response)
        assert snapshot(nid) == before


@case("POST", "/nominations/<int:nomination_id>/actions/<trigger>")
def _action(world, api, username):
    for nid in world.nominations:
        before = snapshot(nid)
        response = api(username).post(
            f"{API}/nominations/{nid}/actions/withdraw", json={"version": 999, "comment": "Rút"}
        )
        _write_expectation(world, username, nid, response)
        assert snapshot(nid) == before


@case("POST", "/nominations/actions/<trigger>")
def _bulk_action(world, api, username):
    ids = sorted(world.nominations)
    response = api(username).post(
        f"{API}/nominations/actions/withdraw",
        json={"items": [{"id": i, "version": 999} for i in ids], "comment": "Rút"},
    )
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == ids
    for nid, result in zip(ids, results, strict=True):
        assert result["ok"] is False and set(result) == {"id", "ok", "error"}
        unit, state = world.nominations[nid]
        if not world.sees(username, unit, state):
            expected = "not_found"
        elif world.proposer_of(username, nid):
            expected = "version_conflict"
        else:
            expected = "forbidden"
        assert result["error"]["code"] == expected, (username, nid, result)


def _check_listed(world: World, username: str, items: list[dict]) -> set[int]:
    for item in items:
        assert world.sees(username, item["unit"]["code"], item["state"]), (username, item["id"])
    return {item["id"] for item in items} & set(world.nominations)


@case("GET", "/nominations")
def _list(world, api, username):
    client = api(username)
    listed = _check_listed(world, username, pages(client, f"{API}/nominations"))
    assert listed == world.visible(username)
    whole = _check_listed(world, username, pages(client, f"{API}/nominations", limit=200))
    assert whole == listed
    other = {"xa.vinhhiep": ("VC-LHOA", "lam thi hoa"), "xa.laihoa": ("VC-VHIEP", "ho van hiep")}
    if username in other:
        code, q = other[username]
        unit_id = db.session.scalars(select(Unit.id).filter_by(code=code)).one()
        assert pages(client, f"{API}/nominations", unit_id=unit_id, q=q) == []
        assert pages(client, f"{API}/nominations", q=q) == []


@case("GET", "/tasks")
def _tasks(world, api, username):
    items = pages(api(username), f"{API}/tasks")
    listed = _check_listed(world, username, items)
    roles = {role for role, _, _ in ROLES[username]}
    expected = {
        nid
        for nid in world.visible(username)
        if HOLDER_ROLE.get(world.nominations[nid][1]) in roles
        and (HOLDER_ROLE[world.nominations[nid][1]] != "proposer" or world.proposer_of(username, nid))
    }
    assert listed == expected, username


def _visible_decisions(world, username) -> dict[int, set[int]]:
    visible = world.visible(username)
    return {d: set(ns) & visible for d, ns in world.decisions.items() if set(ns) & visible}


@case("GET", "/decisions")
def _decisions(world, api, username):
    expected = _visible_decisions(world, username)
    items = pages(api(username), f"{API}/decisions", campaign_id=campaign().id)
    listed = {d["id"]: set(d["nomination_ids"]) for d in items if d["id"] in world.decisions}
    assert listed == expected, username
    for d in items:
        assert set(d["nomination_ids"]) <= world.visible(username) | _foreign(world, d["nomination_ids"])


def _foreign(world, ids) -> set[int]:
    """Nominations outside this test's world (say, demo data) are not judged here."""
    return {i for i in ids if i not in world.nominations}


@case("GET", "/decisions/<int:decision_id>")
def _decision(world, api, username):
    expected = _visible_decisions(world, username)
    for did in world.decisions:
        response = api(username).get(f"{API}/decisions/{did}")
        if did in expected:
            assert response.status_code == 200, response.get_json()
            assert set(response.get_json()["nomination_ids"]) == expected[did], username
        else:
            assert_error(response, 404, "not_found")


def _visible_meetings(world, username) -> dict[int, set[int]]:
    visible = world.visible(username)
    office = any(role in OFFICE_READERS and world.covers(scope, "VC-PNV") for role, scope, _ in ROLES[username])
    return {
        m: set(ns) & visible for m, ns in world.meetings.items() if office or set(ns) & visible
    }


@case("GET", "/council-meetings")
def _meetings(world, api, username):
    expected = _visible_meetings(world, username)
    items = pages(api(username), f"{API}/council-meetings", campaign_id=campaign().id)
    listed = {
        m["id"]: {v["nomination_id"] for v in m["votes"]} for m in items if m["id"] in world.meetings
    }
    assert listed == expected, username


@case("GET", "/council-meetings/<int:meeting_id>")
def _meeting(world, api, username):
    expected = _visible_meetings(world, username)
    for mid in world.meetings:
        response = api(username).get(f"{API}/council-meetings/{mid}")
        if mid in expected:
            assert response.status_code == 200, response.get_json()
            votes = {v["nomination_id"] for v in response.get_json()["votes"]}
            assert votes == expected[mid], username
        else:
            assert_error(response, 404, "not_found")


@case("GET", "/units")
def _units(world, api, username):
    response = api(username).get(f"{API}/units")
    assert response.status_code == 200
    codes = [u["code"] for u in response.get_json()["items"]]
    expected = {
        code for code in world.parents if any(world.covers(s, code) for _, s, _ in ROLES[username])
    }
    assert len(codes) == len(set(codes)) and set(codes) == expected, username


def _campaign_ids() -> tuple[int, int]:
    other = db.session.scalars(select(Campaign.id).filter_by(code="HN-NTM-2021-2025")).one()
    return campaign().id, other


@case("GET", "/campaigns")
def _campaigns(world, api, username):
    own, other = _campaign_ids()
    response = api(username).get(f"{API}/campaigns")
    ids = {c["id"] for c in response.get_json()["items"]}
    assert own in ids and other not in ids


@case("GET", "/campaigns/<int:campaign_id>")
def _campaign(world, api, username):
    own, other = _campaign_ids()
    assert api(username).get(f"{API}/campaigns/{own}").status_code == 200
    assert_error(api(username).get(f"{API}/campaigns/{other}"), 404, "not_found")


@case("GET", "/campaigns/<int:campaign_id>/quota")
def _quota(world, api, username):
    own, other = _campaign_ids()
    client = api(username)
    assert_error(client.get(f"{API}/campaigns/{other}/quota"), 404, "not_found")
    response = client.get(f"{API}/campaigns/{own}/quota")
    assert response.status_code == 200
    pools = {item["pool_id"] for item in response.get_json()["items"]}
    roles = {role for role, _, _ in ROLES[username]}
    if roles & OFFICE_READERS:
        return
    unit = demo_unit(username)
    admitted = {
        p.id for p in db.session.scalars(select(Pool).filter_by(campaign_id=own))
        if p.unit_id == unit.id or unit in p.members
    }
    assert pools == admitted, username
    for p in db.session.scalars(select(Pool).filter_by(campaign_id=own)):
        if p.id not in admitted:
            filtered = client.get(f"{API}/campaigns/{own}/quota", query_string={"pool_id": p.id})
            assert filtered.get_json()["items"] == [], (username, p.code)


def demo_unit(username: str) -> Unit:
    code = next(unit for name, _, unit, _ in demo.USERS if name == username)
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


@case("GET", "/audit")
def _audit(world, api, username):
    roles = {role for role, _, _ in ROLES[username]}
    client = api(username)
    if not roles & {"auditor", "admin"}:
        assert_error(client.get(f"{API}/audit"), 403, "forbidden")
        return
    scopes = [s for r, s, _ in ROLES[username] if r in ("auditor", "admin")]
    unit_codes = {u.id: u.code for u in db.session.scalars(select(Unit))}
    events = pages(client, f"{API}/audit", limit=200)
    assert events
    for event in events:
        unit = unit_codes.get(event["unit_id"])
        assert (unit is None and "admin" in roles) or any(world.covers(s, unit) for s in scopes), event
    seen = {e["nomination_id"] for e in events} & set(world.nominations)
    assert seen == set(world.nominations)


@case("GET", "/audit/verify")
def _audit_verify(world, api, username):
    response = api(username).get(f"{API}/audit/verify")
    if {r for r, _, _ in ROLES[username]} & {"auditor", "admin"}:
        assert response.status_code == 200 and response.get_json()["ok"] is True
    else:
        assert_error(response, 403, "forbidden")


@case("GET", "/me")
def _me(world, api, username):
    body = api(username).get(f"{API}/me").get_json()
    assert body["username"] == username
    assert body["unit"]["code"] == demo_unit(username).code


@case("POST", "/auth/token")
def _issue_token(world, api, username):
    response = api(username).client.post(
        f"{API}/auth/token", json={"username": username, "password": "demo-2026!"}
    )
    assert response.status_code == 200 and response.get_json()["user"]["username"] == username


@case("DELETE", "/auth/token")
def _revoke_token(world, api, username):
    """A caller revokes its own token, never another user's."""
    client = api(username).client
    mine, others = (_token(client, name) for name in (username, "kiemtra" if username != "kiemtra" else "admin"))
    assert client.delete(f"{API}/auth/token", headers=mine).status_code == 204
    assert_error(client.get(f"{API}/me", headers=mine), 401, "unauthenticated")
    assert client.get(f"{API}/me", headers=others).status_code == 200


def _token(client, username: str) -> dict:
    response = client.post(f"{API}/auth/token", json={"username": username, "password": "demo-2026!"})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@case("GET", "/openapi.json")
def _openapi(world, api, username):
    assert api(username).client.get(f"{API}/openapi.json").status_code == 200


@case("POST", "/nominations")
def _create(world, api, username):
    client = api(username)
    body = {
        "campaign_id": campaign().id,
        "nominee_kind": "individual",
        "category": "individual_citizen",
        "nominee_name": f"Đối tượng của {username}",
    }
    other_unit = db.session.scalars(select(Unit.id).filter_by(code="VC-LHOA")).one()
    assert_error(client.post(f"{API}/nominations", json=body | {"unit_id": other_unit}), 400, "bad_request")
    response = client.post(f"{API}/nominations", json=body)
    if any(role == "proposer" for role, _, _ in ROLES[username]):
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["unit"]["code"] == demo_unit(username).code
    else:
        assert_error(response, 403, "forbidden")


@case("GET", "/outbox")
def _outbox(world, api, username):
    """Admins only, and only mail to recipients in their scope."""
    roles = {role for role, _, _ in ROLES[username]}
    client = api(username)
    if "admin" not in roles:
        assert_error(client.get(f"{API}/outbox"), 403, "forbidden")
        return
    scopes = [s for r, s, _ in ROLES[username] if r == "admin"]
    units = {f"{name}@demo.invalid": unit for name, _, unit, _ in demo.USERS}
    messages = pages(client, f"{API}/outbox", limit=200)
    assert messages, "the world's transitions wrote no mail"
    for message in messages:
        address = EMAIL.search(message["to"]).group(0)
        assert any(world.covers(s, units[address]) for s in scopes), message["to"]


EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")


@case("GET", "/calendar/add-working-days")
def _calendar(world, api, username):
    """The office calendar is the same for everyone signed in."""
    response = api(username).get(
        f"{API}/calendar/add-working-days", query_string={"start": "2026-04-29", "days": 1}
    )
    assert response.status_code == 200, response.get_json()
    # 30/4 and 1/5 are public holidays, then a weekend: the next working day is Monday 4/5.
    assert response.get_json() == {"date": "2026-05-04"}


# -- documents: the file of what is out of scope is 404, and no file names an unseen nominee ----


def _document(response, world: World, username: str, *names: str) -> str:
    assert response.status_code == 200, response.get_json(silent=True)
    assert response.mimetype.endswith("wordprocessingml.document")
    text = docx_text(response.data)
    for name in names:
        assert name.casefold() in text, (username, name)
    leaked = [n for n in world.unseen_names(username) if n in text]
    assert not leaked, (username, leaked)
    return text


@case("GET", "/nominations/<int:nomination_id>/documents/<kind>")
def _nomination_document(world, api, username):
    """bao_cao_thanh_tich of the drafts (the case scope decides differently for office roles),
    giay_khen of Vĩnh Hiệp's approved one (Lai Hòa's too for the communes: the other commune's
    case), and of a draft (409 where seen)."""
    drafts = [i for i, (_, state) in world.nominations.items() if state == "draft"]
    approved = world.shared if username in NOMINEES else world.shared[:1]
    asked = [(i, "bao_cao_thanh_tich") for i in drafts] + [(i, "giay_khen") for i in [*approved, drafts[0]]]
    for nid, kind in asked:
        unit, state = world.nominations[nid]
        response = api(username).get(f"{API}/nominations/{nid}/documents/{kind}")
        if not world.sees(username, unit, state):
            assert_error(response, 404, "not_found")
        elif kind == "giay_khen" and state != "approved":
            assert_error(response, 409, "not_approved")
        else:
            _document(response, world, username, world.names[nid])


@case("GET", "/campaigns/<int:campaign_id>/documents/<kind>")
def _campaign_document(world, api, username):
    """A unit's list: of a unit in scope, only the nominations the caller sees; the office's
    and council's lists are not the units' to read."""
    own, other = _campaign_ids()
    client = api(username)
    url = f"{API}/campaigns/{own}/documents/danh_sach"
    assert_error(client.get(f"{API}/campaigns/{other}/documents/danh_sach"), 404, "not_found")
    roles = {role for role, _, _ in ROLES[username]}
    # Every user asks for Xã Vĩnh Hiệp's list; the two communes' proposers for Lai Hòa's too.
    for code in ("VC-VHIEP", "VC-LHOA") if username in ("xa.vinhhiep", "xa.laihoa") else ("VC-VHIEP",):
        unit_id = db.session.scalars(select(Unit.id).filter_by(code=code)).one()
        response = client.get(url, query_string={"issuer": "unit", "unit_id": unit_id})
        listed = [i for i in world.visible(username) if world.nominations[i][0] == code]
        if not any(world.covers(scope, code) for _, scope, _ in ROLES[username]):
            assert_error(response, 404, "not_found")
        else:
            text = _document(response, world, username, *(world.names[i] for i in listed))
            others = [world.names[i] for i in world.nominations if world.nominations[i][0] != code]
            assert not [n for n in others if n.casefold() in text], (username, code)
    if not roles & OFFICE_READERS:
        assert_error(client.get(url, query_string={"issuer": "office"}), 403, "forbidden")


@case("GET", "/council-meetings/<int:meeting_id>/documents/<kind>")
def _meeting_document(world, api, username):
    """The minutes are the council's: office readers over the council read them; a unit that
    sees the meeting through its own nomination is refused (403); anyone else gets 404."""
    office = any(
        role in OFFICE_READERS and world.covers(scope, "VC-PNV") for role, scope, _ in ROLES[username]
    )
    for mid, covered in world.meetings.items():
        if office and set(covered) != set(world.shared):
            continue  # the office's minutes are read once, of the meeting two communes share
        response = api(username).get(f"{API}/council-meetings/{mid}/documents/bien_ban")
        if office:
            _document(response, world, username, *(world.names[i] for i in covered))
        elif set(covered) & world.visible(username):
            assert_error(response, 403, "forbidden")
        else:
            assert_error(response, 404, "not_found")


@case("GET", "/decisions/<int:decision_id>/documents/<kind>")
def _decision_document(world, api, username):
    """Every unit a decision awards reads it; the certificates printed are only its own
    (those of the decision two communes share), and Lai Hòa's own decision is Lai Hòa's."""
    expected = _visible_decisions(world, username)
    for did, covered in world.decisions.items():
        kind = "giay_khen" if set(covered) == set(world.shared) else "quyet_dinh"
        response = api(username).get(f"{API}/decisions/{did}/documents/{kind}")
        if did not in expected:
            assert_error(response, 404, "not_found")
        elif kind == "giay_khen":
            _document(response, world, username, *(world.names[i] for i in expected[did]))
        else:
            assert response.status_code == 200, response.get_json(silent=True)


@case("GET", "/jobs/<int:job_id>")
def _job(world, api, username):
    """A document job is its requester's alone."""
    response = api(username).get(f"{API}/jobs/{world.job_id}")
    if username == "chutich":
        assert response.status_code == 200 and response.get_json()["status"] == "finished"
    else:
        assert_error(response, 404, "not_found")


@case("GET", "/jobs/<int:job_id>/result")
def _job_result(world, api, username):
    response = api(username).get(f"{API}/jobs/{world.job_id}/result")
    if username == "chutich":
        _document(response, world, username)
    else:
        assert_error(response, 404, "not_found")


# -- attachments: a dossier's files go with its nomination's scope ------------------------------


def _attachment_expectation(world: World, username: str, nid: int, response, status: int = 200) -> bool:
    unit, state = world.nominations[nid]
    if not world.sees(username, unit, state):
        assert_error(response, 404, "not_found")
        return False
    assert response.status_code == status, (username, nid, response.get_json(silent=True))
    return True


@case("GET", "/nominations/<int:nomination_id>/attachments")
def _attachment_list(world, api, username):
    for nid in world.nominations:
        response = api(username).get(f"{API}/nominations/{nid}/attachments")
        if _attachment_expectation(world, username, nid, response):
            listed = [a["id"] for a in response.get_json()["items"]]
            assert listed == ([world.attachments[nid]] if nid in world.attachments else []), username


@case("GET", "/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
def _attachment_file(world, api, username):
    """A file through its own nomination only: another nomination's id is 404 even in scope."""
    for nid, aid in world.attachments.items():
        response = api(username).get(f"{API}/nominations/{nid}/attachments/{aid}")
        if _attachment_expectation(world, username, nid, response):
            assert response.data == pdf()
        for other in world.shared:
            assert_error(api(username).get(f"{API}/nominations/{other}/attachments/{aid}"), 404, "not_found")


@case("GET", "/nominations/<int:nomination_id>/attachments.zip")
def _attachment_zip(world, api, username):
    for nid in world.attachments:
        response = api(username).get(f"{API}/nominations/{nid}/attachments.zip")
        if _attachment_expectation(world, username, nid, response):
            with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
                assert pdf() in [archive.read(name) for name in archive.namelist()]


def _editor_expectation(world: World, username: str, nid: int, response, success: int) -> bool:
    """Scope, then the role (a proposer of the unit), then the state (draft or returned)."""
    unit, state = world.nominations[nid]
    if not world.sees(username, unit, state):
        assert_error(response, 404, "not_found")
    elif not world.proposer_of(username, nid):
        assert_error(response, 403, "forbidden")
    elif state not in ("draft", "returned"):
        assert_error(response, 409, "not_editable")
    else:
        assert response.status_code == success, (username, nid, response.get_json(silent=True))
        return True
    return False


@case("POST", "/nominations/<int:nomination_id>/attachments")
def _attachment_upload(world, api, username):
    for nid in world.nominations:
        response = api(username).post(
            f"{API}/nominations/{nid}/attachments",
            data={"kind": "khac", "file": (io.BytesIO(pdf("Ảnh minh chứng")), "anh.pdf")},
            content_type="multipart/form-data",
        )
        _editor_expectation(world, username, nid, response, 201)


@case("DELETE", "/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
def _attachment_remove(world, api, username):
    """The proposer's removal succeeds; the file is put back (a new one) for the next user."""
    for nid, aid in list(world.attachments.items()):
        response = api(username).delete(f"{API}/nominations/{nid}/attachments/{aid}")
        if _editor_expectation(world, username, nid, response, 204):
            world.attachments[nid] = attach(username, nid)


# -- campaign rules: admins of the campaign's tree; attestations go with the nomination ---------


def _is_admin(username: str) -> bool:
    return any(role == "admin" for role, _, _ in ROLES[username])


def _rule_campaigns() -> list[tuple[Campaign, bool]]:
    """(campaign, whether the demo admin takes part in it): Vĩnh Châu yes, Hà Nam no."""
    return [(campaign(), True), (campaign("HN-NTM-2021-2025"), False)]


def _admin_expectation(username: str, response, related: bool, success: int) -> None:
    if not _is_admin(username):
        assert_error(response, 403, "forbidden")
    elif not related:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == success, (username, response.get_json(silent=True))


@case("GET", "/campaigns/<int:campaign_id>/rules")
def _campaign_rules(world, api, username):
    for c, related in _rule_campaigns():
        _admin_expectation(username, api(username).get(f"{API}/campaigns/{c.id}/rules"), related, 200)


@case("POST", "/campaigns")
def _campaign_post(world, api, username):
    """An empty body: refused as incomplete for any admin (each launches in its own scope)."""
    response = api(username).post(f"{API}/campaigns", json={})
    if _is_admin(username):
        assert_error(response, 422, "validation_failed")
    else:
        assert_error(response, 403, "forbidden")


@case("PATCH", "/campaigns/<int:campaign_id>")
def _campaign_patch(world, api, username):
    for c, related in _rule_campaigns():
        _admin_expectation(username, api(username).patch(f"{API}/campaigns/{c.id}", json={}), related, 200)


@case("GET", "/campaigns/<int:campaign_id>/rounds")
def _rounds(world, api, username):
    for c, related in _rule_campaigns():
        _admin_expectation(username, api(username).get(f"{API}/campaigns/{c.id}/rounds"), related, 200)


@case("POST", "/campaigns/<int:campaign_id>/rounds")
def _round_post(world, api, username):
    """An empty body: refused as incomplete where the admin may add, before that 404 or 403."""
    for c, related in _rule_campaigns():
        response = api(username).post(f"{API}/campaigns/{c.id}/rounds", json={})
        if _is_admin(username) and related:
            assert_error(response, 422, "validation_failed")
        else:
            _admin_expectation(username, response, related, 422)


def _round_calls(method: str, api, username) -> None:
    """Hà Nam's rounds: not the demo admin's campaign; nor through Vĩnh Châu's, which has none."""
    hanam = campaign("HN-NTM-2021-2025")
    for c in (hanam, campaign()):
        response = api(username)._call(method, f"{API}/campaigns/{c.id}/rounds/{hanam.rounds[0].id}", json={})
        _admin_expectation(username, response, False, 200)


@case("PATCH", "/campaigns/<int:campaign_id>/rounds/<int:round_id>")
def _round_patch(world, api, username):
    _round_calls("PATCH", api, username)


@case("DELETE", "/campaigns/<int:campaign_id>/rounds/<int:round_id>")
def _round_delete(world, api, username):
    _round_calls("DELETE", api, username)


@case("POST", "/campaigns/<int:campaign_id>/pools")
def _pool_post(world, api, username):
    """An empty body: refused as incomplete where the admin may add, before that 404 or 403."""
    for c, related in _rule_campaigns():
        response = api(username).post(f"{API}/campaigns/{c.id}/pools", json={})
        if _is_admin(username) and related:
            assert_error(response, 422, "validation_failed")
        else:
            _admin_expectation(username, response, related, 422)


@case("POST", "/campaigns/<int:campaign_id>/award-forms")
def _award_form_post(world, api, username):
    """An empty body: refused as incomplete where the admin may add, before that 404 or 403."""
    for c, related in _rule_campaigns():
        response = api(username).post(f"{API}/campaigns/{c.id}/award-forms", json={})
        if _is_admin(username) and related:
            assert_error(response, 422, "validation_failed")
        else:
            _admin_expectation(username, response, related, 422)


@case("PATCH", "/campaigns/<int:campaign_id>/pools/<int:pool_id>")
def _pool_patch(world, api, username):
    c = campaign()
    _admin_expectation(username, api(username).patch(f"{API}/campaigns/{c.id}/pools/{c.pools[0].id}", json={}), True, 200)


@case("PUT", "/campaigns/<int:campaign_id>/criteria/<code>")
def _criterion_put(world, api, username):
    c = campaign()
    same = {"kind": "min_contribution", "name": c.criteria[0].name, "category": c.criteria[0].category,
            "min_vnd": c.criteria[0].min_vnd}
    response = api(username)._call("PUT", f"{API}/campaigns/{c.id}/criteria/{c.criteria[0].code}", json=same)
    _admin_expectation(username, response, True, 200)


@case("DELETE", "/campaigns/<int:campaign_id>/criteria/<code>")
def _criterion_delete(world, api, username):
    for c, _ in _rule_campaigns():
        response = api(username).delete(f"{API}/campaigns/{c.id}/criteria/khong-co")
        _admin_expectation(username, response, False, 204)


@case("GET", "/award-forms")
def _award_forms(world, api, username):
    response = api(username).get(f"{API}/award-forms")
    _admin_expectation(username, response, True, 200)
    if response.status_code == 200:
        assert {f["code"] for f in response.get_json()["items"]} == {f.code for f in campaign().award_forms}


@case("PATCH", "/award-forms/<int:award_form_id>")
def _award_form_patch(world, api, username):
    for c, related in _rule_campaigns():
        form = c.award_forms[-1]
        _admin_expectation(username, api(username).patch(f"{API}/award-forms/{form.id}", json={}), related, 200)


@case("GET", "/legal-bases")
def _legal_bases(world, api, username):
    _admin_expectation(username, api(username).get(f"{API}/legal-bases"), True, 200)


@case("POST", "/legal-bases")
def _legal_basis_post(world, api, username):
    response = api(username).post(f"{API}/legal-bases", json={})
    if _is_admin(username):
        assert_error(response, 422, "validation_failed")
    else:
        assert_error(response, 403, "forbidden")


@case("PATCH", "/legal-bases/<int:legal_basis_id>")
def _legal_basis_patch(world, api, username):
    row_id = db.session.scalars(select(LegalBasis.id)).first()
    _admin_expectation(username, api(username).patch(f"{API}/legal-bases/{row_id}", json={}), True, 200)


@case("GET", "/award-forms/<int:award_form_id>/reward-coefficients")
def _reward_coefficients(world, api, username):
    """The top-level admin keeps every award form's coefficients, Hà Nam's too."""
    for c, _ in _rule_campaigns():
        response = api(username).get(f"{API}/award-forms/{c.award_forms[-1].id}/reward-coefficients")
        _admin_expectation(username, response, True, 200)


@case("POST", "/award-forms/<int:award_form_id>/reward-coefficients")
def _reward_coefficient_post(world, api, username):
    response = api(username).post(f"{API}/award-forms/{campaign().award_forms[0].id}/reward-coefficients", json={})
    if _is_admin(username):
        assert_error(response, 422, "validation_failed")
    else:
        assert_error(response, 403, "forbidden")


@case("GET", "/base-salaries")
def _base_salaries(world, api, username):
    _admin_expectation(username, api(username).get(f"{API}/base-salaries"), True, 200)


@case("POST", "/base-salaries")
def _base_salary_post(world, api, username):
    response = api(username).post(f"{API}/base-salaries", json={})
    if _is_admin(username):
        assert_error(response, 422, "validation_failed")
    else:
        assert_error(response, 403, "forbidden")


@case("GET", "/nominations/<int:nomination_id>/attestations")
def _attestations(world, api, username):
    for nid, (unit, state) in world.nominations.items():
        response = api(username).get(f"{API}/nominations/{nid}/attestations")
        if world.sees(username, unit, state):
            assert response.status_code == 200, (username, nid)
        else:
            assert_error(response, 404, "not_found")


@case("PUT", "/nominations/<int:nomination_id>/attestations")
def _attestations_put(world, api, username):
    for nid in world.nominations:
        version = db.session.execute(select(Nomination.version).where(Nomination.id == nid)).scalar_one()
        response = api(username)._call(
            "PUT", f"{API}/nominations/{nid}/attestations", json={"version": version, "answers": []}
        )
        _editor_expectation(world, username, nid, response, 200)


def test_every_api_route_has_a_scope_case(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{API}/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(routes - set(CASES))
    assert not missing, f"API routes without a scope case in {__name__}: {missing}"
    assert not set(CASES) - routes, "scope cases of routes that no longer exist"


def test_scope_of_every_route(app, api):
    """One world, every case: reads first, then the calls that write (they leave the world's
    nominations as they were). Every failure is reported, not just the first."""
    world = build_world()
    failures = []
    for route in sorted(CASES, key=lambda r: (r[0] != "GET", r)):
        for username in USERS:
            try:
                CASES[route](world, api, username)
            except AssertionError as exc:
                failures.append(f"{route[0]} {route[1]} as {username}: {exc}")
    assert not failures, "\n".join(failures)
