"""The template store: versions of each .docx template in the database. Version 1 of a kind is
the file in docx_templates/, registered the first time it is needed; an admin uploads later
versions. New documents use the highest version; an issued one keeps the version it was first
made with (a DocumentPin), so making it again gives the same bytes."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...models import db
from ...models.documents import DocumentPin, DocumentTemplate
from ..actor import Actor
from ..admin import admin_scopes, record_admin_change
from ..errors import WorkflowError, forbidden, not_found, unprocessable
from .formatting import clean
from .render import TemplateBroken, declared_variables, open_template

TEMPLATE_DIR = Path(os.environ.get("DOCX_TEMPLATES_DIR") or Path(__file__).resolve().parents[3] / "docx_templates")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

# kind -> (label, the top-level names its context provides)
LETTERHEAD = {"header", "number", "place_date", "signature"}
LETTER = LETTERHEAD | {
    "recipient", "issuer_name", "award_form", "campaign", "basis", "counts", "collectives",
    "individuals", "units_count", "meetings", "pass_share",
}
REPORT = {
    "header", "place_date", "award_form", "award_form_upper", "name_upper", "campaign", "profile",
    "achievement", "contribution", "confirmation", "reporter",
}
KINDS: dict[str, tuple[str, set[str]]] = {
    "to_trinh_unit": ("Tờ trình đề nghị khen thưởng (đơn vị đề nghị)", LETTER),
    "to_trinh_office": ("Tờ trình đề nghị khen thưởng (Văn phòng Điều phối)", LETTER),
    "to_trinh_council": ("Tờ trình đề nghị khen thưởng (Hội đồng TĐKT)", LETTER),
    "danh_sach": (
        "Danh sách đề nghị khen thưởng",
        LETTERHEAD | {"title", "subtitle", "collectives", "individuals", "totals"},
    ),
    "bao_cao_ca_nhan": ("Báo cáo thành tích cá nhân", REPORT),
    "bao_cao_tap_the": ("Báo cáo thành tích tập thể", REPORT),
    "bien_ban": (
        "Biên bản họp Hội đồng Thi đua - Khen thưởng",
        {
            "header", "number", "place_date", "campaign", "meeting", "chair", "secretary", "votes",
            "counts", "award_form", "pass_share", "proposal_to",
        },
    ),
    "quyet_dinh": (
        "Quyết định khen thưởng",
        LETTERHEAD | {
            "authority", "award_form", "award_form_short", "campaign", "basis", "proposal", "counts",
            "base_salary", "salary_source", "article", "rates", "total_money", "total_words",
            "fund_source", "annex",
        },
    ),
    "giay_khen": ("Giấy khen", {"certificates"}),
    "giay_khen_phoi": ("Giấy khen (in trên phôi)", {"certificates"}),
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise unprocessable("validation_failed", f"Không có loại mẫu '{kind}'.", fields={"kind": "Loại mẫu không tồn tại"})


def builtin_path(kind: str) -> Path:
    return TEMPLATE_DIR / f"{kind}.docx"


def _insert(row: DocumentTemplate) -> DocumentTemplate:
    """Insert a version; when two transactions register the same version at once the second
    takes the first one's row."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return db.session.scalars(select(DocumentTemplate).filter_by(kind=row.kind, version=row.version)).one()
    return row


def builtin(kind: str) -> DocumentTemplate:
    """Version 1, read from docx_templates/, not added to the session: what a kind is until a
    document is made from it or a new version uploaded, when it is stored (ensure_builtin)."""
    data = builtin_path(kind).read_bytes()
    return DocumentTemplate(
        kind=kind, version=1, filename=builtin_path(kind).name, sha256=_sha(data), content=data, note="Mẫu gốc"
    )


def ensure_builtin(kind: str) -> DocumentTemplate:
    """Version 1 from docx_templates/ stored unless some version exists."""
    _check_kind(kind)
    found = latest_or_none(kind)
    if found is not None:
        return found
    return _insert(builtin(kind))


def ensure_all() -> None:
    for kind in KINDS:
        ensure_builtin(kind)


def latest_or_none(kind: str) -> DocumentTemplate | None:
    return db.session.scalars(
        select(DocumentTemplate).filter_by(kind=kind).order_by(DocumentTemplate.version.desc())
    ).first()


def latest(kind: str) -> DocumentTemplate:
    """The version new documents use, stored (a pin or a next version refers to its row)."""
    return latest_or_none(kind) or ensure_builtin(kind)


def in_use(kind: str) -> DocumentTemplate:
    """The version new documents use, for reading only: nothing is written."""
    _check_kind(kind)
    return latest_or_none(kind) or builtin(kind)


def for_document(kind: str, pin: tuple[str, int] | None) -> DocumentTemplate:
    """The latest version, or for an issued document the version pinned to it (pinned now if
    this is its first making)."""
    if pin is None:
        return latest(kind)
    object_type, object_id = pin
    query = select(DocumentPin).filter_by(template_kind=kind, object_type=object_type, object_id=object_id)
    found = db.session.scalars(query).first()
    if found is not None:
        return found.template
    template = latest(kind)
    try:
        with db.session.begin_nested():
            db.session.add(
                DocumentPin(template_kind=kind, object_type=object_type, object_id=object_id, template_id=template.id)
            )
    except IntegrityError:
        return db.session.scalars(query).one().template
    return template


def versions(kind: str) -> list[DocumentTemplate]:
    """Every version, oldest first; nothing is written (an unstored version 1 is the built-in)."""
    _check_kind(kind)
    stored = db.session.scalars(select(DocumentTemplate).filter_by(kind=kind).order_by(DocumentTemplate.version))
    return list(stored) or [builtin(kind)]


def version(kind: str, number: int) -> DocumentTemplate:
    """One version; nothing is written (an unstored version 1 is the built-in)."""
    _check_kind(kind)
    found = db.session.scalars(select(DocumentTemplate).filter_by(kind=kind, version=number)).first()
    if found is None and number == 1 and latest_or_none(kind) is None:
        return builtin(kind)
    if found is None:
        raise not_found("Phiên bản mẫu")
    return found


def _validate(kind: str, data: bytes) -> None:
    if not data:
        raise _rejected("Tệp mẫu trống.")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise _rejected(f"Tệp mẫu vượt quá {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB.")
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        names = []
    if "word/document.xml" not in names:
        raise _rejected("Tệp mẫu phải là tài liệu Word (.docx).")
    try:
        open_template(data)
    except TemplateBroken as exc:
        raise _rejected("Tệp mẫu không mở được như tài liệu Word (.docx); hãy lưu lại bằng Word rồi tải lên.") from exc
    try:
        used = declared_variables(data)
    except TemplateBroken as exc:
        raise _rejected(f"Mẫu có thẻ sai cú pháp: {exc}") from exc
    unknown = sorted(used - KINDS[kind][1])
    if unknown:
        raise _rejected(f"Mẫu dùng trường không có trong dữ liệu: {', '.join(unknown)}.", unknown=unknown)


def _rejected(message: str, **details) -> WorkflowError:
    return unprocessable("file_rejected", message, **details)


def upload(actor: Actor, kind: str, data: bytes, filename: str, note: str = "") -> DocumentTemplate:
    """A new version of a kind's template (admins). Its tags are checked against the fields
    the kind's context provides, so a typo is refused here rather than at printing time."""
    if actor.user is None or not actor.user.has_role("admin"):
        raise forbidden("Chỉ quản trị được tải lên mẫu văn bản.")
    # Every unit prints from the same version: a district's admin must not change a province's.
    if not any(scope.parent_id is None for scope in admin_scopes(actor.user)):
        raise forbidden("Mẫu văn bản dùng chung cho mọi đơn vị; chỉ quản trị cấp tỉnh được tải lên phiên bản mới.")
    _check_kind(kind)
    _validate(kind, data)
    latest(kind)
    version = (db.session.scalar(select(func.max(DocumentTemplate.version)).filter_by(kind=kind)) or 0) + 1
    row = DocumentTemplate(
        kind=kind,
        version=version,
        filename=clean(filename)[:255] or f"{kind}.docx",
        sha256=_sha(data),
        content=data,
        note=clean(note)[:255],
        uploaded_by_id=actor.user.id,
    )
    db.session.add(row)
    db.session.flush()
    record_admin_change(
        actor, "upload_template", object_type="document_template", object_id=row.id,
        kind=kind, version=version, sha256=row.sha256, filename=row.filename,
    )
    return row
