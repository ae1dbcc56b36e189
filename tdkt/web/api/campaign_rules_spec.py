"""The OpenAPI paths of the campaign rule routes (campaign_rules.py), merged into spec.build_spec."""

from __future__ import annotations

from ...workflow import attestations, campaign_rules
from .spec import (
    BAD_REQUEST,
    BOOLEAN,
    DAY,
    FORBIDDEN,
    INSTANT,
    INTEGER,
    INVALID_VALUE,
    NOT_FOUND,
    STRING,
    Schema,
    body_schema,
    error,
    list_of,
    nullable,
    obj,
    ok,
    operation,
    path_id,
)

CONFLICT = error("The chain has dossiers in flight at a level being removed or moved", "invalid_state")
ROUND_CONFLICT = error(
    "The round has nominations (delete), or the campaign has nominations filed without rounds (first round)",
    "invalid_state",
)
NOT_EDITABLE = error("Outside draft/returned, or a stale version", "not_editable", "version_conflict")
LIMIT = nullable(INTEGER)
HELD_CATEGORY = obj({"code": STRING, "name": STRING, "nominee_kind": STRING, "limit": LIMIT, "held": INTEGER})
POOL = obj(
    {
        "id": INTEGER,
        "code": STRING,
        "name": STRING,
        "is_open": BOOLEAN,
        "limits": obj({"collective": LIMIT, "individual": LIMIT}),
        "held": obj({"collective": INTEGER, "individual": INTEGER}),
        "categories": {"type": "array", "items": HELD_CATEGORY},
    }
)
CRITERION = obj(
    {
        "code": STRING,
        "kind": {"enum": ["attestation", "min_contribution"]},
        "name": STRING,
        "category": nullable(STRING),
        "nominee_type": nullable(STRING),
        "award_form_id": nullable(INTEGER),
        "min_vnd": nullable(INTEGER),
    }
)
ROUND = obj({"id": INTEGER, "code": STRING, "name": STRING, "submission_opens_on": DAY,
             "submission_closes_on": DAY, "open": BOOLEAN, "position": INTEGER})
CAMPAIGN_RULES = obj(
    {
        "id": INTEGER,
        "code": STRING,
        "name": STRING,
        "plan_number": nullable(STRING),
        "plan_date": nullable(DAY),
        "period_starts_on": nullable(DAY),
        "period_ends_on": nullable(DAY),
        "submission_opens_on": DAY,
        "submission_closes_on": DAY,
        **{name: INTEGER for name in campaign_rules.STAGE_DAYS},
        "public_notice_days": nullable(INTEGER),
        "award_form_ids": {"type": "array", "items": INTEGER},
        "rounds": {"type": "array", "items": ROUND},
        "pools": {"type": "array", "items": POOL},
        "criteria": {"type": "array", "items": CRITERION},
        "rule_version": nullable(obj({"number": INTEGER, "created_at": INSTANT})),
    }
)
LEVEL = obj(
    {
        "position": INTEGER,
        "name": STRING,
        "office_unit_id": INTEGER,
        "appraising_unit_id": nullable(INTEGER),
        "council_unit_id": nullable(INTEGER),
    }
)
AWARD_FORM = obj({"id": INTEGER, "code": STRING, "name": STRING, "pass_share_percent": INTEGER,
                  "levels": {"type": "array", "items": LEVEL}})
LEGAL_BASIS = obj({"id": INTEGER, "code": STRING, "citation": STRING, "position": INTEGER,
                   "valid_from": nullable(DAY), "valid_until": nullable(DAY)})
ATTESTATIONS = obj(
    {
        "version": INTEGER,
        "answers": {
            "type": "array",
            "items": obj({"criterion": STRING, "name": STRING, "answer": nullable(BOOLEAN),
                          "evidence": nullable(STRING)}),
        },
    }
)
IDS: Schema = {"type": "array", "items": INTEGER}
CODE_PARAM = {"name": "code", "in": "path", "required": True, "description": "the criterion's code",
              "schema": {"type": "string", "minLength": 1, "maxLength": 60}}
ADMIN = {"403": FORBIDDEN, "404": NOT_FOUND}
WRITE = ADMIN | {"400": BAD_REQUEST, "422": INVALID_VALUE}


def paths() -> dict:
    campaign_id = path_id("campaign_id", "the campaign")
    pool_id = path_id("pool_id", "the pool")
    round_id = path_id("round_id", "the review round")
    award_form_id = path_id("award_form_id", "the award form")
    legal_basis_id = path_id("legal_basis_id", "the legal basis version")
    nomination_id = path_id("nomination_id", "the nomination")
    campaign_body = body_schema(campaign_rules.CAMPAIGN_FIELDS, ())
    campaign_body["properties"]["award_form_ids"] = IDS
    new_campaign_body = body_schema(
        campaign_rules.NEW_CAMPAIGN_FIELDS, ("code", "name", "submission_opens_on", "submission_closes_on")
    )
    new_campaign_body["properties"]["award_form_ids"] = IDS
    pool_body = body_schema(campaign_rules.POOL_FIELDS, ())
    pool_body["properties"]["category_limits"] = {"type": "object", "additionalProperties": LIMIT}
    new_pool_body = body_schema(campaign_rules.NEW_POOL_FIELDS, ("code", "name"))
    new_pool_body["properties"]["member_ids"] = IDS
    new_pool_body["properties"]["categories"] = {
        "type": "array", "maxItems": campaign_rules.MAX_CATEGORIES,
        "items": body_schema(campaign_rules.CATEGORY_FIELDS, ("code", "name", "nominee_kind")),
    }
    form_body = body_schema(campaign_rules.AWARD_FORM_FIELDS, ())
    form_body["properties"]["levels"] = {
        "type": "array", "items": body_schema(campaign_rules.LEVEL_FIELDS, ("name", "office_unit_id")),
    }
    new_form_body = body_schema(campaign_rules.NEW_AWARD_FORM_FIELDS, ("code", "name", "pass_share_percent", "levels"))
    new_form_body["properties"]["levels"] = form_body["properties"]["levels"]
    criterion_fields = {k: v for k, v in campaign_rules.CRITERION_FIELDS.items() if k != "code"}
    attest_body = obj({"version": INTEGER, "answers": {"type": "array", "items": body_schema(
        attestations.ITEM_FIELDS, ("criterion", "answer"))}}, ("version", "answers"))
    tags = ("campaign rules",)
    return {
        "/campaigns": {
            "post": operation(
                "createCampaign", "Launch a campaign in a unit of the admin's scope (default: the scope's unit), "
                "with award forms the admin keeps and stage limits 10/7/3/5 unless given; its first rule version",
                {"201": ok(CAMPAIGN_RULES, "Created"), "400": BAD_REQUEST, "403": FORBIDDEN, "422": INVALID_VALUE},
                body=new_campaign_body, tags=tags,
            ),
        },
        "/campaigns/{campaign_id}": {
            "patch": operation(
                "updateCampaign", "Edit a campaign's facts, window, stage time limits and award forms (admins); "
                "a new rule version", {"200": ok(CAMPAIGN_RULES)} | WRITE, parameters=[campaign_id],
                body=campaign_body, tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/rules": {
            "get": operation(
                "getCampaignRules", "A campaign's rules with held slots and the current rule version (admins)",
                {"200": ok(CAMPAIGN_RULES)} | ADMIN, parameters=[campaign_id], tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/rounds": {
            "get": operation(
                "listCampaignRounds", "A campaign's review rounds with their windows, in order (admins)",
                {"200": ok(list_of(ROUND, one_page=True))} | ADMIN, parameters=[campaign_id], tags=tags,
            ),
            "post": operation(
                "createCampaignRound", "Add a review round (a window of its own, overlapping no other round's); "
                "a new rule version", {"201": ok(ROUND, "Created"), "409": ROUND_CONFLICT} | WRITE,
                parameters=[campaign_id],
                body=body_schema(campaign_rules.ROUND_FIELDS, ("code", "name", "submission_opens_on",
                                                               "submission_closes_on")), tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/rounds/{round_id}": {
            "patch": operation(
                "updateCampaignRound", "Edit a review round; a new window applies to first submits from now on",
                {"200": ok(ROUND)} | WRITE, parameters=[campaign_id, round_id],
                body=body_schema(campaign_rules.ROUND_FIELDS, ()), tags=tags,
            ),
            "delete": operation(
                "deleteCampaignRound", "Remove a review round no nomination belongs to",
                {"204": {"description": "Removed"}, "409": ROUND_CONFLICT} | ADMIN,
                parameters=[campaign_id, round_id], tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/pools": {
            "post": operation(
                "createPool", "Add a pool: a unit's own or shared by member units (each in the admin's scope), "
                "with limits per kind and per category; a new rule version",
                {"201": ok(POOL, "Created")} | WRITE, parameters=[campaign_id], body=new_pool_body, tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/pools/{pool_id}": {
            "patch": operation(
                "updatePool", "Open or close a pool, change its limits (never below the slots held)",
                {"200": ok(POOL)} | WRITE, parameters=[campaign_id, pool_id], body=pool_body, tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/criteria/{code}": {
            "put": operation(
                "putCriterion", "Add or change an eligibility criterion (attestation or minimum contribution)",
                {"200": ok(CRITERION)} | WRITE, parameters=[campaign_id, CODE_PARAM],
                body=body_schema(criterion_fields, ("kind", "name")), tags=tags,
            ),
            "delete": operation(
                "deleteCriterion", "Remove an eligibility criterion", {"204": {"description": "Removed"}} | ADMIN,
                parameters=[campaign_id, CODE_PARAM], tags=tags,
            ),
        },
        "/campaigns/{campaign_id}/award-forms": {
            "post": operation(
                "createAwardForm", "Add an award form with its chain of levels to a campaign (the campaign then uses "
                "it); a new rule version", {"201": ok(AWARD_FORM, "Created")} | WRITE, parameters=[campaign_id],
                body=new_form_body, tags=tags,
            ),
        },
        "/award-forms": {
            "get": operation(
                "listAwardForms", "Award forms of the campaigns the admin takes part in",
                {"200": ok(list_of(AWARD_FORM, one_page=True)), "403": FORBIDDEN}, tags=tags,
            ),
        },
        "/award-forms/{award_form_id}": {
            "patch": operation(
                "updateAwardForm", "Edit an award form, its pass share and chain of levels",
                {"200": ok(AWARD_FORM), "409": CONFLICT} | WRITE, parameters=[award_form_id], body=form_body,
                tags=tags,
            ),
        },
        "/legal-bases": {
            "get": operation(
                "listLegalBases", "The texts cited in decisions, with their validity (admins)",
                {"200": ok(list_of(LEGAL_BASIS, one_page=True)), "403": FORBIDDEN}, tags=tags,
            ),
            "post": operation(
                "createLegalBasis", "Add a legal basis version (no overlap with another of the same position)",
                {"201": ok(LEGAL_BASIS, "Created"), "400": BAD_REQUEST, "403": FORBIDDEN, "422": INVALID_VALUE},
                body=body_schema(campaign_rules.LEGAL_BASIS_FIELDS, ("code", "citation", "position")), tags=tags,
            ),
        },
        "/legal-bases/{legal_basis_id}": {
            "patch": operation(
                "updateLegalBasis", "Edit a legal basis version", {"200": ok(LEGAL_BASIS)} | WRITE,
                parameters=[legal_basis_id], body=body_schema(campaign_rules.LEGAL_BASIS_FIELDS, ()), tags=tags,
            ),
        },
        "/nominations/{nomination_id}/attestations": {
            "get": operation(
                "getAttestations", "The attestation criteria that apply to the nomination, with its answers",
                {"200": ok(ATTESTATIONS), "404": NOT_FOUND}, parameters=[nomination_id], tags=tags,
            ),
            "put": operation(
                "putAttestations", "Answer attestation criteria (yes needs evidence), while draft or returned",
                {"200": ok(ATTESTATIONS), "409": NOT_EDITABLE} | WRITE, parameters=[nomination_id],
                body=attest_body, tags=tags,
            ),
        },
    }
