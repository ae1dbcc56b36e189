"""What callers should not send: wrong JSON types and unknown fields (400), values too long or
out of range (422 validation_failed, naming the fields), hostile text stored NFC and intact.
Never a 500, and after every refusal nothing is half-written."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import select

from tdkt.models import Nomination, Unit, db
from tdkt.workflow.clock import local_today
from tdkt.workflow.payload import ascii_int

from factories import campaign, nomination_in, user
from matrix_support import API, assert_error, call, write_counts

HUGE = 10**20  # beyond every integer column, and beyond what SQLite can even bind
BEYOND_INT4 = 2**31  # fits SQLite and BIGINT, not PostgreSQL's INTEGER


@pytest.fixture
def world(app, api):
    """A draft and a submitted nomination of Xã Vĩnh Hiệp, committed; logins done first."""
    draft = nomination_in("draft", nominee_name="Lê Thị Hồng")
    submitted = nomination_in("submitted", nominee_name="Trần Văn Bảy")
    ids = {"draft": draft.id, "submitted": submitted.id}
    db.session.commit()
    for username in ("xa.vinhhiep", "xa.laihoa", "vpdp", "admin"):
        api(username)
    return ids


def create_body(**fields) -> dict:
    return {
        "campaign_id": campaign().id,
        "nominee_kind": "individual",
        "category": "individual_citizen",
        "nominee_name": "Nguyễn Thị Tư",
    } | fields


def refused(client, method, url, status, code, **kwargs) -> dict:
    """The call is refused with the contract's error body and writes nothing."""
    before = write_counts()
    response = call(client, method, url, **kwargs)
    try:
        details = assert_error(response, status, code)
    except AssertionError as exc:
        raise AssertionError(f"{method} {url} {kwargs}: {exc}") from None
    assert write_counts() == before, (method, url, kwargs)
    return details


def version_of(nomination_id: int) -> int:
    return db.session.scalar(select(Nomination.version).where(Nomination.id == nomination_id))


# -- wrong JSON types, bools for integers -------------------------------------------------

WRONG_CREATE = [
    ("nominee_name", 123),
    ("nominee_name", ["Nguyễn Văn A"]),
    ("campaign_id", "1"),
    ("campaign_id", 1.0),
    ("birth_year", "1970"),
    ("birth_year", True),
    ("contribution_vnd", 60_000_000.5),
    ("contribution_vnd", False),
    ("achievement_summary", {"text": "x"}),
    ("gender", 1),
    ("nominee_kind", None),
]


def test_wrong_types_on_create_are_400(world, api):
    for name, value in WRONG_CREATE:
        details = refused(
            api("xa.vinhhiep"), "POST", f"{API}/nominations", 400, "bad_request", json=create_body(**{name: value})
        )
        assert details.get("field") == name


WRONG_PATCH = [("version", "1"), ("version", 1.0), ("version", True), ("position", 5), ("birth_year", True)]


def test_wrong_types_on_patch_are_400(world, api):
    nid = world["draft"]
    for name, value in WRONG_PATCH:
        body = {"version": version_of(nid), "position": "Trưởng ấp"} | {name: value}
        refused(api("xa.vinhhiep"), "PATCH", f"{API}/nominations/{nid}", 400, "bad_request", json=body)


WRONG_ACTION = [
    ("start_appraisal", "version", True),
    ("start_appraisal", "comment", 5),
    ("start_appraisal", "assignee_id", "3"),
    ("start_appraisal", "assignee_id", True),
    ("submit_for_signature", "council_members_total", "9"),
    ("submit_for_signature", "council_meeting_on", 20261123),
    ("sign", "decision_date", ["2026-11-23"]),
    ("sign", "decision_number", 5.0),
]


def test_wrong_types_on_actions_are_400(world, api):
    nid = world["submitted"]
    for trigger, name, value in WRONG_ACTION:
        body = {"version": version_of(nid)} | {name: value}
        url = f"{API}/nominations/{nid}/actions/{trigger}"
        refused(api("vpdp"), "POST", url, 400, "bad_request", json=body)


WRONG_BULK = [
    "x",
    [1],
    [{"id": True, "version": 1}],
    [{"id": 1, "version": "1"}],
    [{"id": 1, "version": 1, "state": "approved"}],
    [{"id": 1}],
]


def test_wrong_bulk_items_are_400(world, api):
    nid = world["submitted"]
    url = f"{API}/nominations/actions/start_appraisal"
    for items in [*WRONG_BULK, [{"id": nid, "version": version_of(nid)}] * 2]:
        refused(api("vpdp"), "POST", url, 400, "bad_request", json={"items": items})
    for body in ({"items": []}, {"items": [{"id": nid, "version": 1}] * 201}):
        refused(api("vpdp"), "POST", url, 422, "validation_failed", json=body)


def test_wrong_types_on_login_are_400(world, api):
    for body in ({"username": 5, "password": "x"}, {"username": "vpdp", "password": True}, {"username": "vpdp"} | {"x": 1}):
        refused(api("vpdp").client, "POST", f"{API}/auth/token", 400, "bad_request", json=body)


# -- missing version, unknown fields, unit_id --------------------------------------------


def test_patch_and_action_without_version_are_400(world, api):
    draft, submitted = world["draft"], world["submitted"]
    for body in ({}, {"position": "Trưởng ấp"}, {"version": None}):
        details = refused(api("xa.vinhhiep"), "PATCH", f"{API}/nominations/{draft}", 400, "bad_request", json=body)
        assert details.get("field") == "version"
    for body in ({}, {"comment": "Nhận thẩm định"}, {"version": None}):
        url = f"{API}/nominations/{submitted}/actions/start_appraisal"
        refused(api("vpdp"), "POST", url, 400, "bad_request", json=body)


def test_unknown_fields_are_400(world, api):
    proposer, appraiser = api("xa.vinhhiep"), api("vpdp")
    draft, submitted = world["draft"], world["submitted"]
    for extra in ({"foo": 1}, {"state": "approved"}, {"version": 1}, {"holder_role": "signer"}):
        details = refused(proposer, "POST", f"{API}/nominations", 400, "bad_request", json=create_body(**extra))
        assert details["unknown_fields"] == sorted(extra)
    for extra in ({"state": "approved"}, {"unit_id": 1}, {"created_by_id": 1}, {"Nominee_name": "x"}):
        body = {"version": version_of(draft)} | extra
        refused(proposer, "PATCH", f"{API}/nominations/{draft}", 400, "bad_request", json=body)
    # A field of another trigger is unknown to this one.
    for extra in ({"foo": 1}, {"decision_date": local_today().isoformat()}, {"state": "approved"}):
        body = {"version": version_of(submitted)} | extra
        url = f"{API}/nominations/{submitted}/actions/start_appraisal"
        refused(appraiser, "POST", url, 400, "bad_request", json=body)
    refused(appraiser, "GET", f"{API}/nominations?status=draft", 400, "bad_request")


def test_unit_id_in_the_create_body_is_400(world, api):
    proposer = api("xa.vinhhiep")
    for code in ("VC-LHOA", "VC-VHIEP"):
        unit_id = db.session.scalars(select(Unit.id).filter_by(code=code)).one()
        details = refused(
            proposer, "POST", f"{API}/nominations", 400, "bad_request", json=create_body(unit_id=unit_id)
        )
        assert details["unknown_fields"] == ["unit_id"]


# -- malformed bodies, and the order 404 before 400 ----------------------------------------

MALFORMED = ['{"version": 1,', "{'version': 1}", "[" * 100_000, "null", "[]", '"version"', "1", "NaN"]


def test_malformed_json_is_400_everywhere(world, api):
    nid, sid = world["draft"], world["submitted"]
    proposer, appraiser = api("xa.vinhhiep"), api("vpdp")
    for data in MALFORMED:
        kw = {"data": data, "content_type": "application/json"}
        refused(proposer, "POST", f"{API}/nominations", 400, "bad_request", **kw)
        refused(proposer, "PATCH", f"{API}/nominations/{nid}", 400, "bad_request", **kw)
        refused(proposer, "POST", f"{API}/nominations/{nid}/actions/submit", 400, "bad_request", **kw)
        refused(appraiser, "POST", f"{API}/nominations/actions/start_appraisal", 400, "bad_request", **kw)
        refused(appraiser, "POST", f"{API}/nominations/{sid}/actions/start_appraisal", 400, "bad_request", **kw)
        refused(proposer.client, "POST", f"{API}/auth/token", 400, "bad_request", **kw)


def test_a_nomination_out_of_scope_is_404_whatever_the_body(world, api):
    """API.md's order: 404 comes before 400, so a body cannot probe for existence."""
    other = api("xa.laihoa")
    for data in MALFORMED[:3]:
        kw = {"data": data, "content_type": "application/json"}
        for nid in world.values():
            refused(other, "PATCH", f"{API}/nominations/{nid}", 404, "not_found", **kw)
            refused(other, "POST", f"{API}/nominations/{nid}/actions/withdraw", 404, "not_found", **kw)
        refused(api("vpdp"), "PATCH", f"{API}/nominations/{world['draft']}", 404, "not_found", **kw)


def test_json_sent_as_another_content_type_is_400(world, api):
    nid = world["submitted"]
    refused(
        api("vpdp"),
        "POST",
        f"{API}/nominations/{nid}/actions/start_appraisal",
        400,
        "bad_request",
        data=f'{{"version": {version_of(nid)}}}',
        content_type="text/plain",
    )


# -- too long, out of range: 422 with details.fields ------------------------------------------


def test_oversize_name_and_summary_are_422_naming_the_fields(world, api):
    proposer = api("xa.vinhhiep")
    body = create_body(nominee_name="Ô" * 256, achievement_summary="ư" * 20_001, position="p" * 256)
    details = refused(proposer, "POST", f"{API}/nominations", 422, "validation_failed", json=body)
    assert set(details["fields"]) == {"nominee_name", "achievement_summary", "position"}
    assert all(isinstance(m, str) and m for m in details["fields"].values())
    nid = world["draft"]
    for name, value in (("nominee_name", "A" * 256), ("achievement_summary", "B" * 20_001), ("address", "C" * 256)):
        body = {"version": version_of(nid), name: value}
        details = refused(proposer, "PATCH", f"{API}/nominations/{nid}", 422, "validation_failed", json=body)
        assert list(details["fields"]) == [name]


def test_the_limits_themselves_are_accepted_counted_in_nfc(world, api):
    """255 and 20,000 characters pass; a decomposed text is measured after NFC, as stored."""
    name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết ") * 12 + "x" * 3
    assert len(unicodedata.normalize("NFC", name)) == 255 < len(name)
    created = call(
        api("xa.vinhhiep"),
        "POST",
        f"{API}/nominations",
        json=create_body(nominee_name=name, achievement_summary="ư" * 20_000),
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["nominee_name"] == unicodedata.normalize("NFC", name).strip()
    assert len(created.get_json()["achievement_summary"]) == 20_000


def test_out_of_range_numbers_are_422(world, api):
    proposer = api("xa.vinhhiep")
    for name, value in (("birth_year", 1899), ("birth_year", 2101), ("contribution_vnd", -1), ("contribution_vnd", 10**16)):
        details = refused(
            proposer, "POST", f"{API}/nominations", 422, "validation_failed", json=create_body(**{name: value})
        )
        assert list(details["fields"]) == [name]


# -- hostile text is stored NFC and comes back intact -------------------------------------------

HOSTILE = [
    '<script>alert("x")</script> Nguyễn Văn A',
    "Hợp tác xã Tôm & Cua \"Vĩnh Hiệp\" 'số 1'",
    unicodedata.normalize("NFD", "Ấp Tân Thành — Đội Tình nguyện"),
    "Thạch Thị Sa Rươne <b>&amp;</b> \\ / `",
]


def test_hostile_names_are_stored_nfc_and_returned_intact(world, api):
    for name in HOSTILE:
        _round_trip(api("xa.vinhhiep"), name)


def _round_trip(proposer, name: str) -> None:
    expected = unicodedata.normalize("NFC", name)
    created = call(
        proposer,
        "POST",
        f"{API}/nominations",
        json=create_body(nominee_name=name, address=name, achievement_summary=f"{name}\nDòng hai"),
    )
    assert created.status_code == 201, created.get_json()
    assert created.mimetype == "application/json"
    nid = created.get_json()["id"]
    stored = db.session.get(Nomination, nid)
    assert stored.nominee_name == stored.address == expected
    assert stored.achievement_summary == f"{expected}\nDòng hai"
    shown = call(proposer, "GET", f"{API}/nominations/{nid}").get_json()
    assert shown["nominee_name"] == shown["address"] == expected
    listed = call(proposer, "GET", f"{API}/nominations", query_string={"q": name[:20]}).get_json()
    assert nid in [item["id"] for item in listed["items"]]
    changed = call(
        proposer, "PATCH", f"{API}/nominations/{nid}", json={"version": 1, "position": name}
    )
    assert changed.status_code == 200 and changed.get_json()["position"] == expected


def test_control_characters_and_lone_surrogates_are_422(world, api):
    for bad in ("a\x00b", "a\x1bb", "\ud800x", "x\udfff"):
        _refuse_dirty(api("xa.vinhhiep"), world["draft"], bad)


def _refuse_dirty(proposer, nid: int, bad: str) -> None:
    details = refused(
        proposer, "POST", f"{API}/nominations", 422, "validation_failed", json=create_body(nominee_name=bad)
    )
    assert list(details["fields"]) == ["nominee_name"]
    refused(
        proposer,
        "PATCH",
        f"{API}/nominations/{nid}",
        422,
        "validation_failed",
        json={"version": version_of(nid), "achievement_summary": bad},
    )
    if bad.isascii():  # a URL cannot carry a lone surrogate at all
        refused(proposer, "GET", f"{API}/nominations", 422, "validation_failed", query_string={"q": bad})
    refused(proposer.client, "POST", f"{API}/auth/token", 422, "validation_failed", json={"username": bad, "password": "x"})


# -- lists: limit, cursors, filters -------------------------------------------------------------

LISTS = ["/nominations", "/tasks", "/decisions", "/council-meetings", "/audit"]


def test_limit_out_of_range_is_422_and_not_a_number_400(world, api):
    for route in LISTS:
        _check_limits(api("admin"), route)


def _check_limits(admin, route: str) -> None:
    for limit in ("0", "201", "999999"):
        details = refused(admin, "GET", f"{API}{route}", 422, "validation_failed", query_string={"limit": limit})
        assert list(details["fields"]) == ["limit"]
    for limit in ("-1", "abc", "1.5", "²", "1e3", "9" * 40):
        refused(admin, "GET", f"{API}{route}", 400, "bad_request", query_string={"limit": limit})
    for limit in ("1", "200"):
        assert call(admin, "GET", f"{API}{route}", query_string={"limit": limit}).status_code == 200


def test_a_cursor_is_bound_to_its_filters_and_its_list(world, api):
    appraiser = api("vpdp")
    more = [nomination_in("submitted", nominee_name=f"Người thứ {i}").id for i in range(2)]
    db.session.commit()
    first = call(appraiser, "GET", f"{API}/nominations", query_string={"limit": 1, "state": "submitted"})
    cursor = first.get_json()["next_cursor"]
    assert cursor and more
    ok = call(appraiser, "GET", f"{API}/nominations", query_string={"limit": 1, "state": "submitted", "cursor": cursor})
    assert ok.status_code == 200
    for other in ({"state": "submitted,draft"}, {}, {"q": "a"}, {"state": "submitted", "campaign_id": campaign().id}):
        refused(appraiser, "GET", f"{API}/nominations", 400, "bad_request", query_string={"cursor": cursor, "limit": 1} | other)
    tasks_cursor = call(appraiser, "GET", f"{API}/tasks", query_string={"limit": 1}).get_json()["next_cursor"]
    assert tasks_cursor
    refused(appraiser, "GET", f"{API}/nominations", 400, "bad_request", query_string={"cursor": tasks_cursor})
    list_cursor = call(appraiser, "GET", f"{API}/nominations", query_string={"limit": 1}).get_json()["next_cursor"]
    for route in ("/tasks", "/decisions", "/council-meetings"):
        refused(appraiser, "GET", f"{API}{route}", 400, "bad_request", query_string={"cursor": list_cursor})
    for forged in (cursor[:-2], cursor + "x", "eyJrIjpbXX0", "", "....", "\u1ec5"):
        if forged:
            refused(appraiser, "GET", f"{API}/nominations", 400, "bad_request", query_string={"cursor": forged, "state": "submitted"})


def test_bad_filters_in_lists(world, api):
    admin = api("admin")
    refused(admin, "GET", f"{API}/nominations", 422, "validation_failed", query_string={"state": "submitted,approve"})
    refused(admin, "GET", f"{API}/nominations", 400, "bad_request", query_string={"unit_id": "1,x"})
    refused(admin, "GET", f"{API}/nominations", 400, "bad_request", query_string={"campaign_id": "-1"})
    refused(admin, "GET", f"{API}/audit", 422, "validation_failed", query_string={"since": "2026-02-30"})
    refused(admin, "GET", f"{API}/audit", 422, "validation_failed", query_string={"action": "login,hack"})
    refused(
        admin, "GET", f"{API}/audit", 422, "validation_failed", query_string={"since": "2026-11-02", "until": "2026-11-01"}
    )


# -- never a 500: numbers beyond the columns, dates at the ends of time --------------------------


PATH_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>")


def _path_with(rule: str, value: int) -> str:
    """The rule with `value` for each integer and a known name for each string."""
    return PATH_ARG.sub(lambda m: str(value) if m.group(1) == "int" else "submit", rule)


def test_ids_beyond_the_columns_in_any_route_are_404(world, app, api):
    """Generated from app.url_map: every API route with an integer in its path."""
    admin = api("admin")
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(f"{API}/") and "<int" in r.rule]
    assert len(rules) >= 7
    for value in (HUGE, BEYOND_INT4, 0):
        for rule in rules:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                refused(admin, method, _path_with(rule.rule, value), 404, "not_found", json={})


def test_ids_beyond_the_columns_in_bodies_and_queries_are_422(world, api):
    proposer, appraiser, admin = api("xa.vinhhiep"), api("vpdp"), api("admin")
    for big in (HUGE, BEYOND_INT4):
        for name in ("campaign_id", "pool_id", "award_form_id"):
            details = refused(
                proposer, "POST", f"{API}/nominations", 422, "validation_failed", json=create_body(**{name: big})
            )
            assert name in details["fields"]
        sid = world["submitted"]
        body = {"version": version_of(sid), "assignee_id": big}
        refused(appraiser, "POST", f"{API}/nominations/{sid}/actions/start_appraisal", 422, "validation_failed", json=body)
        refused(
            appraiser,
            "POST",
            f"{API}/nominations/actions/start_appraisal",
            422,
            "validation_failed",
            json={"items": [{"id": big, "version": 1}]},
        )
        for route, name in (("/nominations", "unit_id"), ("/nominations", "campaign_id"), ("/audit", "nomination_id"), ("/decisions", "campaign_id")):
            refused(admin, "GET", f"{API}{route}", 422, "validation_failed", query_string={name: f"1,{big}"})
        audit = call(admin, "GET", f"{API}/audit", query_string={"actor": str(big)})
        assert audit.status_code == 200 and audit.get_json()["items"] == []
    refused(proposer, "PATCH", f"{API}/nominations/{world['draft']}", 409, "version_conflict", json={"version": HUGE})


def test_dates_at_the_ends_of_the_calendar_are_422_not_500(world, api):
    admin = api("admin")
    for name, day in (("since", "0001-01-01"), ("until", "9999-12-31"), ("since", "9999-12-31")):
        refused(admin, "GET", f"{API}/audit", 422, "validation_failed", query_string={name: day})
    assert call(admin, "GET", f"{API}/audit", query_string={"since": "1900-01-01", "until": "2999-12-31"}).status_code == 200


def test_a_bad_trigger_field_after_a_good_one_leaves_nothing_behind(world, api):
    """submit_for_signature that fails on the vote threshold has already found or made its
    council meeting: the refusal must not keep it."""
    n = nomination_in("council_review", nominee_name="Võ Thị Sáu")
    nid = n.id
    db.session.commit()
    body = {
        "version": version_of(nid),
        "council_meeting_on": (local_today() - timedelta(days=1)).isoformat(),
        "council_minutes_number": "09/BB-HĐTĐKT",
        "council_members_total": 9,
        "council_members_present": 9,
        "votes_for": 1,
    }
    url = f"{API}/nominations/{nid}/actions/submit_for_signature"
    refused(api("noivu"), "POST", url, 422, "vote_threshold_not_met", json=body)
    refused(api("chutich"), "POST", url, 403, "forbidden", json=body)
    assert call(api("noivu"), "POST", url, json=body | {"votes_for": 8}).status_code == 200


# -- trigger fields: missing or wrong is 422, after every earlier check ---------------------------


def test_wrong_trigger_fields_are_422_and_write_nothing(world, api):
    """API.md order 8: a trigger field missing or wrong (validation_failed naming it), or a
    rule of the field (quorum, number taken), each refused without a trace."""
    today, yesterday = local_today(), local_today() - timedelta(days=1)
    tomorrow = (today + timedelta(days=1)).isoformat()
    n = {s: nomination_in(s, nominee_name=f"Trường sai {s}").id for s in
         ("in_appraisal", "council_review", "awaiting_signature", "approved")}
    n["submitted"] = world["submitted"]
    db.session.commit()
    taken = db.session.get(Nomination, n["approved"]).decision.number
    meeting = {
        "council_meeting_on": yesterday.isoformat(),
        "council_minutes_number": "11/BB-HĐTĐKT",
        "council_members_total": 9,
        "council_members_present": 8,
        "votes_for": 8,
    }
    cases = [
        ("vpdp", "submitted", "start_appraisal", {"assignee_id": user("noivu").id}, "validation_failed", "assignee_id"),
        ("vpdp", "submitted", "start_appraisal", {"assignee_id": 999_999}, "validation_failed", "assignee_id"),
        ("vpdp", "in_appraisal", "reassign", {}, "validation_failed", "assignee_id"),
        ("vpdp2", "in_appraisal", "reassign", {"assignee_id": user("vpdp").id}, "validation_failed", "assignee_id"),
        ("vpdp", "in_appraisal", "pass_appraisal", {"comment": "x" * 5001}, "validation_failed", "comment"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"votes_for": None}, "validation_failed", "votes_for"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"council_members_present": 10}, "validation_failed", "council_members_present"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"votes_for": 9}, "validation_failed", "votes_for"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"council_meeting_on": tomorrow}, "validation_failed", "council_meeting_on"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"council_meeting_on": "2026-02-30"}, "validation_failed", "council_meeting_on"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"council_members_total": 0}, "validation_failed", "council_members_total"),
        ("noivu", "council_review", "submit_for_signature", {"council_meeting_id": 999_999, "votes_for": 8}, "validation_failed", "council_meeting_id"),
        ("noivu", "council_review", "submit_for_signature", meeting | {"council_members_present": 5, "votes_for": 5}, "quorum_not_met", None),
        ("chutich", "awaiting_signature", "sign", {}, "validation_failed", "decision_date"),
        ("chutich", "awaiting_signature", "sign", {"decision_date": tomorrow}, "validation_failed", "decision_date"),
        ("chutich", "awaiting_signature", "sign", {"decision_date": "2000-01-01"}, "validation_failed", "decision_date"),
        ("chutich", "awaiting_signature", "sign", {"decision_date": today.isoformat(), "signed_by": user("phochutich").id}, "validation_failed", "signed_by"),
        ("noivu", "awaiting_signature", "sign", {"decision_date": today.isoformat()}, "validation_failed", "signed_by"),
        ("noivu", "awaiting_signature", "sign", {"decision_date": today.isoformat(), "signed_by": user("vpdp").id}, "validation_failed", "signed_by"),
        ("chutich", "awaiting_signature", "sign", {"decision_date": today.isoformat(), "decision_number": taken}, "number_taken", None),
        ("chutich", "approved", "revoke", {"comment": "Sai", "decision_date": today.isoformat()}, "validation_failed", "decision_number"),
        ("chutich", "approved", "revoke", {"comment": "Sai", "decision_number": "1/QĐ", "decision_date": tomorrow}, "validation_failed", "decision_date"),
    ]
    for username, state, trigger, fields, code, field_name in cases:
        nid = n[state]
        body = {"version": version_of(nid)} | {k: v for k, v in fields.items() if v is not None}
        url = f"{API}/nominations/{nid}/actions/{trigger}"
        details = refused(api(username), "POST", url, 422, code, json=body)
        if field_name is not None:
            assert field_name in details["fields"], (trigger, fields, details)
    refused(
        api("xa.vinhhiep"),
        "POST",
        f"{API}/nominations/{world['draft']}/actions/submit",
        422,
        "validation_failed",
        json={"version": version_of(world["draft"]), "submission_number": "01/TTr-UBND"},
    )
    refused(api("vpdp"), "POST", f"{API}/nominations/actions/approve", 400, "unknown_trigger", json={"items": [{"id": 1, "version": 1}]})


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        ("42", {}, 42),
        ("007", {}, 7),
        ("²", {}, None),
        ("٣", {}, None),
        ("3.5", {}, None),
        (" 3", {}, None),
        ("1_000", {}, None),
        ("", {}, None),
        ("-4", {}, None),
        ("-4", {"signed": True}, -4),
        ("-", {"signed": True}, None),
        ("1234", {"max_digits": 3}, None),
        ("-123", {"max_digits": 3, "signed": True}, -123),
    ],
)
def test_ascii_int_takes_ascii_digits_only(raw, kwargs, expected):
    assert ascii_int(raw, **kwargs) == expected
