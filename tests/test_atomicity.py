"""A transition is all or nothing: a failure late in it, or one stale item of a bulk sign,
leaves state, version, audit trail, council meetings, decisions and the number register as
they were. On SQLite and PostgreSQL, through the engine and through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tdkt.models import (
    AuditEvent,
    CouncilMeeting,
    CouncilVote,
    Decision,
    IssuedNumber,
    Nomination,
    NumberSeries,
    db,
)
from tdkt.workflow import audit
from tdkt.workflow.clock import local_today

import factories

SIGN = "/api/v1/nominations/actions/sign"
TABLES = (AuditEvent, CouncilMeeting, CouncilVote, Decision, IssuedNumber)


class Boom(RuntimeError):
    """The failure planted late in a transition."""


def yesterday() -> str:
    return (local_today() - timedelta(days=1)).isoformat()


def meeting_fields() -> dict:
    return {
        "council_meeting_on": yesterday(),
        "council_minutes_number": "05/BB-HĐTĐKT",
        "council_members_total": 9,
        "council_members_present": 8,
        "votes_for": 7,
    }


# trigger -> (state it fires from, who fires it, its fields); these write the most rows.
CASES = {
    "start_appraisal": ("submitted", "vpdp", lambda: {}),
    "pass_appraisal": ("in_appraisal", "vpdp", lambda: {"comment": "Đủ điều kiện"}),
    "submit_for_signature": ("council_review", "noivu", meeting_fields),
    "sign": ("awaiting_signature", "chutich", lambda: {"decision_date": local_today().isoformat()}),
}


def snapshot(nomination_ids: list[int]) -> dict:
    """Everything a transition may write, read back from the database."""
    rows = db.session.execute(
        select(Nomination.__table__).where(Nomination.id.in_(nomination_ids)).order_by(Nomination.id)
    )
    series = db.session.execute(select(NumberSeries.__table__).order_by(NumberSeries.id))
    return {
        "nominations": [tuple(r) for r in rows],
        "series": [tuple(r) for r in series],
    } | {t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def end_request() -> None:
    """What the end of a request's app context does (Flask-SQLAlchemy removes the session);
    under the `app` fixture that context outlives the test client's requests."""
    db.session.remove()


@pytest.fixture
def fail_late(monkeypatch, request):
    """fail_late(point, nomination_id) makes that nomination's next transition raise Boom:
    at "audit", once its state is written in memory and its audit event added (earlier rows,
    such as a reserved number, are already flushed); at "flush", once every row is written."""

    def arm(point: str, nomination_id: int) -> None:
        if point == "audit":
            real = audit.record

            def record(actor, action, **kw):
                recorded = real(actor, action, **kw)
                nomination = kw.get("nomination")
                if action == "transition" and nomination is not None and nomination.id == nomination_id:
                    raise Boom
                return recorded

            monkeypatch.setattr(audit, "record", record)
            return

        session_class = db.session.session_factory.class_

        def after_flush(session, _context):
            if any(
                isinstance(o, AuditEvent) and o.action == "transition" and o.nomination_id == nomination_id
                for o in session.new
            ):
                raise Boom

        event.listen(session_class, "after_flush", after_flush)
        request.addfinalizer(lambda: event.remove(session_class, "after_flush", after_flush))

    return arm


def _prepared(state: str, count: int = 1) -> list[Nomination]:
    made = [factories.nomination_in(state) for _ in range(count)]
    # Under the fixture a commit only releases a savepoint: the rows stay the test's own, but a
    # rollback after the failure must not take them away.
    db.session.commit()
    return made


POINTS = ["audit", "flush"]


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("trigger", list(CASES))
def test_engine_failure_late_in_a_transition_leaves_nothing(app, fail_late, trigger, point):
    state, who, fields = CASES[trigger]
    (nomination,) = _prepared(state)
    before = snapshot([nomination.id])
    fail_late(point, nomination.id)

    with pytest.raises(Boom):
        factories.step(nomination, who, trigger, fields())
    db.session.rollback()

    assert snapshot([nomination.id]) == before


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("trigger", list(CASES))
def test_api_failure_late_in_a_transition_answers_500_and_rolls_back(
    app, api, fail_late, trigger, point
):
    state, who, fields = CASES[trigger]
    (nomination,) = _prepared(state)
    caller = api(who)  # the login writes its own events before the snapshot
    nomination_id, version = nomination.id, nomination.version
    before = snapshot([nomination_id])
    fail_late(point, nomination_id)

    response = caller.post(
        f"/api/v1/nominations/{nomination_id}/actions/{trigger}",
        json={"version": version} | fields(),
    )
    end_request()

    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal_error"
    assert body["error"]["message"] and body["error"]["details"] == {}
    assert snapshot([nomination_id]) == before


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("trigger", ["start_appraisal", "sign"])
def test_api_bulk_failure_on_the_last_item_rolls_back_the_earlier_ones(
    app, api, fail_late, trigger, point
):
    """The first items' transitions are written when the last one fails: a 500 keeps none."""
    state, who, fields = CASES[trigger]
    made = _prepared(state, 3)
    caller = api(who)
    items = [{"id": n.id, "version": n.version} for n in made]
    ids = [item["id"] for item in items]
    before = snapshot(ids)
    fail_late(point, max(ids))

    response = caller.post(f"/api/v1/nominations/actions/{trigger}", json={"items": items} | fields())
    end_request()

    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert snapshot(ids) == before


@pytest.mark.parametrize("stale", [0, 1, 2])
def test_bulk_sign_with_a_stale_item_signs_nothing(app, api, stale):
    made = _prepared("awaiting_signature", 3)
    chairman = api("chutich")
    items = [{"id": n.id, "version": n.version} for n in made]
    items[stale]["version"] -= 1
    ids = [item["id"] for item in items]
    before = snapshot(ids)
    today = local_today()
    highest = db.session.scalar(
        select(func.coalesce(func.max(IssuedNumber.number), 0)).filter_by(year=today.year)
    )

    response = chairman.post(SIGN, json={"items": items, "decision_date": today.isoformat()})
    end_request()

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "version_conflict"
    assert str(ids[stale]) in error["message"]
    outcomes = error["details"]["items"]
    assert [(o["id"], o["ok"]) for o in outcomes] == [(i, i != ids[stale]) for i in ids]
    assert outcomes[stale]["error"]["code"] == "version_conflict"
    assert outcomes[stale]["error"]["details"] == {
        "current_version": items[stale]["version"] + 1,
        "sent_version": items[stale]["version"],
    }
    assert all("error" not in o for i, o in enumerate(outcomes) if i != stale)
    assert snapshot(ids) == before

    # No number was consumed: the corrected call takes the register's next one.
    items[stale]["version"] += 1
    response = chairman.post(SIGN, json={"items": items, "decision_date": today.isoformat()})
    assert response.status_code == 200, response.get_json()
    numbers = {r["nomination"]["decision"]["number"] for r in response.get_json()["results"]}
    assert numbers == {highest + 1}


def test_a_refused_bulk_sign_leaves_nothing_in_the_session(app):
    """Even a caller that commits after catching the refusal saves no half-signed batch."""
    from tdkt.workflow import engine
    from tdkt.workflow.errors import WorkflowError

    first, second = _prepared("awaiting_signature", 2)
    before = snapshot([first.id, second.id])
    body = {
        "items": [{"id": first.id, "version": first.version}, {"id": second.id, "version": second.version - 1}],
        "decision_date": local_today().isoformat(),
    }
    with pytest.raises(WorkflowError) as refused:
        engine.fire_many(factories.actor("chutich"), "sign", body)
    assert refused.value.code == "version_conflict"
    db.session.commit()
    assert snapshot([first.id, second.id]) == before
