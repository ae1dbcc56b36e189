"""Background generation of large batches (a decision's certificates): a DocumentJob row the
requester polls. With REDIS_URL an RQ worker makes the file (`flask worker documents`); without
it, or when Redis cannot take the job, the requesting process makes it right after the commit.
Progress has three steps (0 queued, 10 started, 100 done): docxtpl fills a template in one
call, so there is nothing finer to report honestly."""

from __future__ import annotations

import importlib
import logging
import os
from contextlib import nullcontext
from dataclasses import asdict

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

from ...models import User, db, utcnow
from ...models.documents import DocumentJob
from .. import audit
from ..actor import Actor
from ..errors import WorkflowError, not_found
from ..payload import fits_integer
from . import service
from .settings import setting

log = logging.getLogger(__name__)

JOB_TIMEOUT = 3600
STARTED = 10


def create(actor: Actor, decision_id: int, kind: str, options: service.Options) -> DocumentJob:
    job = DocumentJob(
        user_id=actor.user.id,
        kind=kind,
        object_type="decision",
        object_id=decision_id,
        options=asdict(options),
        status="queued",
        progress=0,
    )
    db.session.add(job)
    db.session.flush()
    return job


def dispatch(job_id: int) -> None:
    """After the commit that created the job: hand it to RQ, or make it here."""
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            connection = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
            Queue(setting("DOCUMENT_QUEUE"), connection=connection).enqueue(
                run_job, job_id, job_id=f"documents-{job_id}", job_timeout=JOB_TIMEOUT, result_ttl=3600
            )
            return
        except RedisError as exc:
            log.warning("documents: Redis refused job %s (%s); making it in-process", job_id, exc)
    run(job_id)


def _set(job: DocumentJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    db.session.commit()


def run(job_id: int) -> None:
    job = db.session.get(DocumentJob, job_id)
    if job is None or job.status != "queued":
        return
    _set(job, status="running", progress=STARTED)
    user = db.session.get(User, job.user_id)
    options = service.Options(**job.options)
    try:
        file = service.decision_document(Actor(user, None, "document-job"), job.object_id, job.kind, options)
    except WorkflowError as exc:
        db.session.rollback()
        job = db.session.get(DocumentJob, job_id)
        _set(job, status="failed", error=exc.message, finished_at=utcnow())
        return
    _set(
        job,
        status="finished",
        progress=100,
        filename=file.filename,
        content_type=file.content_type,
        sha256=file.sha256,
        result=file.data,
        finished_at=utcnow(),
    )


def run_job(job_id: int) -> None:
    """The RQ task; a bare `rq worker` has no app context, `flask worker` has one."""
    context = nullcontext() if has_app_context() else _app().app_context()
    with context:
        run(job_id)


def _app():
    """The app named as Flask's CLI names it (FLASK_APP, default `wsgi`)."""
    module, _, name = os.environ.get("FLASK_APP", "wsgi").partition(":")
    return getattr(importlib.import_module(module), name or "app")


def get(user: User, job_id: int) -> DocumentJob:
    """A job is its requester's alone."""
    job = db.session.get(DocumentJob, job_id) if fits_integer(job_id) else None
    if job is None or job.user_id != user.id:
        raise not_found("Yêu cầu tạo văn bản")
    return job


def result(actor: Actor, job_id: int) -> DocumentJob:
    job = get(actor.user, job_id)
    if job.status != "finished":
        raise WorkflowError(409, "job_not_finished", "Văn bản chưa tạo xong.", {"status": job.status})
    audit.record(
        actor,
        "download",
        object_type="document_job",
        object_id=job.id,
        details={"kind": job.kind, "sha256": job.sha256},
    )
    return job

