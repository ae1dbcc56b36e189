"""Administration of what documents are made from: the .docx template versions of each kind
(upload, download; issued documents keep theirs), each unit's letterhead and signer, and the
Giấy khen print offsets for pre-printed blanks. Every change is audited by the engine."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...forms.base import body_of, show_error
from ...forms.documents import IssuerForm, OffsetsForm, TemplateUploadForm
from ...models import Unit, db
from ...models.documents import DocumentIssuer
from ...workflow import admin
from ...workflow.documents import certificates, issuers, templates
from ...workflow.documents.service import DOCX
from ...workflow.errors import not_found
from ...workflow.permissions import visible_units
from ..files import send
from . import actor, bp, me, require_role
from .saving import attempt


def _kind(kind: str) -> str:
    if kind not in templates.KINDS:
        raise not_found("Loại mẫu văn bản")
    return kind


@bp.get("/admin/document-templates")
def admin_document_templates():
    require_role("admin")
    kinds = [(kind, label, templates.in_use(kind)) for kind, (label, _) in templates.KINDS.items()]
    return render_template("admin/document_templates.html", kinds=kinds)


def _template_page(kind: str, form: TemplateUploadForm, message: str | None = None, status: int = 200):
    label, fields = templates.KINDS[kind]
    return render_template(
        "admin/document_template.html",
        kind=kind,
        label=label,
        fields=sorted(fields),
        versions=templates.versions(kind),
        form=form,
        message=message,
        max_mb=templates.MAX_TEMPLATE_BYTES // (1024 * 1024),
    ), status


@bp.route("/admin/document-templates/<kind>", methods=["GET", "POST"])
def admin_document_template(kind: str):
    require_role("admin")
    _kind(kind)
    form = TemplateUploadForm()
    if not form.is_submitted():
        return _template_page(kind, form)
    if not form.validate():
        return _template_page(kind, form, status=422)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = ["Cần chọn tệp mẫu .docx để tải lên."]
        return _template_page(kind, form, status=422)
    # One byte beyond the limit is enough to know the file is too large.
    data = upload.stream.read(templates.MAX_TEMPLATE_BYTES + 1)
    row, refused = attempt(lambda: templates.upload(actor(), kind, data, upload.filename, form.note.data or ""))
    if refused:
        return _template_page(kind, form, message=refused.message, status=refused.status)
    flash(f"Đã tải lên phiên bản {row.version} của mẫu; văn bản tạo từ nay dùng phiên bản này.", "success")
    return redirect(url_for("pages.admin_document_template", kind=kind))


@bp.get("/admin/document-templates/<kind>/<int:version>")
def admin_document_template_file(kind: str, version: int):
    require_role("admin")
    row = templates.version(_kind(kind), version)
    return send(row.content, DOCX, f"{kind}-v{row.version}.docx", row.sha256)


@bp.get("/admin/document-issuers")
def admin_document_issuers():
    require_role("admin")
    user = me()
    units = [u for u in db.session.scalars(visible_units(user).order_by(Unit.path)) if admin.administers(user, u)]
    recorded = {
        (row.unit_id, row.role)
        for row in db.session.scalars(select(DocumentIssuer).where(DocumentIssuer.unit_id.in_([u.id for u in units])))
    }
    return render_template(
        "admin/document_issuers.html", units=units, recorded=recorded, roles=issuers.ROLE_LABELS
    )


@bp.route("/admin/document-issuers/<int:unit_id>/<role>", methods=["GET", "POST"])
def admin_document_issuer(unit_id: int, role: str):
    unit, current = issuers.managed(actor(), unit_id, role)
    form = IssuerForm(obj=current) if request.method == "GET" else IssuerForm()
    message, status = None, 200
    if form.validate_on_submit():
        _, refused = attempt(lambda: issuers.save(actor(), unit.id, role, body_of(form, issuers.ISSUER_FIELDS)))
        if refused:
            message, status = show_error(form, refused), refused.status
        else:
            flash("Đã lưu thông tin cơ quan ban hành văn bản.", "success")
            return redirect(url_for("pages.admin_document_issuer", unit_id=unit.id, role=role))
    elif form.errors:
        status = 422
    return render_template(
        "admin/document_issuer.html",
        unit=unit,
        role=role,
        role_label=issuers.ROLE_LABELS[role],
        recorded=current.id is not None,
        form=form,
        message=message,
    ), status


@bp.route("/admin/certificate-layouts/<int:unit_id>", methods=["GET", "POST"])
def admin_certificate_layout(unit_id: int):
    unit = admin.managed_unit(actor(), unit_id)
    layout = certificates.layout_for(unit)
    form = OffsetsForm(obj=layout) if request.method == "GET" else OffsetsForm()
    message, status = None, 200
    if form.validate_on_submit():
        x_mm, y_mm = form.offset_x_mm.data, form.offset_y_mm.data
        _, refused = attempt(lambda: certificates.set_offsets(actor(), unit, x_mm, y_mm))
        if refused:
            message, status = show_error(form, refused), refused.status
        else:
            flash("Đã lưu vị trí in Giấy khen trên phôi.", "success")
            return redirect(url_for("pages.admin_certificate_layout", unit_id=unit.id))
    elif form.errors:
        status = 422
    return render_template(
        "admin/certificate_layout.html",
        unit=unit,
        form=form,
        message=message,
        max_mm=certificates.MAX_OFFSET_MM,
    ), status
