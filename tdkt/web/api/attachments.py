"""Attachment routes: upload (multipart), list with the checklist, download, remove, and the
whole dossier as one zip. Files always leave as downloads, never rendered by the browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO, TypeVar

from flask import Response, current_app, g, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from ...models import db
from ...models.attachments import Attachment
from ...workflow import attachments
from ...workflow.actor import Actor
from ...workflow.errors import bad_request
from ...workflow.text import nfc
from . import actor, bp, commit, serialize

FORM_FIELDS = frozenset({"kind", "file"})
# Room for the multipart headers and the kind field around the largest accepted file.
ENVELOPE_BYTES = 64 * 1024


def read_upload(extra_fields: frozenset[str] = frozenset()) -> attachments.Upload:
    """The multipart request as the workflow takes it; 400 for a body of another shape. The
    request may not grow past one accepted file: werkzeug stops reading there."""
    request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + ENVELOPE_BYTES
    if request.mimetype != "multipart/form-data":
        raise bad_request("Cần gửi multipart/form-data gồm trường 'file' (tệp) và 'kind'.")
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        return attachments.Upload(kind=None, filename=None, stream=None, too_large=True)
    unknown = sorted((set(form) | set(files)) - FORM_FIELDS - extra_fields)
    if unknown:
        raise bad_request(
            f"Trường không được hỗ trợ: {', '.join(unknown)}.", unknown_fields=unknown
        )
    if len(form.getlist("kind")) > 1 or len(files.getlist("file")) > 1:
        raise bad_request("Mỗi lần gửi một tệp với một loại giấy tờ.")
    file = files.get("file")
    # A browser sends an empty part without a name when no file was chosen.
    chosen = file is not None and file.filename != ""
    return attachments.Upload(
        kind=nfc(form["kind"]) if "kind" in form else None,
        filename=file.filename if chosen else None,
        stream=file.stream if chosen else None,
    )


def send(stream: BinaryIO, content_type: str, filename: str, sha256: str) -> Response:
    """A download and nothing else: an attachment (RFC 5987 filename*), no sniffing, no
    scripts should a browser try to show it anyway, no caching of legal papers."""
    response = send_file(
        stream,
        mimetype=content_type,
        as_attachment=True,
        download_name=filename,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-SHA256"] = sha256
    return response


Opened = TypeVar("Opened")


def checked_download(who: Actor, open_download: Callable[[], Opened]) -> Opened:
    """Run a download's workflow call; when a stored file turns out damaged, the request's own
    work is undone and the refusal alone is committed to the audit trail before it is answered."""
    try:
        return open_download()
    except attachments.StoredFileDamaged as damaged:
        db.session.rollback()
        attachments.record_damage(who, damaged)
        commit()
        raise


def attachment_json(a: Attachment) -> dict:
    return {
        "id": a.id,
        "kind": a.kind,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": serialize.instant(a.uploaded_at),
        "uploaded_by": serialize.user_ref(a.uploaded_by),
        "removed_at": serialize.instant(a.removed_at),
        "removed_by": serialize.user_ref(a.removed_by),
    }


def dossier_json(d: attachments.Dossier) -> dict:
    since = d.since_return
    return {
        "items": [attachment_json(a) for a in d.current],
        "removed": [attachment_json(a) for a in d.removed],
        "checklist": [
            {"kind": line.kind, "label": line.label, "present": line.present, "done": line.done}
            for line in d.checklist
        ],
        "since_return": None
        if since is None
        else {
            "returned_at": serialize.instant(since.returned_at),
            "added": [a.id for a in since.added],
            "removed": [a.id for a in since.removed],
        },
    }


@bp.post("/nominations/<int:nomination_id>/attachments")
def upload_attachment(nomination_id: int):
    attachment = attachments.add(actor(), nomination_id, read_upload)
    commit()
    return attachment_json(attachment), 201


@bp.get("/nominations/<int:nomination_id>/attachments")
def list_attachments(nomination_id: int):
    return dossier_json(attachments.dossier(g.api_user, nomination_id))


@bp.get("/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
def download_attachment(nomination_id: int, attachment_id: int):
    who = actor()
    attachment, stream = checked_download(who, lambda: attachments.open_file(who, nomination_id, attachment_id))
    commit()
    return send(stream, attachment.content_type, attachment.filename, attachment.sha256)


@bp.delete("/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
def remove_attachment(nomination_id: int, attachment_id: int):
    attachments.remove(actor(), nomination_id, attachment_id)
    commit()
    return "", 204


@bp.get("/nominations/<int:nomination_id>/attachments.zip")
def download_dossier(nomination_id: int):
    who = actor()
    filename, stream, sha256 = checked_download(who, lambda: attachments.zip_dossier(who, nomination_id))
    commit()
    return send(stream, "application/zip", filename, sha256)
