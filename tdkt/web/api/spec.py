"""The OpenAPI 3.1 description of /api/v1.

Request bodies are built from the engine's own Field specs and enums from the machine and the
models, so the document moves when the code does. Response shapes mirror serialize.py one to
one; tests/test_openapi.py fuzzes every operation against this document.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from ...models import AuditEvent, Nomination, OutboxMessage
from ...models.org import CAPACITIES, ROLES, UNIT_KINDS
from ...models.outbox import MESSAGE_STATUSES
from ...workflow.audit_query import ACTIONS as AUDIT_ACTIONS
from ...workflow.calendar import MAX_DAYS
from ...workflow.deadlines import TIMELINESS_LABELS
from ...workflow.engine import COMMON_FIELDS, MAX_BULK, fields_for
from ...workflow.machine import STATES, TRIGGERS
from ...workflow.nominations import (
    EDITABLE,
    NOMINATION_FIELDS,
    NOMINEE_KINDS,
    PATCH_FIELDS,
    REQUIRED_AT_CREATE,
)
from ...workflow.payload import ALLOWED_CONTROLS, INT_MAX, Field
from .listing import DEFAULT_LIMIT, MAX_LIMIT
from .misc import CREDENTIALS

Schema = dict[str, Any]

DUE_STATUSES = ("on_time", "due_soon", "overdue")  # deadlines.status()
# Per-item values a bulk call accepts besides id and version (engine.check_bulk).
BULK_ITEM_FIELDS = ("votes_for",)
# The 422 codes of API.md that a trigger can answer (file_rejected belongs to uploads).
RULE_CODES = (
    "validation_failed",
    "comment_required",
    "quota_exceeded",
    "not_eligible",
    "submission_closed",
    "unit_not_recognized",
    "duplicate_nominee",
    "missing_attachment",
    "quorum_not_met",
    "vote_threshold_not_met",
    "number_taken",
    "public_notice_required",
)
# Werkzeug's int converter takes digits only; an id beyond the INTEGER columns answers 404.
ID_PARAM = {"type": "integer", "minimum": 0, "maximum": INT_MAX}
# int_list(): digits only; a value beyond the INTEGER columns answers 422.
ID_ITEM = {"type": "integer", "minimum": 0, "maximum": INT_MAX}
JSON_TYPES: dict[type, Schema] = {
    int: {"type": "integer"},
    str: {"type": "string"},
    bool: {"type": "boolean"},
    date: {"type": "string", "format": "date"},
}


# --- schema helpers -------------------------------------------------------------------------


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def obj(properties: dict[str, Schema], required: tuple[str, ...] | None = None, **extra) -> Schema:
    """A closed object; every property is required unless told otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
        "additionalProperties": False,
        **extra,
    }


def enum(values, *, null: bool = False) -> Schema:
    schema = {"type": "string", "enum": list(values)}
    return nullable(schema) if null else schema


INTEGER: Schema = {"type": "integer"}
STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}
DAY: Schema = {"type": "string", "format": "date"}
INSTANT: Schema = {"type": "string", "format": "date-time"}


def list_of(item: Schema, *, one_page: bool = False) -> Schema:
    """The list envelope; routes that answer everything at once never give a cursor."""
    cursor = {"type": "null"} if one_page else nullable(STRING)
    return obj({"items": {"type": "array", "items": item}, "next_cursor": cursor})


# --- request bodies from the engine's Field specs -----------------------------------------------


def clean_text_pattern() -> str:
    """payload.is_clean_text as a pattern: no control character but line breaks and tabs."""
    banned = [
        code
        for code in range(0x100)
        if unicodedata.category(chr(code)) == "Cc" and chr(code) not in ALLOWED_CONTROLS
    ]
    ranges: list[list[int]] = []
    for code in banned:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "^[^" + "".join(f"\\u{a:04X}-\\u{b:04X}" for a, b in ranges) + "]*$"


CLEAN_TEXT = clean_text_pattern()


def field_schema(field: Field) -> Schema:
    schema = dict(JSON_TYPES[field.type]) | {"description": field.label}
    if field.type is str:
        schema["pattern"] = CLEAN_TEXT
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    if field.type is int:
        low, high = field.bounds()
        schema |= {k: v for k, v in (("minimum", low), ("maximum", high)) if v is not None}
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    return nullable(schema) if field.nullable else schema


def body_schema(fields: dict[str, Field], required: tuple[str, ...], **extra) -> Schema:
    return obj({name: field_schema(f) for name, f in fields.items()}, required, **extra)


def camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def action_schemas() -> dict[str, Schema]:
    """One body per trigger for the single and the bulk route."""
    schemas: dict[str, Schema] = {}
    for trigger in TRIGGERS:
        fields = fields_for(trigger)
        schemas[f"{camel(trigger)}Action"] = body_schema(
            fields, ("version",), title=f"Body of '{trigger}'"
        )
        item_fields = {
            "id": Field(int, "Hồ sơ", nullable=False),
            "version": COMMON_FIELDS["version"],
        } | {k: fields[k] for k in BULK_ITEM_FIELDS if k in fields}
        shared = {k: field_schema(f) for k, f in fields.items() if k not in item_fields}
        items = {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_BULK,
            "items": body_schema(item_fields, ("id", "version")),
        }
        schemas[f"Bulk{camel(trigger)}Action"] = obj(
            {"items": items} | shared, ("items",), title=f"Bulk body of '{trigger}'"
        )
    return schemas


# --- response shapes (serialize.py) -------------------------------------------------------------


def column(model, name: str, schema: Schema) -> Schema:
    """A column as answered: nullable exactly where the table says so."""
    return nullable(schema) if model.__table__.c[name].nullable else schema


def nomination_schema() -> Schema:
    def col(name: str, schema: Schema) -> Schema:
        return column(Nomination, name, schema)

    def editable(name: str) -> Schema:
        """The request's type and choices."""
        field = NOMINATION_FIELDS[name]
        schema = dict(JSON_TYPES[field.type])
        if field.choices is not None:
            schema["enum"] = list(field.choices)
        return col(name, schema)

    return obj(
        {
            "id": INTEGER,
            "code": col("code", STRING),
            "campaign_id": col("campaign_id", INTEGER),
            "round_id": col("round_id", INTEGER),
            "round": nullable(ref("RoundRef")),
            "unit": ref("UnitRef"),
            **{name: editable(name) for name in EDITABLE},
            "state": col("state", enum(STATES)),
            "state_label": STRING,
            "version": col("version", INTEGER),
            "level": col("level", INTEGER),
            "holder_role": col("holder_role", enum(ROLES)),
            "assignee": nullable(ref("UserRef")),
            "stage_entered_at": col("stage_entered_at", INSTANT),
            "stage_due_on": col("stage_due_on", DAY),
            "due_status": enum(DUE_STATUSES, null=True),
            "due_label": nullable(STRING),
            "timeliness": col("timeliness", enum(TIMELINESS_LABELS)),
            "submission": nullable(ref("SubmissionRef")),
            "council_meeting_id": col("council_meeting_id", INTEGER),
            "decision": nullable(ref("DecisionRef")),
            "revocation": nullable(ref("Revocation")),
            "created_at": col("created_at", INSTANT),
            "updated_at": col("updated_at", INSTANT),
            "allowed_actions": {"type": "array", "items": enum(TRIGGERS)},
            "can_edit": BOOLEAN,
        }
    )


def audit_event_schema(*, full: bool) -> Schema:
    def col(name: str, schema: Schema) -> Schema:
        return column(AuditEvent, name, schema)

    properties = {
        "id": INTEGER,
        "at": col("at", INSTANT),
        "actor": nullable(ref("UserRef")),
        "role": col("role", enum(ROLES)),
        "action": col("action", STRING),
        "object_type": col("object_type", STRING),
        "object_id": col("object_id", INTEGER),
        "nomination_id": col("nomination_id", INTEGER),
        "unit_id": col("unit_id", INTEGER),
        "trigger": col("trigger", enum(TRIGGERS)),
        "from_state": col("from_state", enum(STATES)),
        "to_state": col("to_state", enum(STATES)),
        "comment": col("comment", STRING),
        "changes": {
            "type": "object",
            "description": "field: [old, new]",
            "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2},
        },
        "details": {"type": "object"},
    }
    if full:
        properties |= {
            name: col(name, STRING) for name in ("ip", "user_agent", "prev_hash", "hash")
        }
    return obj(properties)


def outbox_message_schema() -> Schema:
    def col(name: str, schema: Schema) -> Schema:
        return column(OutboxMessage, name, schema)

    return obj(
        {
            "id": INTEGER,
            "to": col("to_address", STRING),
            "subject": col("subject", STRING),
            "body": col("body_text", STRING),
            "status": col("status", enum(MESSAGE_STATUSES)),
            "attempts": col("attempts", INTEGER),
            "created_at": col("created_at", INSTANT),
            "sent_at": col("sent_at", INSTANT),
            "message_id": col("header_message_id", STRING),
            "last_error": col("last_error", STRING),
        }
    )


def component_schemas() -> dict[str, Schema]:
    named_ref = obj({"id": INTEGER, "code": STRING, "name": STRING})
    schemas: dict[str, Schema] = {
        "ErrorBody": obj(
            {
                "code": STRING,
                "message": {"type": "string", "description": "Vietnamese, for a person"},
                "details": {"type": "object"},
            }
        ),
        "Error": obj({"error": ref("ErrorBody")}),
        "UnitRef": named_ref,
        "UserRef": obj({"id": INTEGER, "username": STRING, "full_name": STRING}),
        "Role": obj(
            {
                "role": enum(ROLES),
                "scope_unit": ref("UnitRef"),
                "capacity": enum(CAPACITIES, null=True),
            }
        ),
        "Me": obj(
            {
                "id": INTEGER,
                "username": STRING,
                "full_name": STRING,
                "email": STRING,
                "unit": ref("UnitRef"),
                "roles": {"type": "array", "items": ref("Role")},
            }
        ),
        "Token": obj({"token": STRING, "expires_at": INSTANT, "user": ref("Me")}),
        "Unit": obj(
            {
                "id": INTEGER,
                "code": STRING,
                "name": STRING,
                "kind": enum(UNIT_KINDS),
                "parent_id": nullable(INTEGER),
                "recognized": BOOLEAN,
                "recognition": nullable(
                    obj({"decision_number": STRING, "decision_date": nullable(DAY)})
                ),
            }
        ),
        "PoolCategory": obj(
            {
                "code": STRING,
                "name": STRING,
                "nominee_kind": enum(NOMINEE_KINDS),
                "limit": nullable(INTEGER),
            }
        ),
        "Pool": obj(
            {
                "id": INTEGER,
                "code": STRING,
                "name": STRING,
                "unit_id": nullable(INTEGER),
                "open": BOOLEAN,
                "opens_on_recognition": BOOLEAN,
                "categories": {"type": "array", "items": ref("PoolCategory")},
                "limits": obj({"collective": nullable(INTEGER), "individual": nullable(INTEGER)}),
            }
        ),
        "Campaign": obj(
            {
                "id": INTEGER,
                "code": STRING,
                "name": STRING,
                "plan_number": nullable(STRING),
                "plan_date": nullable(DAY),
                "period_starts_on": nullable(DAY),
                "period_ends_on": nullable(DAY),
                "award_forms": {"type": "array", "items": named_ref},
                "open": BOOLEAN,
                "submission_opens_on": DAY,
                "submission_closes_on": DAY,
                "pools": {"type": "array", "items": ref("Pool")},
                "rounds": {
                    "type": "array",
                    "items": ref("CampaignRound"),
                    "description": "review rounds, each with its own window; empty for a campaign without rounds",
                },
            }
        ),
        "CampaignRound": obj(
            {
                "id": INTEGER,
                "code": STRING,
                "name": STRING,
                "submission_opens_on": DAY,
                "submission_closes_on": DAY,
                "open": BOOLEAN,
            }
        ),
        "RoundRef": obj({"id": INTEGER, "code": STRING, "name": STRING}),
        "Quota": obj(
            {
                "items": {
                    "type": "array",
                    "items": obj(
                        {
                            "pool_id": INTEGER,
                            "category": {
                                "type": "string",
                                "description": "a category code, or the totals 'collective' and 'individual'",
                            },
                            "used": INTEGER,
                            "limit": nullable(INTEGER),
                        }
                    ),
                }
            }
        ),
        "SubmissionRef": obj({"id": INTEGER, "number": STRING, "date": DAY}),
        "DecisionRef": obj({"id": INTEGER, "number": INTEGER, "reference": STRING, "date": DAY}),
        "Revocation": obj({"decision_number": STRING, "decision_date": nullable(DAY)}),
        "Nomination": nomination_schema(),
        "NominationCreate": body_schema(NOMINATION_FIELDS, REQUIRED_AT_CREATE),
        "NominationPatch": body_schema(PATCH_FIELDS, ("version",)),
        "BulkResults": obj(
            {
                "results": {
                    "type": "array",
                    "items": {
                        "oneOf": [
                            obj(
                                {
                                    "id": INTEGER,
                                    "ok": {"const": True},
                                    "nomination": ref("Nomination"),
                                }
                            ),
                            obj({"id": INTEGER, "ok": {"const": False}, "error": ref("ErrorBody")}),
                        ]
                    },
                }
            }
        ),
        "Decision": obj(
            {
                "id": INTEGER,
                "number": INTEGER,
                "reference": STRING,
                "date": DAY,
                "issuer": ref("UnitRef"),
                "signer": ref("UserRef"),
                "capacity": enum(CAPACITIES),
                "recorded_by": ref("UserRef"),
                "campaign_id": INTEGER,
                "nomination_ids": {"type": "array", "items": INTEGER},
                "legal_bases": {
                    "type": "array",
                    "items": obj(
                        {"code": STRING, "citation": STRING, "valid_from": nullable(DAY), "valid_until": nullable(DAY)}
                    ),
                },
            }
        ),
        "CouncilMeeting": obj(
            {
                "id": INTEGER,
                "campaign_id": INTEGER,
                "council_unit": ref("UnitRef"),
                "level": INTEGER,
                "date": DAY,
                "minutes_number": STRING,
                "members_total": INTEGER,
                "members_present": INTEGER,
                "votes": {
                    "type": "array",
                    "items": obj({"nomination_id": INTEGER, "votes_for": INTEGER}),
                },
            }
        ),
        "AuditEvent": audit_event_schema(full=True),
        "AuditEventHistory": audit_event_schema(full=False),
        "AuditVerdict": obj(
            {
                "ok": BOOLEAN,
                "events": INTEGER,
                "first_bad_event_id": nullable(INTEGER),
                "problem": nullable(STRING),
            }
        ),
        "Credentials": body_schema(CREDENTIALS, tuple(CREDENTIALS)),
        "OutboxMessage": outbox_message_schema(),
        "WorkingDay": obj({"date": DAY}),
    }
    for name in ("Nomination", "Decision", "CouncilMeeting", "AuditEvent", "OutboxMessage"):
        schemas[f"ListOf{name}"] = list_of(ref(name))
    for name in ("Unit", "Campaign"):
        schemas[f"ListOf{name}"] = list_of(ref(name), one_page=True)
    schemas["ListOfNominationHistory"] = list_of(
        {"oneOf": [ref("AuditEvent"), ref("AuditEventHistory")]},
        one_page=True,
    ) | {
        "description": "auditors and admins get AuditEvent, the nomination's other readers AuditEventHistory"
    }
    return schemas | action_schemas()


# --- responses and parameters -------------------------------------------------------------------


def json_content(schema: Schema) -> dict:
    return {"application/json": {"schema": schema}}


def ok(schema: Schema, description: str = "OK") -> dict:
    return {"description": description, "content": json_content(schema)}


def error(description: str, *codes: str) -> dict:
    """An error answer whose `code` is one of `codes`."""
    schema = {
        "allOf": [
            ref("Error"),
            {"properties": {"error": {"properties": {"code": {"enum": list(codes)}}}}},
        ]
    }
    return {"description": description, "content": json_content(schema)}


BAD_REQUEST = error("Malformed JSON, wrong type, unknown field or parameter", "bad_request")
UNAUTHENTICATED = error("No token, or a bad, expired or revoked one", "unauthenticated")
NOT_FOUND = error("Absent, or outside the caller's scope", "not_found")
FORBIDDEN = error("In scope, but the caller's roles may not do this", "forbidden")
INVALID_VALUE = error("A value out of range or of the wrong form", "validation_failed")


def path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": what, "schema": ID_PARAM}


def query(name: str, schema: Schema, description: str, *, required: bool = False) -> dict:
    param = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
        # query_args() drops empty values: `?state=` is the same as no state filter (and a
        # required parameter sent empty is missing).
        "allowEmptyValue": not required,
    }
    if schema.get("type") == "array":
        # state=submitted,returned: one parameter, values separated by commas
        param |= {"style": "form", "explode": False}
    return param


def id_list(name: str, what: str) -> dict:
    return query(name, {"type": "array", "items": ID_ITEM}, f"{what}; several separated by commas")


PAGING = [
    query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "page size",
    ),
    query("cursor", STRING, "next_cursor of the previous page, with the same filters"),
]
STATE_FILTER = query(
    "state", {"type": "array", "items": enum(STATES)}, "states, separated by commas"
)


def operation(
    operation_id: str,
    summary: str,
    responses: dict,
    *,
    parameters: list | None = None,
    body: Schema | None = None,
    tags: tuple[str, ...] = (),
    public: bool = False,
) -> dict:
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary, "tags": list(tags)}
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": True, "content": json_content(body)}
    if public:
        op["security"] = []
    else:
        responses = responses | {"401": UNAUTHENTICATED}
    op["responses"] = dict(sorted(responses.items()))
    return op


def paths() -> dict:
    nomination_id = path_id("nomination_id", "the nomination")
    trigger = {
        "name": "trigger",
        "in": "path",
        "required": True,
        "description": "a trigger of the state machine; any other name answers 400 unknown_trigger",
        "schema": enum(TRIGGERS),
    }
    action_body = {"anyOf": [ref(f"{camel(t)}Action") for t in TRIGGERS]}
    bulk_body = {"anyOf": [ref(f"Bulk{camel(t)}Action") for t in TRIGGERS]}
    action_errors = {
        "400": error(
            "Malformed JSON, wrong type, unknown field, missing version, or an unknown trigger",
            "bad_request",
            "unknown_trigger",
        ),
        "403": FORBIDDEN,
        "404": NOT_FOUND,
        "409": error(
            "The version sent is not the current one, or the state does not allow the trigger",
            "version_conflict",
            "invalid_transition",
        ),
        "422": error("A trigger field is missing or wrong, or a rule is broken", *RULE_CODES),
    }
    list_errors = {"400": BAD_REQUEST, "422": INVALID_VALUE}
    return {
        "/auth/token": {
            "post": operation(
                "issueToken",
                "Exchange a username and password for a bearer token",
                {
                    "200": ok(ref("Token")),
                    "400": BAD_REQUEST,
                    "401": error("Wrong credentials", "unauthenticated"),
                    "422": INVALID_VALUE,
                    "429": error(
                        "More than 5 failed logins for one username from one address in 15 minutes",
                        "rate_limited",
                    ),
                },
                body=ref("Credentials"),
                tags=("auth",),
                public=True,
            ),
            "delete": operation(
                "revokeToken",
                "Revoke the token used for this request",
                {"204": {"description": "Revoked"}},
                tags=("auth",),
            ),
        },
        "/me": {"get": operation("getMe", "The caller", {"200": ok(ref("Me"))}, tags=("auth",))},
        "/units": {
            "get": operation(
                "listUnits",
                "Units in the caller's scope",
                {"200": ok(ref("ListOfUnit")), "400": BAD_REQUEST},
                tags=("units",),
            )
        },
        "/campaigns": {
            "get": operation(
                "listCampaigns",
                "Campaigns the caller takes part in",
                {"200": ok(ref("ListOfCampaign")), "400": BAD_REQUEST},
                tags=("campaigns",),
            )
        },
        "/campaigns/{campaign_id}": {
            "get": operation(
                "getCampaign",
                "One campaign with its award forms and pools",
                {"200": ok(ref("Campaign")), "404": NOT_FOUND},
                parameters=[path_id("campaign_id", "the campaign")],
                tags=("campaigns",),
            )
        },
        "/campaigns/{campaign_id}/quota": {
            "get": operation(
                "getQuota",
                "Slots used and limits per pool category, with the collective and individual totals",
                {"200": ok(ref("Quota")), "404": NOT_FOUND} | list_errors,
                parameters=[
                    path_id("campaign_id", "the campaign"),
                    id_list("pool_id", "pools"),
                    id_list("unit_id", "units whose pools to show"),
                ],
                tags=("campaigns",),
            )
        },
        "/nominations": {
            "get": operation(
                "listNominations",
                "Nominations the caller may see, newest first",
                {"200": ok(ref("ListOfNomination"))} | list_errors,
                parameters=[
                    STATE_FILTER,
                    id_list("campaign_id", "campaigns"),
                    id_list("unit_id", "units"),
                    query("q", STRING, "nominee or unit name; accent- and case-insensitive"),
                    *PAGING,
                ],
                tags=("nominations",),
            ),
            "post": operation(
                "createNomination",
                "Create a draft in the caller's unit",
                {
                    "201": ok(ref("Nomination"), "Created, in draft, version 1"),
                    "400": BAD_REQUEST,
                    "403": FORBIDDEN,
                    "422": INVALID_VALUE,
                },
                body=ref("NominationCreate"),
                tags=("nominations",),
            ),
        },
        "/nominations/{nomination_id}": {
            "get": operation(
                "getNomination",
                "One nomination",
                {"200": ok(ref("Nomination")), "404": NOT_FOUND},
                parameters=[nomination_id],
                tags=("nominations",),
            ),
            "patch": operation(
                "updateNomination",
                "Edit a draft or returned nomination (proposers of its unit)",
                {
                    "200": ok(ref("Nomination"), "Edited; version + 1 when something changed"),
                    "400": BAD_REQUEST,
                    "403": FORBIDDEN,
                    "404": NOT_FOUND,
                    "409": error(
                        "The version sent is not the current one, or the state is not editable",
                        "version_conflict",
                        "not_editable",
                    ),
                    "422": INVALID_VALUE,
                },
                parameters=[nomination_id],
                body=ref("NominationPatch"),
                tags=("nominations",),
            ),
        },
        "/nominations/{nomination_id}/actions/{trigger}": {
            "post": operation(
                "fireTrigger",
                "Fire a trigger on one nomination",
                {"200": ok(ref("Nomination"), "The nomination after the transition")}
                | action_errors,
                parameters=[nomination_id, trigger],
                body=action_body,
                tags=("nominations",),
            )
        },
        "/nominations/actions/{trigger}": {
            "post": operation(
                "fireTriggerMany",
                f"Fire a trigger on up to {MAX_BULK} nominations, each in its own transaction; "
                "'sign' is all or nothing and answers the first failing item's error, with "
                "details.items listing every item's outcome",
                {"200": ok(ref("BulkResults"), "One outcome per item, in the order sent")}
                | action_errors
                | {
                    "422": error(
                        "An empty or too long item list, or (sign) a failing item's 422",
                        *RULE_CODES,
                    )
                },
                parameters=[trigger],
                body=bulk_body,
                tags=("nominations",),
            )
        },
        "/nominations/{nomination_id}/audit": {
            "get": operation(
                "getNominationHistory",
                "The nomination's events, oldest first",
                {"200": ok(ref("ListOfNominationHistory")), "404": NOT_FOUND},
                parameters=[nomination_id],
                tags=("audit",),
            )
        },
        "/tasks": {
            "get": operation(
                "listTasks",
                "The caller's queue, by stage deadline then stage entry time",
                {"200": ok(ref("ListOfNomination"))} | list_errors,
                parameters=[STATE_FILTER, id_list("campaign_id", "campaigns"), *PAGING],
                tags=("nominations",),
            )
        },
        "/decisions": {
            "get": operation(
                "listDecisions",
                "Decisions awarding a nomination the caller may see",
                {"200": ok(ref("ListOfDecision"))} | list_errors,
                parameters=[id_list("campaign_id", "campaigns"), *PAGING],
                tags=("decisions",),
            )
        },
        "/decisions/{decision_id}": {
            "get": operation(
                "getDecision",
                "One decision",
                {"200": ok(ref("Decision")), "404": NOT_FOUND},
                parameters=[path_id("decision_id", "the decision")],
                tags=("decisions",),
            )
        },
        "/council-meetings": {
            "get": operation(
                "listCouncilMeetings",
                "Council meetings the caller may see",
                {"200": ok(ref("ListOfCouncilMeeting"))} | list_errors,
                parameters=[id_list("campaign_id", "campaigns"), *PAGING],
                tags=("decisions",),
            )
        },
        "/council-meetings/{meeting_id}": {
            "get": operation(
                "getCouncilMeeting",
                "One council meeting with its votes",
                {"200": ok(ref("CouncilMeeting")), "404": NOT_FOUND},
                parameters=[path_id("meeting_id", "the meeting")],
                tags=("decisions",),
            )
        },
        "/audit": {
            "get": operation(
                "listAuditEvents",
                "The audit trail in the caller's scope, oldest first (auditors and admins)",
                {"200": ok(ref("ListOfAuditEvent")), "403": FORBIDDEN} | list_errors,
                parameters=[
                    id_list("nomination_id", "nominations"),
                    query(
                        "actor",
                        {"type": "array", "items": STRING},
                        "user ids or usernames, separated by commas",
                    ),
                    id_list("unit_id", "units"),
                    query(
                        "action",
                        {"type": "array", "items": enum(AUDIT_ACTIONS)},
                        "actions, separated by commas",
                    ),
                    query("since", DAY, "from this local day"),
                    query("until", DAY, "to this local day, included"),
                    *PAGING,
                ],
                tags=("audit",),
            )
        },
        "/audit/verify": {
            "get": operation(
                "verifyAuditChain",
                "Check the audit hash chain end to end (auditors and admins)",
                {"200": ok(ref("AuditVerdict")), "403": FORBIDDEN},
                tags=("audit",),
            )
        },
        "/calendar/add-working-days": {
            "get": operation(
                "addWorkingDays",
                "The N-th working day after start (days=0: start, or the next working day)",
                {
                    "200": ok(ref("WorkingDay")),
                    "400": error(
                        "start or days missing, days not an integer, or an unknown parameter",
                        "bad_request",
                    ),
                    "422": INVALID_VALUE,
                },
                parameters=[
                    query("start", DAY, "the day to count from", required=True),
                    query(
                        "days",
                        {"type": "integer", "minimum": 0, "maximum": MAX_DAYS},
                        "working days to add",
                        required=True,
                    ),
                ],
                tags=("calendar",),
            )
        },
        "/outbox": {
            "get": operation(
                "listOutbox",
                "Email messages to recipients in the caller's scope, newest first (admins)",
                {"200": ok(ref("ListOfOutboxMessage")), "403": FORBIDDEN} | list_errors,
                parameters=[
                    query(
                        "status",
                        {"type": "array", "items": enum(MESSAGE_STATUSES)},
                        "statuses, separated by commas",
                    ),
                    *PAGING,
                ],
                tags=("outbox",),
            )
        },
        "/openapi.json": {
            "get": operation(
                "getOpenApi",
                "This document",
                {"200": ok({"type": "object"})},
                tags=("meta",),
                public=True,
            )
        },
    }


def _merged(described: dict, more: dict) -> dict:
    """Add operations, also to paths already described (PATCH beside GET /campaigns/{id})."""
    return described | {path: described.get(path, {}) | item for path, item in more.items()}


def build_spec() -> dict:
    from .attachments_spec import paths as attachment_paths  # late: it builds on this module
    from .campaign_rules_spec import paths as campaign_rule_paths  # late: it builds on this module
    from .documents_spec import paths as document_paths  # late: it builds on this module
    from .rewards_spec import paths as reward_paths  # late: it builds on this module

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TĐKT approval engine",
            "version": "1",
            "description": "The JSON API of the award-dossier approval engine. Every error answers "
            '{"error": {"code", "message", "details"}}; the first failing check decides: '
            "401, 404, 400, 400 unknown_trigger, 403, 409 version_conflict, 409, 422. "
            "Integers are JSON integers: 266, not 266.0 (400). Texts are NFC-normalised and "
            "trimmed before their length is checked.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _merged(paths() | document_paths() | attachment_paths() | reward_paths(), campaign_rule_paths()),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": component_schemas(),
        },
    }
