"""A dossier's files on the nomination page: upload, remove, download one or all (zip), and
the admin's checklist of required papers per award form."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for

from ...models import Nomination
from ...workflow import attachment_checklist as checklist
from ...workflow import attachments
from ...workflow.errors import WorkflowError
from ...workflow.permissions import can_edit
from ..api.attachments import checked_download, read_upload, send
from ..extensions import csrf
from . import actor, bp, commit, me, require_role, rollback
from .nominations import nomination as nomination_page


@dataclass(frozen=True)
class Panel:
    dossier: attachments.Dossier
    can_edit: bool
    kinds: dict[str, str]
    max_bytes: str


@bp.app_template_global()
def attachment_panel(n: Nomination) -> Panel:
    return Panel(
        dossier=attachments.dossier_of(n),
        can_edit=can_edit(me(), n),
        kinds=checklist.KIND_LABELS,
        max_bytes=attachments.size_words(current_app.config["ATTACHMENT_MAX_BYTES"]),
    )


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    return attachments.size_words(size)


def _refused(nomination_id: int, exc: WorkflowError):
    """The nomination page again, with the refusal on top and the refusal's status."""
    rollback()
    if exc.status == 404:
        raise exc
    flash(exc.message, "error")
    return nomination_page(nomination_id), exc.status


def _read_checked() -> attachments.Upload:
    # The CSRF check reads the form, so it runs only once read_upload has capped the request
    # at one file's size; a request cut off there changes nothing and only hears why.
    upload = read_upload(frozenset({"csrf_token"}))
    if not upload.too_large and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return upload


@bp.post("/nominations/<int:nomination_id>/attachments")
@csrf.exempt  # checked in _read_checked, after the size cap
def attachment_upload(nomination_id: int):
    try:
        added = attachments.add(actor(), nomination_id, _read_checked)
        commit()
    except WorkflowError as exc:
        return _refused(nomination_id, exc)
    flash(f"Đã thêm tệp “{added.filename}”.", "success")
    return redirect(url_for("pages.nomination", nomination_id=nomination_id, _anchor="attachments"))


@bp.post("/nominations/<int:nomination_id>/attachments/<int:attachment_id>/remove")
def attachment_remove(nomination_id: int, attachment_id: int):
    try:
        removed = attachments.remove(actor(), nomination_id, attachment_id)
        commit()
    except WorkflowError as exc:
        return _refused(nomination_id, exc)
    flash(f"Đã bỏ tệp “{removed.filename}” khỏi hồ sơ (bản cũ vẫn được lưu).", "success")
    return redirect(url_for("pages.nomination", nomination_id=nomination_id, _anchor="attachments"))


@bp.get("/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
def attachment_download(nomination_id: int, attachment_id: int):
    who = actor()
    attachment, stream = checked_download(who, lambda: attachments.open_file(who, nomination_id, attachment_id))
    commit()
    return send(stream, attachment.content_type, attachment.filename, attachment.sha256)


@bp.get("/nominations/<int:nomination_id>/attachments.zip")
def attachments_zip(nomination_id: int):
    who = actor()
    filename, stream, sha256 = checked_download(who, lambda: attachments.zip_dossier(who, nomination_id))
    commit()
    return send(stream, "application/zip", filename, sha256)


def _wanted(values: list[str]) -> list[tuple[str | None, str]]:
    """Checkbox values "category:kind", with "*" for every category."""
    wanted = []
    for value in values:
        category, _, kind = value.rpartition(":")
        wanted.append((None if category == "*" else category, kind))
    return wanted


@bp.route("/admin/award-forms/<int:award_form_id>/attachments", methods=["GET", "POST"])
def admin_attachment_checklist(award_form_id: int):
    require_role("admin")
    form = checklist.editable_form(actor(), award_form_id)
    message, status = None, 200
    if request.method == "POST":
        try:
            checklist.set_requirements(actor(), form.id, _wanted(request.form.getlist("required")))
            commit()
        except WorkflowError as exc:
            rollback()
            message, status = exc.message, exc.status
        else:
            flash("Đã lưu danh mục giấy tờ bắt buộc.", "success")
            return redirect(url_for("pages.admin_attachment_checklist", award_form_id=form.id))
    chosen = {f"{r.category or '*'}:{r.kind}" for r in checklist.requirements_of(form)}
    return render_template(
        "admin/attachment_checklist.html",
        award_form=form,
        categories=checklist.categories_of(form),
        kinds=checklist.KIND_LABELS,
        chosen=chosen,
        message=message,
    ), status
