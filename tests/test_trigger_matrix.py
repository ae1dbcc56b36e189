"""Every trigger × every state × every demo role, through POST /nominations/{id}/actions/{trigger}.

The expected answer of each case is derived here from the rule table (machine.RULES) and the
order of API.md, independently of tdkt.workflow.permissions: 404 for a draft seen by an office
role, 403 when no role of the caller may ever fire the trigger (or the item is in appraisal and
the caller is an appraiser but not its assignee, for assignee-only triggers), 409 when the role
may fire it but not from this state, else 200.

Refusals are all tried on one nomination per state, whose row and history (without the
`denied` events that record refusals) are compared after each user's calls; each success gets
a nomination of its own. The noivu-or-chutich-rejects-in-appraisal case reads API.md's
"in_appraisal and not its assignee" as applying to the roles that act in appraisal: for the
council secretary and the signer it is the state that forbids it (409), not the assignee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from tdkt.models import AuditEvent, Nomination, db
from tdkt.workflow.clock import local_today
from tdkt.workflow.machine import COMMENT_REQUIRED, HOLDER_ROLE, RULES, STATES, TRIGGERS

from factories import nomination_in, user
from matrix_support import (
    API,
    ASSIGNEE,
    CAST,
    DRAFT_READERS,
    assert_error,
    call,
    history_count,
    snapshot,
)

UNKNOWN_TRIGGER = "approve_everything"
# DESIGN §2: the proposer edits in draft and after a return.
EDITABLE = frozenset({"draft", "returned"})
# The demo award form (Giấy khen of the town Chairman) has one level: nothing to forward to.
SINGLE_LEVEL_TRIGGERS = frozenset({"forward"})


@dataclass(frozen=True)
class Expect:
    status: int
    code: str | None = None
    dest: str | None = None


def expect(state: str, trigger: str, username: str) -> Expect:
    role = CAST[username]
    if state == "draft" and role not in DRAFT_READERS:
        return Expect(404, "not_found")
    if trigger not in TRIGGERS:
        return Expect(400, "unknown_trigger")
    if not any(role in r.roles for r in RULES if r.trigger == trigger):
        return Expect(403, "forbidden")
    rule = next((r for r in RULES if r.trigger == trigger and r.source == state), None)
    if rule is None or role not in rule.roles:
        return Expect(409, "invalid_transition")
    if rule.assignee_only and username != ASSIGNEE:
        return Expect(403, "forbidden")
    if trigger in SINGLE_LEVEL_TRIGGERS:
        return Expect(409, "invalid_transition")
    return Expect(200, dest=rule.dest)


def expect_stale(state: str, trigger: str, username: str) -> Expect:
    """A wrong version loses to 404, 400 and 403 and wins over every later check."""
    plain = expect(state, trigger, username)
    if plain.status in (200, 409):
        return Expect(409, "version_conflict")
    return plain


def expect_without_comment(state: str, trigger: str, username: str) -> Expect:
    plain = expect(state, trigger, username)
    if plain.status == 200 and trigger in COMMENT_REQUIRED:
        return Expect(422, "comment_required")
    return plain


def _missing_version(state: str, trigger: str, username: str) -> Expect:
    plain = expect(state, trigger, username)
    return plain if plain.status == 404 else Expect(400, "bad_request")


def expect_patch(state: str, username: str, stale: bool) -> Expect:
    """PATCH: scope, role (a proposer of the unit), version, then the state (draft, returned)."""
    role = CAST[username]
    if state == "draft" and role not in DRAFT_READERS:
        return Expect(404, "not_found")
    if role != "proposer":
        return Expect(403, "forbidden")
    if stale:
        return Expect(409, "version_conflict")
    if state not in EDITABLE:
        return Expect(409, "not_editable")
    return Expect(200)


def body_for(trigger: str) -> dict:
    """Valid fields of `trigger` (API.md), the same whoever sends them."""
    today, yesterday = local_today(), local_today() - timedelta(days=1)
    fields = {
        "reassign": {"assignee_id": user("vpdp2").id},
        "submit_for_signature": {
            "council_meeting_on": yesterday.isoformat(),
            "council_minutes_number": "03/BB-HĐTĐKT",
            "council_members_total": 9,
            "council_members_present": 7,
            "votes_for": 6,
        },
        # signed_by names the caller's own chairman: a signer may name itself, and the
        # council secretary records the chairman's paper signature.
        "sign": {"decision_date": today.isoformat(), "signed_by": user("chutich").id},
        "forward": {"submission_number": "12/TTr-UBND", "submission_date": today.isoformat()},
        "revoke": {"decision_number": "15/QĐ-UBND", "decision_date": today.isoformat()},
    }.get(trigger, {})
    return {"comment": f"Ý kiến cho thao tác {trigger}"} | fields


SUCCESSES = [
    (state, trigger, username)
    for state in STATES
    for trigger in TRIGGERS
    for username in CAST
    if expect(state, trigger, username).status == 200
]


def _act(api, username: str, nomination_id: int, trigger: str, body: dict):
    return call(api(username), "POST", f"{API}/nominations/{nomination_id}/actions/{trigger}", json=body)


def _check(response, expected: Expect, case) -> None:
    assert response.status_code != 500, case
    if expected.status == 200:
        assert response.status_code == 200, (case, response.get_json())
    else:
        assert_error(response, expected.status, expected.code)


def test_the_matrix_is_not_degenerate():
    """Each trigger succeeds for someone somewhere (forward aside: one level) and each refusal
    kind occurs, so a broken oracle cannot pass by expecting nothing."""
    succeeded = {t for _, t, _ in SUCCESSES}
    assert succeeded == set(TRIGGERS) - SINGLE_LEVEL_TRIGGERS
    kinds = {expect(s, t, u).status for s in STATES for t in TRIGGERS for u in CAST}
    assert kinds == {200, 403, 404, 409}
    assert expect("in_appraisal", "pass_appraisal", "vpdp2") == Expect(403, "forbidden")
    assert expect("in_appraisal", "reassign", "vpdp2").status == 200
    assert expect("awaiting_signature", "sign", "noivu").status == 200
    assert expect("draft", "submit", "kiemtra") == Expect(403, "forbidden")
    assert expect("draft", "submit", "noivu") == Expect(404, "not_found")


@pytest.mark.parametrize("state", STATES)
def test_refusals_in_every_state_change_nothing(app, api, state):
    """One nomination per state: what each user is offered, then every refused action and
    edit, each followed by a look at the row and its history; last, the proposer's edit."""
    nomination = nomination_in(state, nominee_name=f"Hồ sơ ở trạng thái {state}")
    nomination_id, version = nomination.id, nomination.version
    db.session.commit()
    for username in CAST:
        api(username)  # log in first: the login's own audit events are not the nomination's
    before = snapshot(nomination_id)
    assert before.events >= 1
    for username in CAST:
        _check_offer(api, state, username, nomination_id)
        stale_tried: set[int] = set()
        for trigger in (*TRIGGERS, UNKNOWN_TRIGGER):
            case = (state, trigger, username)
            for body, expected in _refusal_variants(case, version, stale_tried):
                response = _act(api, username, nomination_id, trigger, body)
                _check(response, expected, (*case, body))
        assert snapshot(nomination_id) == before, (state, username)
        for stale in (True, False):
            expected = expect_patch(state, username, stale)
            if expected.status != 200:
                body = {"version": version + 7 if stale else version, "position": "Trưởng ấp"}
                _check(_edit(api, username, nomination_id, body), expected, (state, username, body))
        assert snapshot(nomination_id) == before, (state, username, "PATCH")
    if expect_patch(state, "xa.vinhhiep", stale=False).status == 200:
        edited = _edit(api, "xa.vinhhiep", nomination_id, {"version": version, "position": "Trưởng ấp"})
        assert edited.status_code == 200, edited.get_json()
        assert (edited.get_json()["version"], edited.get_json()["state"]) == (version + 1, state)
        assert history_count(nomination_id) == before.events + 1


def _refusal_variants(
    case: tuple[str, str, str], version: int, stale_tried: set[int]
) -> list[tuple[dict, Expect]]:
    """The right body where the answer is a refusal anyway (successes are
    test_every_permitted_transition's), and the faults whose place in API.md's order shows:
    a stale version wherever the answer would be 200, and once per (state, user) for each
    other answer; no comment where it decides and once for `reject`, held by three roles; a
    blank comment where it decides; no version, for the first trigger and an unknown one."""
    trigger = case[1]
    plain = expect(*case)
    full = body_for(trigger) | {"version": version}
    variants = []
    if plain.status != 200:
        variants.append((full, plain))
    if plain.status == 200 or plain.status not in stale_tried:
        stale_tried.add(plain.status)
        variants.append((full | {"version": version + 7}, expect_stale(*case)))
    if trigger in (TRIGGERS[0], UNKNOWN_TRIGGER):
        variants.append(({k: v for k, v in full.items() if k != "version"}, _missing_version(*case)))
    if trigger in COMMENT_REQUIRED and (plain.status == 200 or trigger == "reject"):
        without = {k: v for k, v in full.items() if k != "comment"}
        variants.append((without, expect_without_comment(*case)))
    if trigger in COMMENT_REQUIRED and plain.status == 200:
        variants.append((full | {"comment": "  \n "}, expect_without_comment(*case)))
    return variants


def _check_offer(api, state: str, username: str, nomination_id: int) -> None:
    """allowed_actions lists exactly the triggers the matrix lets the user fire now."""
    response = call(api(username), "GET", f"{API}/nominations/{nomination_id}")
    if expect(state, "submit", username).status == 404:
        assert_error(response, 404, "not_found")
        return
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    expected = [t for t in TRIGGERS if expect(state, t, username).status == 200]
    assert sorted(data["allowed_actions"]) == sorted(expected), username
    assert data["can_edit"] is (expect_patch(state, username, stale=False).status == 200)


def _edit(api, username: str, nomination_id: int, body: dict):
    return call(api(username), "PATCH", f"{API}/nominations/{nomination_id}", json=body)


@pytest.mark.parametrize(
    ("state", "trigger", "username"), SUCCESSES, ids=["-".join(c) for c in SUCCESSES]
)
def test_every_permitted_transition(app, api, state, trigger, username):
    nomination = nomination_in(state, nominee_name=f"Hồ sơ {trigger} bởi {username}")
    nomination_id, version = nomination.id, nomination.version
    db.session.commit()
    caller = api(username)
    events_before = history_count(nomination_id)
    response = _act(api, username, nomination_id, trigger, {"version": version} | body_for(trigger))
    assert response.status_code == 200, response.get_json()
    dest = expect(state, trigger, username).dest
    data = response.get_json()
    assert (data["state"], data["version"]) == (dest, version + 1)
    assert data["holder_role"] == HOLDER_ROLE.get(dest)
    row = db.session.get(Nomination, nomination_id)
    assert (row.state, row.version) == (dest, version + 1)
    assert history_count(nomination_id) == events_before + 1
    event = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.nomination_id == nomination_id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.action, event.trigger, event.from_state, event.to_state) == (
        "transition",
        trigger,
        state,
        dest,
    )
    assert event.actor.username == username and event.role == CAST[username]
    assert event.comment == body_for(trigger)["comment"]
    _check_effects(state, trigger, username, data)
    assert caller.get(f"{API}/nominations/{nomination_id}").get_json()["version"] == version + 1


def _check_effects(state: str, trigger: str, username: str, data: dict) -> None:
    """What the transition records beside the state: assignee, meeting, decision, revocation."""
    assignee = (data["assignee"] or {}).get("username")
    if trigger == "start_appraisal":
        assert assignee == username
    elif trigger == "reassign":
        assert assignee == "vpdp2"
    elif trigger == "submit":
        # DESIGN §3: after a return the former assignee is kept; a first submit has none.
        assert assignee == (ASSIGNEE if state == "returned" else None)
    if trigger == "submit_for_signature":
        assert data["council_meeting_id"] is not None
    if trigger == "sign":
        assert data["decision"] is not None and data["decision"]["date"] == local_today().isoformat()
    if trigger == "revoke":
        assert data["revocation"]["decision_number"] == "15/QĐ-UBND"


def test_bulk_items_get_the_answers_of_single_calls(app, api):
    """POST /nominations/actions/{trigger} with one nomination in every state: each item is
    answered as a single call would be, in the caller's order; a bulk sign with any failing
    item is refused as a whole, with each item's outcome, and signs nothing."""
    by_state = {s: _fresh(s) for s in STATES}
    db.session.commit()
    for username in CAST:
        api(username)
    for trigger in TRIGGERS:
        # Those who succeed somewhere: the single-call matrix covers everyone else.
        for username in [u for u in CAST if any(t == trigger and v == u for _, t, v in SUCCESSES)]:
            order = list(STATES)
            versions = {s: _version(by_state[s]) for s in order}
            items = [{"id": by_state[s], "version": versions[s]} for s in order]
            before = {s: snapshot(by_state[s]) for s in order}
            expected = [expect(s, trigger, username) for s in order]
            url = f"{API}/nominations/actions/{trigger}"
            response = call(api(username), "POST", url, json={"items": items} | body_for(trigger))
            case = (trigger, username)
            if trigger == "sign" and any(e.status != 200 for e in expected):
                first = next(e for e in expected if e.status != 200)
                details = assert_error(response, first.status, first.code)
                outcomes = details["items"]
                assert [o["id"] for o in outcomes] == [i["id"] for i in items]
                for outcome, e in zip(outcomes, expected, strict=True):
                    assert outcome["ok"] is (e.status == 200), (case, outcome)
                    assert outcome["ok"] or outcome["error"]["code"] == e.code, (case, outcome)
                assert all(snapshot(by_state[s]) == before[s] for s in order), case
                continue
            assert response.status_code == 200, (case, response.get_json())
            results = response.get_json()["results"]
            assert [r["id"] for r in results] == [i["id"] for i in items], case
            for state, result, e in zip(order, results, expected, strict=True):
                if e.status == 200:
                    assert result["ok"] is True, (case, state, result)
                    assert result["nomination"]["state"] == e.dest
                    assert _version(by_state[state]) == versions[state] + 1
                    by_state[state] = _fresh(state)
                    db.session.commit()
                else:
                    assert result["ok"] is False and result["error"]["code"] == e.code, (case, state, result)
                    assert snapshot(by_state[state]) == before[state], (case, state)


def _fresh(state: str) -> int:
    return nomination_in(state, nominee_name=f"Hồ sơ chung ở trạng thái {state}").id


def _version(nomination_id: int) -> int:
    return db.session.scalar(select(Nomination.version).where(Nomination.id == nomination_id))
