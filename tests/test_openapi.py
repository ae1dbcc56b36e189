"""The OpenAPI document: valid 3.1, complete, and true to what the API answers (fuzzed)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from tdkt.models import CouncilMeeting, Decision, User, db
from tdkt.web.api import PUBLIC_ENDPOINTS
from tdkt.workflow import engine
from tdkt.workflow.machine import STATES, TRIGGERS, roles_for, rule_for

import factories
from conftest import DEMO_PASSWORD

SPEC_URL = "/api/v1/openapi.json"
METHODS = {"get", "post", "patch", "put", "delete"}


def spec_operations(spec: dict) -> dict[tuple[str, str], dict]:
    return {
        (method.upper(), path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def routed_operations(app) -> dict[tuple[str, str], str]:
    """(METHOD, path relative to /api/v1) -> endpoint, from Flask's own map."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
        path = path.removeprefix("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found[(method, path)] = rule.endpoint
    return found


@pytest.fixture
def spec(client):
    response = client.get(SPEC_URL)
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")
    validate(spec)


def test_every_route_is_documented_and_nothing_else(app, spec):
    routed = routed_operations(app)
    assert set(spec_operations(spec)) == set(routed)
    for (method, path), op in spec_operations(spec).items():
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
        public = routed[(method, path)] in PUBLIC_ENDPOINTS
        assert (op.get("security") == []) is public, (method, path)


def test_every_protected_operation_answers_401_as_documented(client, spec):
    for (method, path), op in spec_operations(spec).items():
        if op.get("security") == []:
            continue
        url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: "submit" if m[1] == "trigger" else "1", path)
        response = client.open(url, method=method, json={} if "requestBody" in op else None)
        assert response.status_code == 401, (method, path)
        assert response.get_json()["error"]["code"] == "unauthenticated"
        assert "401" in op["responses"], (method, path)


@pytest.mark.parametrize("day", ["2024-W01-1", "20240101"])
def test_days_only_in_the_documented_format(api, day):
    """`format: date` is YYYY-MM-DD; Python's date.fromisoformat reads more than that (and
    the generator almost never writes these)."""
    draft = factories.draft()
    response = api("xa.vinhhiep").post(
        f"/api/v1/nominations/{draft.id}/actions/submit",
        json={"version": draft.version, "submission_number": "01/TTr", "submission_date": day},
    )
    assert response.status_code == 422, response.get_json()
    assert "submission_date" in response.get_json()["error"]["details"]["fields"]
    response = api("kiemtra").get(f"/api/v1/audit?since={day}")
    assert response.status_code == 422, response.get_json()
    assert "since" in response.get_json()["error"]["details"]["fields"]


# --- the fuzzer -----------------------------------------------------------------------------------

# Between them a proposer, an appraiser, an auditor and an admin reach every route's answers.
# The first two write the most, and are fuzzed on both databases.
FUZZ_USERS = ("xa.vinhhiep", "vpdp")
FUZZ_READERS = ("kiemtra", "admin")
# Writes reach the engine's handlers and rules: they get more examples than reads.
MAX_EXAMPLES = {"GET": 15, "DELETE": 15, "POST": 40, "PATCH": 40, "PUT": 40}
# The fuzzer always sends a valid token; 401s are checked above, route by route.
FUZZ_CONFIG = SchemathesisConfig.from_dict(
    {"seed": 2026, "generation": {"with-security-parameters": False}}
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BULK_PATH = "/nominations/actions/{trigger}"
PATH_KINDS = {
    "nomination_id": "nomination",
    "campaign_id": "campaign",
    "decision_id": "decision",
    "meeting_id": "meeting",
}
BODY_KINDS = {
    "campaign_id": "campaign",
    "council_meeting_id": "meeting",
    "assignee_id": "user",
    "signed_by": "user",
    "category": "category",
    "username": "username",
    "password": "password",
}


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def choose(known: list, value):
    """Map a generated id (by value) or text (by length) onto a known one, leaving one in
    len+1 as generated (most likely unknown, for the 404 and 422 answers)."""
    if is_int(value):
        index = value
    elif isinstance(value, str):
        index = len(value)
    else:
        return value
    return (known + [value])[index % (len(known) + 1)]


@dataclass
class World:
    """Real rows for generated values to land on, and the fuzzing user's token. Every example
    runs in a savepoint rolled back afterwards, so each starts from this same state.

    Random ids, versions and trigger names almost never meet a nomination in a state the
    trigger leaves from; `aim` steers the parts of a case generated valid so that the engine's
    handlers and rules get fuzzed too, not only its first refusals. A part generated invalid
    reaches the server as generated."""

    token: str
    known: dict[str, list]
    states: dict[int, str]
    versions: dict[int, int]
    triggers: list[str]  # those the user's roles may fire

    def nominations_for(self, trigger: str | None) -> list[int]:
        ids = [i for i, state in self.states.items() if trigger and rule_for(trigger, state)]
        return ids or list(self.states)

    def current_version(self, nomination_id, value):
        """A positive generated version becomes the current one; 0 and below stay stale."""
        if is_int(value) and value > 0:
            return self.versions.get(nomination_id, value)
        return value

    def fitting_trigger(self, trigger: str, fields: set[str]) -> str:
        """The trigger itself if it takes these fields and the user may fire it, else one that
        does: the body schema is the union over triggers, a mismatch can only be refused."""
        fitting = [t for t in TRIGGERS if fields <= set(engine.fields_for(t))]
        preferred = [t for t in fitting if t in self.triggers] or fitting
        if trigger in preferred or not preferred:
            return trigger
        return preferred[TRIGGERS.index(trigger) % len(preferred)]

    def aim(self, case) -> None:
        params = case.path_parameters or {}
        path_valid = not case.meta.is_negative_at(ParameterLocation.PATH)
        body = case.body
        if not isinstance(body, dict) or case.meta.is_negative_at(ParameterLocation.BODY):
            body = None
        if path_valid and body is not None and "trigger" in params:
            sent = set(body) | {k for item in body.get("items", []) for k in item}
            params["trigger"] = self.fitting_trigger(params["trigger"], sent - {"items", "id"})
        trigger = params.get("trigger") if path_valid else None
        if path_valid:
            for name, kind in PATH_KINDS.items():
                if name in params:
                    known = (
                        self.nominations_for(trigger) if kind == "nomination" else self.known[kind]
                    )
                    params[name] = choose(known, params[name])
        if case.query and not case.meta.is_negative_at(ParameterLocation.QUERY):
            # A made-up cursor can only be refused; most cases go without to reach the filters.
            if len(str(case.query.get("cursor", ""))) % 4:
                del case.query["cursor"]
            # Each PDF starts LibreOffice (seconds); the document tests cover it, the fuzzer
            # asks for the .docx the PDF is made from.
            if case.query.get("format") == "pdf":
                case.query["format"] = "docx"
        if body is None:
            return
        as_json_integers(body)
        for name, kind in BODY_KINDS.items():
            if name in body:
                body[name] = choose(self.known[kind], body[name])
        if "version" in body and "nomination_id" in params:
            body["version"] = self.current_version(params["nomination_id"], body["version"])
        for item in body.get("items", []):
            item["id"] = choose(self.nominations_for(trigger), item["id"])
            item["version"] = self.current_version(item["id"], item["version"])

    @contextmanager
    def isolated(self):
        connection = db.engine  # the app fixture puts one open connection in the engine's slot
        savepoint = connection.begin_nested()
        try:
            yield
        finally:
            db.session.remove()
            savepoint.rollback()


def as_json_integers(body: dict) -> None:
    """JSON Schema counts 266.0 as an integer and the generator sends such numbers; the API
    takes JSON integers only (400 otherwise), so a valid case sends 266."""
    for container in [body, *(i for i in body.get("items", []) if isinstance(i, dict))]:
        for key, value in container.items():
            if isinstance(value, float) and value.is_integer():
                container[key] = int(value)


def from_wire(text: str, schema: dict):
    """A query value as the API reads it: comma-separated items for an array, digits as an
    integer."""
    if text == "" or "type" not in schema:
        return text
    if schema["type"] == "array":
        return [from_wire(part, schema["items"]) for part in text.split(",")]
    if schema["type"] == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def query_valid_on_wire(operation, response) -> bool:
    """Whether the query string as sent is valid. The generator judges a value before
    serialisation: 5 for a text, or 6 for a list of ids, is invalid there, yet on the wire
    it is the text "5" and the list [6], which the API rightly accepts."""
    sent = parse_qsl(urlsplit(response.request.url).query, keep_blank_values=True)
    declared = {
        p["name"]: p for p in operation.definition.raw.get("parameters", []) if p["in"] == "query"
    }
    for name, text in sent:
        if name not in declared:
            return False
        if text == "" and declared[name].get("allowEmptyValue"):
            continue
        schema = declared[name]["schema"]
        if not Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(
            from_wire(text, schema)
        ):
            return False
    return True


def build_world(client, username: str) -> World:
    nominations = [factories.nomination_in(state) for state in STATES]
    nominations.append(factories.nomination_in("submitted", proposer="xa.laihoa"))
    db.session.commit()
    campaign = factories.campaign()
    user = factories.user(username)
    known = {
        "campaign": [campaign.id],
        "decision": list(db.session.scalars(select(Decision.id))),
        "meeting": list(db.session.scalars(select(CouncilMeeting.id))),
        "user": list(db.session.scalars(select(User.id).order_by(User.id))),
        "category": sorted({c.code for pool in campaign.pools for c in pool.categories}),
        "username": [*FUZZ_USERS, *FUZZ_READERS],
        "password": [DEMO_PASSWORD],
    }
    world = World(
        token="",
        known=known,
        states={n.id: n.state for n in nominations},
        versions={n.id: n.version for n in nominations},
        triggers=[t for t in TRIGGERS if roles_for(t) & user.roles()],
    )
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
    )
    world.token = response.get_json()["token"]
    db.session.remove()
    return world


def assert_every_item_refused(response) -> None:
    """A bulk call answers a bad shared or item field item by item, in a 200 (API.md): there,
    refusing a schema-violating body means that no item went through."""
    if response.status_code == 200:
        results = response.json()["results"]
        assert not any(r["ok"] for r in results), f"schema-violating bulk body accepted: {results}"


def must_refuse(case, operation, response) -> bool:
    invalid_at = {loc for loc in case.meta.components if case.meta.is_negative_at(loc)}
    if invalid_at == {ParameterLocation.QUERY}:
        return not query_valid_on_wire(operation, response)
    return bool(invalid_at)


def fuzz(operation, world: World) -> None:
    """Positive and negative cases for one operation; raises the first failure found."""
    cases = st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode))
    bulk = operation.path == BULK_PATH

    @settings(
        max_examples=MAX_EXAMPLES[operation.method.upper()],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=cases)
    def check(case):
        world.aim(case)
        with world.isolated():
            response = case.call(headers={"Authorization": f"Bearer {world.token}"})
            refuse = must_refuse(case, operation, response)
            checks = CHECKS + [negative_data_rejection] if refuse and not bulk else CHECKS
            case.validate_response(response, checks=checks)
            if refuse and bulk:
                assert_every_item_refused(response)

    check()


def fuzz_every_operation(app, client, username: str) -> None:
    world = build_world(client, username)
    schema = schemathesis.openapi.from_wsgi(SPEC_URL, app, config=FUZZ_CONFIG)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            fuzz(operation, world)
        except (Exception, FailureGroup) as exc:  # collected: one report covers every operation
            failures.append(f"{operation.label} as {username}: {type(exc).__name__}: {exc}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.mark.slow
@pytest.mark.parametrize("username", FUZZ_USERS)
def test_fuzz_every_operation(app, client, username):
    """Every operation, fuzzed as one user: no 500, every answer documented and shaped as
    the document says, every schema-violating request refused."""
    fuzz_every_operation(app, client, username)


@pytest.mark.slow
@pytest.mark.parametrize("backend_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("username", FUZZ_READERS)
def test_fuzz_every_operation_as_reader(app, client, username):
    """The readers' own answers (the audit trail, the outbox); SQLite is enough, the writers
    cover what PostgreSQL does differently."""
    fuzz_every_operation(app, client, username)
