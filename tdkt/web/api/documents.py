"""Document routes: Word (or PDF) files of nominations, campaigns, council minutes and
decisions, and the background jobs that make large batches."""

from __future__ import annotations

from flask import g

from ...models.documents import DocumentJob
from ...workflow.documents import jobs, service
from ..files import file_response, options_from, send
from . import actor, bp, commit, serialize
from .listing import query_args


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
