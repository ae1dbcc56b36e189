"""The OpenAPI paths of the document routes (documents.py), merged into spec.build_spec."""

from __future__ import annotations

from ...workflow.documents import service, targets
from .spec import (
    BAD_REQUEST,
    ID_PARAM,
    INSTANT,
    INTEGER,
    NOT_FOUND,
    STRING,
    Schema,
    enum,
    error,
    json_content,
    nullable,
    obj,
    operation,
    path_id,
    query,
)

BINARY: Schema = {"type": "string", "format": "binary"}
FILE = {
    "description": "The file (see Content-Disposition for its name, X-Content-SHA256 for its hash)",
    "content": {service.DOCX: {"schema": BINARY}, service.PDF: {"schema": BINARY}},
    "headers": {
        "Content-Disposition": {"schema": STRING, "description": "attachment; filename*=UTF-8''…"},
        "X-Content-SHA256": {"schema": STRING, "description": "SHA-256 of the body, also in the audit trail"},
    },
}
JOB = obj(
    {
        "id": INTEGER,
        "job_id": INTEGER,
        "kind": STRING,
        "status": enum(("queued", "running", "finished", "failed")),
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "result_url": nullable(STRING),
        "error": nullable(STRING),
        "created_at": INSTANT,
        "finished_at": nullable(INSTANT),
    }
)
FORMAT = query("format", enum(service.FORMATS), "docx (default) or pdf (LibreOffice; 501 where it is missing)")
LAYOUT = query("layout", enum(service.LAYOUTS), "giay_khen: standard (default) or phoi, for pre-printed blanks")
UNAVAILABLE = {
    "422": error("A parameter value out of its set", "validation_failed"),
    "501": error("PDF asked where LibreOffice is not installed", "pdf_unavailable"),
    "503": error("LibreOffice failed or timed out", "pdf_failed"),
}
NOT_READY = (
    "missing_reference_data",
    "template_broken",
    "no_nominations",
)


def kind_param(kinds) -> dict:
    return {
        "name": "kind",
        "in": "path",
        "required": True,
        "description": "the document; any other answers 404",
        "schema": enum(kinds),
    }


def document(operation_id: str, summary: str, params: list, conflicts: tuple[str, ...], *, forbidden=False, extra=None):
    responses = {
        "200": FILE,
        "400": BAD_REQUEST,
        "404": NOT_FOUND,
        "409": error("The document cannot be made yet", *conflicts, *NOT_READY),
    } | UNAVAILABLE | (extra or {})
    if forbidden:
        responses["403"] = error("In scope, but not for the caller's roles", "forbidden")
    return operation(operation_id, summary, responses, parameters=params, tags=("documents",))


def paths() -> dict:
    return {
        "/nominations/{nomination_id}/documents/{kind}": {
            "get": document(
                "getNominationDocument",
                "Báo cáo thành tích, the unit's Tờ trình, or the Giấy khen (once approved)",
                [path_id("nomination_id", "the nomination"), kind_param(service.NOMINATION_KINDS), FORMAT, LAYOUT],
                ("not_approved", "incomplete_nomination"),
            )
        },
        "/campaigns/{campaign_id}/documents/{kind}": {
            "get": document(
                "getCampaignDocument",
                "Danh sách or Tờ trình of a unit, the office or the council; quyet_dinh: the copy "
                "for signature of what awaits the signer (number and day blank)",
                [
                    path_id("campaign_id", "the campaign"),
                    kind_param(service.CAMPAIGN_KINDS),
                    query("issuer", enum(targets.ISSUERS), "unit (default), office or council"),
                    query("unit_id", ID_PARAM, "the proposing unit (issuer=unit; proposers default to theirs)"),
                    query("capacity", enum(service.CAPACITIES), "quyet_dinh: who will sign (default chairman)"),
                    FORMAT,
                ],
                (),
                forbidden=True,
            )
        },
        "/council-meetings/{meeting_id}/documents/{kind}": {
            "get": document(
                "getMeetingDocument",
                "Biên bản họp Hội đồng TĐKT (office roles, auditors, admins)",
                [path_id("meeting_id", "the meeting"), kind_param(service.MEETING_KINDS), FORMAT],
                (),
                forbidden=True,
            )
        },
        "/decisions/{decision_id}/documents/{kind}": {
            "get": document(
                "getDecisionDocument",
                "Quyết định with its annex, or every Giấy khen of the decision the caller may see, "
                "one per page; a large batch answers 202 with a job to poll",
                [path_id("decision_id", "the decision"), kind_param(service.DECISION_KINDS), FORMAT, LAYOUT],
                (),
                extra={
                    "202": {
                        "description": "Made in the background: poll GET /jobs/{job_id}",
                        "headers": {"Location": {"schema": STRING}},
                        "content": json_content(JOB),
                    }
                },
            )
        },
        "/jobs/{job_id}": {
            "get": operation(
                "getDocumentJob",
                "A background document job of the caller",
                {"200": {"description": "OK", "content": json_content(JOB)}, "400": BAD_REQUEST, "404": NOT_FOUND},
                parameters=[path_id("job_id", "the job")],
                tags=("documents",),
            )
        },
        "/jobs/{job_id}/result": {
            "get": operation(
                "getDocumentJobResult",
                "The file a finished job made",
                {
                    "200": FILE,
                    "400": BAD_REQUEST,
                    "404": NOT_FOUND,
                    "409": error("The job has not finished", "job_not_finished"),
                },
                parameters=[path_id("job_id", "the job")],
                tags=("documents",),
            )
        },
    }
