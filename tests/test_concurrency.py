"""Races with real threads on committed rows: one winner, clean losers, a gap-free register.

Threads need committed rows, so the rolled-back `app` fixture cannot serve: the module gets its
own migrated, seeded database — PostgreSQL, and the embedded SQLite file too, since `make run`
serves that one from a threaded server. Tests share it, so each one judges only the rows it
made and the register numbers above the highest it found.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, inspect, select

from tdkt.models import (
    AuditEvent,
    CouncilMeeting,
    Decision,
    IssuedNumber,
    Nomination,
    NumberSeries,
    Submission,
    Unit,
    db,
)
from tdkt.workflow import audit, engine, numbers
from tdkt.workflow.clock import local_today
from tdkt.workflow.errors import WorkflowError

import factories
from conftest import DEMO_PASSWORD, build_app, create_pg_database, drop_pg_database

THREADS = 8
# The winner keeps its transaction open this long, so every loser really meets its lock
# instead of arriving after the commit.
HOLD_SECONDS = 0.3
SIGN = "/api/v1/nominations/actions/sign"
DECISION = "QĐ-UBND"


def _live_app(backend: str, instance):
    if backend == "sqlite":
        app = build_app(f"sqlite:///{instance / 'live.sqlite3'}", str(instance))
        yield app
        with app.app_context():
            db.engine.dispose()
        return
    url = create_pg_database()
    try:
        app = build_app(url, str(instance))
        yield app
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_pg_database(url)


@pytest.fixture(
    scope="module", params=[pytest.param("postgresql", marks=pytest.mark.postgres_only), "sqlite"]
)
def live_app(request, tmp_path_factory):
    """A database whose rows every thread sees once committed."""
    yield from _live_app(request.param, tmp_path_factory.mktemp(f"live-{request.param}"))


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory):
    yield from _live_app("postgresql", tmp_path_factory.mktemp("live-pg"))


@dataclass
class Shot:
    """One thread's call: its answer and when it left and came back."""

    who: str
    status: int
    code: str | None
    started: float
    finished: float
    body: Any = None


def race(work, count: int = THREADS) -> list:
    """Run work(i, go) in `count` threads; each calls go() right before firing, and go() lets
    them all through together. A thread's exception is re-raised here."""
    barrier = threading.Barrier(count, timeout=30)
    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(work, i, barrier.wait) for i in range(count)]
        return [f.result(timeout=120) for f in futures]


def token(app, username: str) -> str:
    response = app.test_client().post(
        "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def build(app, make):
    """Run `make()` in its own app context and commit, so every thread sees the rows; `make`
    returns plain values, since its objects die with the context."""
    with app.app_context():
        result = make()
        db.session.commit()
        return result


def _id_version(nomination: Nomination) -> tuple[int, int]:
    return nomination.id, nomination.version


def copies(template: Nomination, count: int) -> list[Nomination]:
    """Copies of an engine-made nomination, in its state. The campaign's quota lets only a few
    nominations of one unit through the real submit; later steps read nothing a copy lacks."""
    columns = [a.key for a in inspect(Nomination).column_attrs if a.key not in ("id", "code")]
    rows = [Nomination(**{k: getattr(template, k) for k in columns}) for _ in range(count)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _in_state(app, state: str, count: int) -> list[tuple[int, int]]:
    """`count` nominations in `state`, as (id, version)."""

    def make():
        template = factories.nomination_in(state)
        return [_id_version(n) for n in [template, *copies(template, count - 1)]]

    return build(app, make)


def today() -> str:
    return local_today().isoformat()


def yesterday() -> str:
    return (local_today() - timedelta(days=1)).isoformat()


def highest_decision_number(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.coalesce(func.max(IssuedNumber.number), 0)).filter_by(
                doc_type=DECISION, year=local_today().year
            )
        )


def numbers_above(floor: int) -> list[int]:
    return db.session.scalars(
        select(IssuedNumber.number)
        .filter_by(doc_type=DECISION, year=local_today().year)
        .where(IssuedNumber.number > floor)
        .order_by(IssuedNumber.number)
    ).all()


def nominations(ids: list[int]) -> dict[int, Nomination]:
    return {n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.id.in_(ids)))}


@pytest.fixture
def hold_the_lock(monkeypatch):
    """hold_the_lock() makes from then on every transition sleep inside its transaction, after
    its audit event is written, so that the winner of a race keeps its locks a while."""
    real = audit.record

    def slow_record(actor, action, **kw):
        recorded = real(actor, action, **kw)
        if action == "transition":
            time.sleep(HOLD_SECONDS)
        return recorded

    return lambda: monkeypatch.setattr(audit, "record", slow_record)


@pytest.fixture
def slow_register(monkeypatch):
    """Hold the register's lock a moment after each reservation, so that the bulk signs of a
    round queue up on it rather than taking turns by chance."""
    real = numbers.reserve

    def reserve(*args, **kw):
        number = real(*args, **kw)
        time.sleep(0.03)
        return number

    monkeypatch.setattr(numbers, "reserve", reserve)


# trigger -> (state to start from, who fires it (threads take turns), extra fields, end state)
RACES = {
    "start_appraisal": ("submitted", ("vpdp", "vpdp2"), {}, "in_appraisal"),
    "pass_appraisal": ("in_appraisal", ("vpdp",), {"comment": "Đủ điều kiện trình Hội đồng"}, "council_review"),
    "sign": ("awaiting_signature", ("chutich", "phochutich"), {"decision_date": today}, "approved"),
}


def _over_http(app, users, nomination_id, trigger, body):
    tokens = [token(app, users[i % len(users)]) for i in range(THREADS)]
    url = f"/api/v1/nominations/{nomination_id}/actions/{trigger}"

    def work(i, go):
        client = app.test_client()
        go()
        started = time.monotonic()
        response = client.post(url, json=body, headers=bearer(tokens[i]))
        data = response.get_json()
        code = data["error"]["code"] if response.status_code != 200 else None
        return Shot(users[i % len(users)], response.status_code, code, started, time.monotonic(), data)

    return race(work)


def _through_engine(app, users, nomination_id, trigger, body):
    def work(i, go):
        with app.app_context():
            who = factories.actor(users[i % len(users)])
            # SQLite takes its write lock at BEGIN: no thread may wait at the barrier inside a
            # transaction, or the others could never start theirs.
            db.session.commit()
            go()
            started = time.monotonic()
            try:
                engine.fire(who, nomination_id, trigger, body)
                db.session.commit()
                status, code, answer = 200, None, None
            except WorkflowError as exc:
                db.session.rollback()
                status, code, answer = exc.status, exc.code, {"error": exc.as_dict()}
            return Shot(users[i % len(users)], status, code, started, time.monotonic(), answer)

    return race(work)


@pytest.mark.parametrize("path", ["http", "engine"])
@pytest.mark.parametrize("trigger", list(RACES))
def test_same_trigger_same_version_one_winner(live_app, hold_the_lock, trigger, path):
    state, users, extra, end_state = RACES[trigger]
    nomination_id, version = build(live_app, lambda: _id_version(factories.nomination_in(state)))
    floor = highest_decision_number(live_app)
    hold_the_lock()
    body = {"version": version} | {k: v() if callable(v) else v for k, v in extra.items()}

    fire = _over_http if path == "http" else _through_engine
    shots = fire(live_app, users, nomination_id, trigger, body)

    # Every call left before the first came back: they really overlapped.
    assert max(s.started for s in shots) < min(s.finished for s in shots)
    assert sorted((s.status, s.code) for s in shots) == [(200, None)] + [
        (409, "version_conflict")
    ] * (THREADS - 1)
    for shot in shots:
        if shot.status == 409:
            error = shot.body["error"]
            assert error["message"] and isinstance(error["details"], dict)
    winner = next(s for s in shots if s.status == 200)
    with live_app.app_context():
        row = db.session.get(Nomination, nomination_id)
        assert (row.state, row.version) == (end_state, version + 1)
        events = db.session.scalars(
            select(AuditEvent).filter_by(
                nomination_id=nomination_id, action="transition", trigger=trigger
            )
        ).all()
        assert [e.actor.username for e in events] == [winner.who]
        if trigger == "start_appraisal":
            assert row.assignee.username == winner.who
        if trigger == "sign":
            assert numbers_above(floor) == [floor + 1]
            assert (row.decision.number, row.decision.signer.username) == (floor + 1, winner.who)
        else:
            assert numbers_above(floor) == []


def test_concurrent_bulk_signs_take_consecutive_numbers(live_app, slow_register):
    calls, rounds, per_call = 4, 5, 3
    items = _in_state(live_app, "awaiting_signature", calls * rounds * per_call)
    floor = highest_decision_number(live_app)
    # batches[i][r]: what call i signs in round r
    batches = [
        [items[(r * calls + i) * per_call : (r * calls + i + 1) * per_call] for r in range(rounds)]
        for i in range(calls)
    ]
    users = ("chutich", "phochutich")
    tokens = [token(live_app, users[i % 2]) for i in range(calls)]

    def work(i, go):
        client = live_app.test_client()
        answers = []
        for batch in batches[i]:
            go()
            response = client.post(
                SIGN,
                json={"items": [{"id": n, "version": v} for n, v in batch], "decision_date": today()},
                headers=bearer(tokens[i]),
            )
            answers.append((batch, response.status_code, response.get_json()))
        return answers

    answers = [a for per_thread in race(work, calls) for a in per_thread]

    assert [status for _, status, _ in answers] == [200] * (calls * rounds), [
        body for _, status, body in answers if status != 200
    ]
    decision_of_call = {}
    for batch, _, body in answers:
        results = body["results"]
        assert [r["id"] for r in results] == [n for n, _ in batch]
        assert all(r["ok"] and r["nomination"]["state"] == "approved" for r in results)
        decisions = {r["nomination"]["decision"]["id"] for r in results}
        assert len(decisions) == 1
        decision_of_call[decisions.pop()] = sorted(n for n, _ in batch)
    assert len(decision_of_call) == calls * rounds

    expected = list(range(floor + 1, floor + calls * rounds + 1))
    with live_app.app_context():
        decisions = db.session.scalars(
            select(Decision).where(Decision.id.in_(decision_of_call)).order_by(Decision.number)
        ).all()
        assert [d.number for d in decisions] == expected
        assert {d.id: [n.id for n in d.nominations] for d in decisions} == decision_of_call
        assert numbers_above(floor) == expected
        assert db.session.scalars(
            select(NumberSeries.last_number).filter_by(doc_type=DECISION, year=local_today().year)
        ).one() == expected[-1]


def test_colliding_given_numbers_one_call_wins(live_app, slow_register):
    calls, per_call = 4, 2
    items = _in_state(live_app, "awaiting_signature", calls * per_call)
    floor = highest_decision_number(live_app)
    number = floor + 7
    batches = [items[i * per_call : (i + 1) * per_call] for i in range(calls)]
    users = ("chutich", "phochutich")
    tokens = [token(live_app, users[i % 2]) for i in range(calls)]

    def work(i, go):
        client = live_app.test_client()
        go()
        response = client.post(
            SIGN,
            json={
                "items": [{"id": n, "version": v} for n, v in batches[i]],
                "decision_date": today(),
                "decision_number": number,
            },
            headers=bearer(tokens[i]),
        )
        return response.status_code, response.get_json()

    answers = race(work, calls)

    assert sorted(status for status, _ in answers) == [200] + [422] * (calls - 1)
    winner = next(i for i, (status, _) in enumerate(answers) if status == 200)
    for i, (status, body) in enumerate(answers):
        if status == 200:
            assert {r["nomination"]["decision"]["number"] for r in body["results"]} == {number}
            continue
        error = body["error"]
        assert error["code"] == "number_taken"
        assert error["details"]["number"] == number
        assert [item["id"] for item in error["details"]["items"]] == [n for n, _ in batches[i]]
    with live_app.app_context():
        assert numbers_above(floor) == [number]
        decision = db.session.scalars(select(Decision).filter_by(number=number)).one()
        assert [n.id for n in decision.nominations] == [n for n, _ in batches[winner]]
        losers = [pair for i, batch in enumerate(batches) if i != winner for pair in batch]
        rows = nominations([n for n, _ in losers])
        assert [(rows[n].version, rows[n].state, rows[n].decision_id) for n, _ in losers] == [
            (v, "awaiting_signature", None) for _, v in losers
        ]


@pytest.mark.parametrize("first", ["sign", "return"])
def test_bulk_sign_racing_a_return_is_all_or_nothing(live_app, hold_the_lock, first):
    """The chairman signs three nominations while the vice chairman returns the middle one to
    the council. Whoever starts first wins; the other gets version_conflict, and a sign that
    loses leaves no approval, decision or number behind. When the sign starts first it holds
    the audit chain while the return takes the middle row: the engine must not deadlock."""
    items = _in_state(live_app, "awaiting_signature", 3)
    ids = [n for n, _ in items]
    middle_id, middle_version = items[1]
    floor = highest_decision_number(live_app)
    chairman, vice = token(live_app, "chutich"), token(live_app, "phochutich")
    hold_the_lock()

    def work(i, go):
        client = live_app.test_client()
        go()
        if (i == 0) != (first == "sign"):
            time.sleep(HOLD_SECONDS / 3)
        if i == 0:
            response = client.post(
                SIGN,
                json={"items": [{"id": n, "version": v} for n, v in items], "decision_date": today()},
                headers=bearer(chairman),
            )
        else:
            response = client.post(
                f"/api/v1/nominations/{middle_id}/actions/return_to_council",
                json={"version": middle_version, "comment": "Hội đồng xem lại số phiếu"},
                headers=bearer(vice),
            )
        return response.status_code, response.get_json()

    (sign_status, sign_body), (return_status, return_body) = race(work, 2)

    with live_app.app_context():
        rows = nominations(ids)
        if first == "sign":
            assert sign_status == 200, sign_body
            assert (return_status, return_body["error"]["code"]) == (409, "version_conflict")
            assert {n.state for n in rows.values()} == {"approved"}
            assert numbers_above(floor) == [floor + 1]
            return
        assert return_status == 200, return_body
        assert (sign_status, sign_body["error"]["code"]) == (409, "version_conflict")
        outcomes = sign_body["error"]["details"]["items"]
        assert [(o["id"], o["ok"]) for o in outcomes] == [(ids[0], True), (middle_id, False), (ids[2], True)]
        assert outcomes[1]["error"]["code"] == "version_conflict"
        assert [(rows[n].state, rows[n].version, rows[n].decision_id) for n in ids] == [
            ("awaiting_signature", items[0][1], None),
            ("council_review", middle_version + 1, None),
            ("awaiting_signature", items[2][1], None),
        ]
        assert numbers_above(floor) == []


def test_one_new_council_meeting_recorded_from_many_calls_at_once(live_app):
    """Several nominations sent for signature at the same moment, each naming the same new
    council meeting: every call succeeds and they share one meeting row."""
    items = _in_state(live_app, "council_review", THREADS)
    tokens = [token(live_app, "noivu") for _ in range(THREADS)]
    meeting = {
        "council_meeting_on": yesterday(),
        "council_minutes_number": "07/BB-HĐTĐKT",
        "council_members_total": 9,
        "council_members_present": 8,
    }

    def work(i, go):
        client = live_app.test_client()
        nomination_id, version = items[i]
        go()
        response = client.post(
            f"/api/v1/nominations/{nomination_id}/actions/submit_for_signature",
            json={"version": version, "votes_for": 5 + i % 3} | meeting,
            headers=bearer(tokens[i]),
        )
        return response.status_code, response.get_json()

    answers = race(work)

    assert [status for status, _ in answers] == [200] * THREADS, [b for s, b in answers if s != 200]
    assert len({body["council_meeting_id"] for _, body in answers}) == 1
    with live_app.app_context():
        row = db.session.scalars(
            select(CouncilMeeting).filter_by(minutes_number=meeting["council_minutes_number"])
        ).one()
        assert sorted((v.nomination_id, v.votes_for) for v in row.votes) == sorted(
            (n, 5 + i % 3) for i, (n, _) in enumerate(items)
        )


def test_one_new_submission_letter_from_many_calls_at_once(live_app):
    """A commune submits several nominations under one new Tờ trình at the same moment (two
    tabs, two officers): every submit succeeds and they share one submission row."""
    drafts = build(live_app, lambda: [_id_version(factories.draft()) for _ in range(4)])
    tokens = [token(live_app, "xa.vinhhiep") for _ in drafts]
    letter = {"submission_number": "12/TTr-UBND", "submission_date": yesterday()}

    def work(i, go):
        client = live_app.test_client()
        nomination_id, version = drafts[i]
        go()
        response = client.post(
            f"/api/v1/nominations/{nomination_id}/actions/submit",
            json={"version": version} | letter,
            headers=bearer(tokens[i]),
        )
        return response.status_code, response.get_json()

    answers = race(work, len(drafts))

    assert [status for status, _ in answers] == [200] * len(drafts), [b for s, b in answers if s != 200]
    assert len({body["submission"]["id"] for _, body in answers}) == 1
    with live_app.app_context():
        rows = db.session.scalars(select(Submission).filter_by(number=letter["submission_number"]))
        assert len(rows.all()) == 1


@pytest.mark.postgres_only
def test_first_reservations_of_a_new_series_race_cleanly(pg_app):
    """Threads reserving the first numbers of a year find no series row and race to insert
    it; the losers must wait for the winner's row, never fail or share a number."""
    with pg_app.app_context():
        issuer_id = db.session.scalars(select(Unit.id).filter_by(code="VC")).one()
    years = range(2001, 2006)
    inserts: list[int] = []

    def count_insert(target, args, kwargs):
        inserts.append(kwargs["year"])  # the constructor's arguments: init runs before it

    event.listen(NumberSeries, "init", count_insert)
    try:
        for year in years:

            def work(i, go, year=year):
                with pg_app.app_context():
                    issuer = db.session.get(Unit, issuer_id)
                    db.session.commit()
                    go()
                    number = numbers.reserve(issuer, DECISION, year)
                    db.session.commit()
                    return number

            assert sorted(race(work)) == list(range(1, THREADS + 1))
    finally:
        event.remove(NumberSeries, "init", count_insert)

    # At least one year saw several threads insert the series row at once: the race happened.
    assert max(inserts.count(year) for year in years) > 1
    with pg_app.app_context():
        series = db.session.execute(
            select(NumberSeries.year, NumberSeries.last_number)
            .where(NumberSeries.year.in_(years))
            .order_by(NumberSeries.year)
        ).all()
        assert [tuple(s) for s in series] == [(year, THREADS) for year in years]


@pytest.mark.postgres_only
def test_register_never_moves_back_after_a_refused_number(pg_app):
    """A refused number (number_taken, its savepoint rolled back) frees the series lock but
    leaves the series in the session; another office moves the register on meanwhile. The
    next reservation of the first session must build on the row it locks, not on its copy."""
    with pg_app.app_context():
        issuer = db.session.scalars(select(Unit).filter_by(code="VC")).one()
        numbers.reserve(issuer, DECISION, 2030, 5)
        db.session.commit()

        with pytest.raises(WorkflowError) as refused:
            with db.session.begin_nested():
                numbers.reserve(issuer, DECISION, 2030, 5)
        assert refused.value.code == "number_taken"

        # A fresh app context is another session, on another connection.
        with pg_app.app_context():
            other = db.session.scalars(select(Unit).filter_by(code="VC")).one()
            assert numbers.reserve(other, DECISION, 2030, 20) == 20
            db.session.commit()

        assert numbers.reserve(issuer, DECISION, 2030, 7) == 7
        db.session.commit()
        assert db.session.scalars(select(NumberSeries.last_number).filter_by(year=2030)).one() == 20
