"""Document routes: Word (or PDF) files of nominations, campaigns, council minutes and
decisions, and the background jobs that make large batches."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response, g

from ...models.documents import DocumentJob
from ...workflow.documents import jobs, service
from ...workflow.errors import bad_request
from ...workflow.payload import ascii_int
from . import actor, bp, commit, serialize
from .listing import query_args


def _int_arg(args: dict, name: str) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    value = ascii_int(raw, max_digits=12)
    if value is None:
        raise bad_request(f"Tham số '{name}' phải là số nguyên.")
    return value


def options_from(args: dict) -> service.Options:
    """The document options of a query string (format, layout, issuer, unit_id, capacity)."""
    defaults = service.Options()
    return service.Options(
        fmt=args.get("format", defaults.fmt),
        layout=args.get("layout", defaults.layout),
        issuer=args.get("issuer", defaults.issuer),
        unit_id=_int_arg(args, "unit_id"),
        capacity=args.get("capacity", defaults.capacity),
    )


def ascii_letters(text: str) -> str:
    """ "Giấy khen - Lâm Thị Hân" -> "Giay khen - Lam Thi Han": the letters without marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def content_disposition(filename: str) -> str:
    """An ASCII name for old clients and the exact Vietnamese one (RFC 5987) for the rest."""
    plain = re.sub(r"[^A-Za-z0-9.]+", "-", ascii_letters(filename)).strip("-") or "document"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send(data: bytes, content_type: str, filename: str, sha256: str) -> Response:
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-SHA256"] = sha256
    response.headers["Cache-Control"] = "private, no-store"
    return response


def file_response(file: service.File) -> Response:
    response = send(file.data, file.content_type, file.filename, file.sha256)
    response.headers["X-Template-Version"] = f"{file.template_kind}/{file.template_version}"
    return response


@bp.get("/nominations/<int:nomination_id>/documents/<kind>")
def nomination_document(nomination_id: int, kind: str):
    options = options_from(query_args({"format", "layout"}))
    file = service.nomination_document(actor(), nomination_id, kind, options)
    commit()
    return file_response(file)


@bp.get("/campaigns/<int:campaign_id>/documents/<kind>")
def campaign_document(campaign_id: int, kind: str):
    options = options_from(query_args({"format", "issuer", "unit_id", "capacity"}))
    file = service.campaign_document(actor(), campaign_id, kind, options)
    commit()
    return file_response(file)


@bp.get("/council-meetings/<int:meeting_id>/documents/<kind>")
def meeting_document(meeting_id: int, kind: str):
    options = options_from(query_args({"format"}))
    file = service.meeting_document(actor(), meeting_id, kind, options)
    commit()
    return file_response(file)


def job_json(job: DocumentJob) -> dict:
    return {
        "id": job.id,
        "job_id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "result_url": f"/api/v1/jobs/{job.id}/result" if job.status == "finished" else None,
        "error": job.error,
        "created_at": serialize.instant(job.created_at),
        "finished_at": serialize.instant(job.finished_at),
    }


@bp.get("/decisions/<int:decision_id>/documents/<kind>")
def decision_document(decision_id: int, kind: str):
    options = options_from(query_args({"format", "layout"}))
    request_actor = actor()
    if service.is_batch(g.api_user, decision_id, kind, options):
        job = jobs.create(request_actor, decision_id, kind, options)
        commit()
        jobs.dispatch(job.id)
        job = jobs.get(g.api_user, job.id)
        return job_json(job), 202, {"Location": f"/api/v1/jobs/{job.id}"}
    file = service.decision_document(request_actor, decision_id, kind, options)
    commit()
    return file_response(file)


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    query_args(())
    return job_json(jobs.get(g.api_user, job_id))


@bp.get("/jobs/<int:job_id>/result")
def job_result(job_id: int):
    query_args(())
    found = jobs.result(actor(), job_id)
    commit()
    return send(found.result, found.content_type, found.filename, found.sha256)
