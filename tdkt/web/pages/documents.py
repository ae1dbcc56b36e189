"""The "Tài liệu" panel of the nomination, campaign, council meeting and decision pages: what
can be made now, its downloads (DOCX; PDF where LibreOffice is installed), a picture of its
first page, and a decision's many certificates made in the background. Every route loads what
it serves through service.draft_for, the scope check of the API's downloads, so a page never
serves what the API would refuse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from ...models import Campaign, CouncilMeeting, Decision, Nomination
from ...workflow.documents import catalog, jobs, pdf, preview, service, targets
from ...workflow.errors import WorkflowError
from ..api.listing import query_args
from ..files import file_response, options_from, send
from . import actor, bp, commit, me

# target -> (URL of the object, the query parameters its documents take)
TARGETS = {
    "nomination": ("/nominations/<int:target_id>", ("format", "layout")),
    "campaign": ("/campaigns/<int:target_id>", ("format", "issuer", "unit_id", "capacity")),
    "meeting": ("/council-meetings/<int:target_id>", ("format",)),
    "decision": ("/decisions/<int:target_id>", ("format", "layout")),
}
LISTS = {
    "nomination": catalog.for_nomination,
    "campaign": catalog.for_campaign,
    "meeting": catalog.for_meeting,
    "decision": catalog.for_decision,
}
PREVIEW_DIR = "document-previews"


@dataclass(frozen=True)
class Entry:
    label: str
    kind: str
    docx_url: str
    pdf_url: str | None
    preview_url: str | None
    # A batch is made by a background job started with a POST of job_fields to job_url.
    job_url: str | None
    job_fields: dict


@dataclass(frozen=True)
class Panel:
    entries: list[Entry]
    pdf_available: bool


def _entry(target: str, target_id: int, item: catalog.Available, can_preview: bool) -> Entry:
    params = {"target_id": target_id, "kind": item.kind, **item.params}
    if item.batch:
        job_url = url_for("pages.decision_document_job", decision_id=target_id, kind=item.kind)
        return Entry(item.label, item.kind, "", None, None, job_url, item.params)
    return Entry(
        label=item.label,
        kind=item.kind,
        docx_url=url_for(f"pages.{target}_document", **params),
        pdf_url=url_for(f"pages.{target}_document", format="pdf", **params) if "pdf" in item.formats else None,
        preview_url=url_for(f"pages.{target}_document_preview", **params) if can_preview else None,
        job_url=None,
        job_fields={},
    )


@bp.app_template_global()
def documents_panel(target: str, obj: Nomination | Campaign | CouncilMeeting | Decision) -> Panel:
    """The panel of an object its page has already loaded within the viewer's scope."""
    can_preview = preview.available()
    items = LISTS[target](me(), obj)
    return Panel([_entry(target, obj.id, item, can_preview) for item in items], pdf.available())


def _options(target: str, *, with_format: bool = True) -> service.Options:
    allowed = TARGETS[target][1]
    return options_from(query_args(allowed if with_format else [a for a in allowed if a != "format"]))


def _is_batch(target: str, target_id: int, kind: str, options: service.Options) -> bool:
    return target == "decision" and service.is_batch(me(), target_id, kind, options)


def download(target: str, target_id: int, kind: str):
    options = _options(target)
    if _is_batch(target, target_id, kind, options):
        flash("Quyết định có nhiều Giấy khen: bấm “Tạo tệp” để máy chủ tạo trong nền.", "info")
        return redirect(url_for("pages.decision", decision_id=target_id, _anchor="documents"))
    request_actor = actor()
    file = service.produce(
        request_actor, kind, service.draft_for(request_actor.user, target, target_id, kind, options), options.fmt
    )
    commit()
    return file_response(file)


def batch_preview_refused() -> WorkflowError:
    return WorkflowError(
        409,
        "batch_preview",
        "Tệp có nhiều Giấy khen được tạo trong nền nên không xem trước được; vui lòng bấm “Tạo tệp”.",
        {},
    )


def first_page(target: str, target_id: int, kind: str):
    options = _options(target, with_format=False)
    if _is_batch(target, target_id, kind, options):
        raise batch_preview_refused()
    cache = Path(current_app.instance_path) / PREVIEW_DIR
    prepared = preview.prepare(actor(), target, target_id, kind, options, cache)
    # End the transaction before LibreOffice runs: on SQLite it holds the write lock, and the
    # panel's previews would stall every other request for seconds each.
    commit()
    image = prepared.cached
    if image is None:
        image = preview.draw(prepared)
        preview.record(actor(), prepared, image)
        commit()
    docx_sha = prepared.docx_sha
    if request.if_none_match.contains(docx_sha):
        return Response(status=304, headers={"ETag": f'"{docx_sha}"', "Cache-Control": "private, no-cache"})
    response = Response(image, mimetype="image/png")
    response.headers["ETag"] = f'"{docx_sha}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/decisions/<int:decision_id>/documents/<kind>/job")
def decision_document_job(decision_id: int, kind: str):
    """A decision's certificates beyond the batch threshold, made in the background; below
    it the file is simply downloaded."""
    options = service.Options(layout=request.form.get("layout") or service.Options().layout)
    if not _is_batch("decision", decision_id, kind, options):
        return redirect(url_for("pages.decision_document", target_id=decision_id, kind=kind, layout=options.layout))
    job = jobs.create(actor(), decision_id, kind, options)
    commit()
    jobs.dispatch(job.id)
    return redirect(url_for("pages.document_job", job_id=job.id))


def _register(target: str) -> None:
    base = TARGETS[target][0]
    bp.add_url_rule(
        f"{base}/documents/<kind>", f"{target}_document", lambda target_id, kind: download(target, target_id, kind)
    )
    bp.add_url_rule(
        f"{base}/documents/<kind>/preview.png",
        f"{target}_document_preview",
        lambda target_id, kind: first_page(target, target_id, kind),
    )


for _target in TARGETS:
    _register(_target)


@bp.get("/campaigns/<int:campaign_id>/documents")
def campaign_documents(campaign_id: int):
    found = targets.campaign_for(me(), campaign_id)
    return render_template("documents/campaign.html", campaign=found)


@bp.get("/documents/jobs/<int:job_id>")
def document_job(job_id: int):
    """A background job's progress; the page reloads itself (documents.js) until it ends."""
    return render_template("documents/job.html", job=jobs.get(me(), job_id))


@bp.get("/documents/jobs/<int:job_id>/file")
def document_job_file(job_id: int):
    found = jobs.result(actor(), job_id)
    commit()
    return send(found.result, found.content_type, found.filename, found.sha256)
