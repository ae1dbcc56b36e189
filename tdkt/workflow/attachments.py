"""A dossier's files: added and removed only while the proposer may edit, kept for good (a
removal stamps the row, the bytes stay), read in scope with every download in the audit.

Checks run in the API's order: scope (404), request shape (400, by the caller's `read`),
role (403), state (409), fields and the file itself (422).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from ..models import AuditEvent, Nomination, User, db, utcnow
from ..models.attachments import ATTACHMENT_KINDS, Attachment
from . import attachment_store, audit, filenames, filetypes
from .actor import Actor
from .attachment_checklist import KIND_LABELS, Line, checklist
from .clock import to_local
from .errors import WorkflowError, forbidden, not_found, unprocessable, validation_failed
from .machine import EDITABLE_STATES
from .nominations import _load
from .payload import fits_integer
from .permissions import acting_roles, may_ever_fire


@dataclass(frozen=True)
class Upload:
    """What a request carried. The caller reads it only once the nomination is known to be in
    scope; `too_large` marks a request cut off before its file was read whole."""

    kind: str | None
    filename: str | None
    stream: BinaryIO | None
    too_large: bool = False


@dataclass(frozen=True)
class SinceReturn:
    """The net change to the files since the dossier was last returned for revision."""

    returned_at: datetime
    added: list[Attachment]
    removed: list[Attachment]


@dataclass(frozen=True)
class Dossier:
    nomination: Nomination
    current: list[Attachment]
    removed: list[Attachment]
    checklist: list[Line]
    since_return: SinceReturn | None


def size_words(size: int) -> str:
    """"20 MB", "1,5 MB", "4,9 KB": a decimal comma, as Vietnamese writes it."""
    if size < 2**10:
        return f"{size} byte"
    value, unit = (size / 2**20, "MB") if size >= 2**20 else (size / 2**10, "KB")
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " " + unit


def file_rejected(message: str, **details) -> WorkflowError:
    return unprocessable("file_rejected", message, **details)


def _require_editor(user: User, nomination: Nomination) -> None:
    if not may_ever_fire(user, nomination, "submit"):
        raise forbidden("Chỉ cán bộ đề xuất của đơn vị mới được thêm, bớt tệp của hồ sơ.")
    if nomination.state not in EDITABLE_STATES:
        raise WorkflowError(
            409,
            "not_editable",
            "Chỉ thêm, bớt tệp khi hồ sơ ở trạng thái Dự thảo hoặc Trả lại để bổ sung.",
            {"state": nomination.state},
        )


def _check_fields(upload: Upload) -> None:
    problems = {}
    if not upload.kind:
        problems["kind"] = "Loại giấy tờ là bắt buộc"
    elif upload.kind not in ATTACHMENT_KINDS:
        problems["kind"] = f"Loại giấy tờ phải là một trong: {', '.join(ATTACHMENT_KINDS)}"
    if upload.stream is None:
        problems["file"] = "Cần chọn tệp để tải lên"
    if problems:
        raise validation_failed(problems)


def _too_large(limit: int) -> WorkflowError:
    return file_rejected(
        f"Tệp vượt quá dung lượng cho phép ({size_words(limit)} mỗi tệp).",
        reason="file_too_large",
        limit=limit,
    )


def _accepted(incoming: attachment_store.Incoming) -> filetypes.FileType:
    if incoming.size == 0:
        raise file_rejected("Tệp rỗng, không có nội dung.", reason="empty")
    file_type = filetypes.sniff(incoming.path)
    if file_type is None:
        raise file_rejected(
            f"Chỉ nhận tệp {filetypes.ACCEPTED_WORDS}; nội dung tệp này không thuộc loại nào "
            "trong số đó (loại tệp được xét theo nội dung, không theo tên).",
            reason="type_not_allowed",
            accepted=[t.content_type for t in filetypes.ACCEPTED],
        )
    return file_type


def _within_total(nomination: Nomination, size: int, limit: int) -> None:
    # PostgreSQL sums a BIGINT into a NUMERIC: back to an int for the message and details.
    used = int(
        db.session.scalar(
            select(func.coalesce(func.sum(Attachment.size), 0)).where(
                Attachment.nomination_id == nomination.id, Attachment.removed_at.is_(None)
            )
        )
    )
    if used + size > limit:
        raise file_rejected(
            f"Tổng dung lượng tệp của hồ sơ vượt mức {size_words(limit)}: đã có "
            f"{size_words(used)}, thêm tệp này ({size_words(size)}) thì quá.",
            reason="nomination_total",
            used=used,
            size=size,
            limit=limit,
        )


def _described(attachment: Attachment) -> str:
    return f"{KIND_LABELS[attachment.kind]}: {attachment.filename}"


def add(actor: Actor, nomination_id: int, read: Callable[[], Upload]) -> Attachment:
    # The row lock orders an upload against a submit of the same dossier: whichever comes
    # second sees the other's outcome (a submitted dossier takes no more files).
    nomination = _load(actor.user, nomination_id, lock=True)
    upload = read()
    _require_editor(actor.user, nomination)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if upload.too_large:
        raise _too_large(limit)
    _check_fields(upload)
    store = attachment_store.current()
    try:
        with store.receive(upload.stream, limit) as incoming:
            file_type = _accepted(incoming)
            _within_total(
                nomination, incoming.size, current_app.config["NOMINATION_ATTACHMENTS_MAX_BYTES"]
            )
            store.keep(incoming)
    except attachment_store.TooLarge:
        raise _too_large(limit) from None
    attachment = Attachment(
        nomination=nomination,
        kind=upload.kind,
        filename=filenames.clean(upload.filename, file_type),
        content_type=file_type.content_type,
        size=incoming.size,
        sha256=incoming.sha256,
        uploaded_by=actor.user,
        uploaded_at=utcnow(),
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        actor,
        "edit",
        role="proposer",
        nomination=nomination,
        object_type="attachment",
        object_id=attachment.id,
        from_state=nomination.state,
        to_state=nomination.state,
        changes={"attachments": [None, _described(attachment)]},
        details={"op": "attachment_added", "kind": attachment.kind, "size": attachment.size,
                 "sha256": attachment.sha256},
    )
    return attachment


def _attachment_of(nomination: Nomination, attachment_id: int, *, current_only: bool) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id) if fits_integer(attachment_id) else None
    if (
        attachment is None
        or attachment.nomination_id != nomination.id
        or (current_only and not attachment.current)
    ):
        raise not_found("Tệp đính kèm")
    return attachment


def remove(actor: Actor, nomination_id: int, attachment_id: int) -> Attachment:
    nomination = _load(actor.user, nomination_id, lock=True)
    attachment = _attachment_of(nomination, attachment_id, current_only=True)
    _require_editor(actor.user, nomination)
    attachment.removed_at = utcnow()
    attachment.removed_by = actor.user
    audit.record(
        actor,
        "edit",
        role="proposer",
        nomination=nomination,
        object_type="attachment",
        object_id=attachment.id,
        from_state=nomination.state,
        to_state=nomination.state,
        changes={"attachments": [_described(attachment), None]},
        details={"op": "attachment_removed", "kind": attachment.kind, "sha256": attachment.sha256},
    )
    db.session.flush()
    return attachment


def _reader_role(user: User, nomination: Nomination) -> str | None:
    return min(acting_roles(user, nomination), default=None)


class StoredFileDamaged(WorkflowError):
    """The stored bytes of a file are gone or no longer hash to what was recorded at upload:
    nothing is handed out, and the caller records the refusal (record_damage) once the
    request's own work is rolled back."""

    def __init__(self, nomination: Nomination, attachment: Attachment, found_sha256: str | None):
        if found_sha256 is None:
            problem = "không còn trong kho lưu trữ"
        else:
            problem = (
                f"không còn khớp với bản đã nộp (SHA-256 khi nộp {attachment.sha256[:12]}…, "
                f"nay {found_sha256[:12]}…)"
            )
        super().__init__(
            409,
            "file_damaged",
            f"Tệp “{attachment.filename}” {problem}; không tải xuống được. Vui lòng báo quản trị "
            "hệ thống để khôi phục tệp từ bản sao lưu.",
            {"attachment_id": attachment.id, "recorded_sha256": attachment.sha256, "found_sha256": found_sha256},
        )
        self.nomination_id = nomination.id
        self.attachment_id = attachment.id


def record_damage(actor: Actor, damaged: StoredFileDamaged) -> None:
    nomination = db.session.get(Nomination, damaged.nomination_id)
    audit.record(
        actor,
        "file_damaged",
        role=_reader_role(actor.user, nomination),
        nomination=nomination,
        object_type="attachment",
        object_id=damaged.attachment_id,
        details=damaged.details,
    )
    db.session.flush()


def _open_verified(nomination: Nomination, attachment: Attachment) -> BinaryIO:
    """The stored file, positioned at its start, once its bytes hash to the recorded SHA-256.
    The handle that was hashed is the one handed out: content-addressed files are never
    rewritten in place, so what was checked is what is sent."""
    try:
        stream = attachment_store.current().open(attachment.sha256)
    except FileNotFoundError:
        raise StoredFileDamaged(nomination, attachment, None) from None
    found = hashlib.file_digest(stream, "sha256").hexdigest()
    if found != attachment.sha256:
        stream.close()
        raise StoredFileDamaged(nomination, attachment, found)
    stream.seek(0)
    return stream


def open_file(actor: Actor, nomination_id: int, attachment_id: int) -> tuple[Attachment, BinaryIO]:
    """The file's row and bytes, checked against the hash recorded at upload; earlier
    (removed) versions stay readable."""
    nomination = _load(actor.user, nomination_id, lock=False)
    attachment = _attachment_of(nomination, attachment_id, current_only=False)
    stream = _open_verified(nomination, attachment)
    audit.record(
        actor,
        "download",
        role=_reader_role(actor.user, nomination),
        nomination=nomination,
        object_type="attachment",
        object_id=attachment.id,
        details={"filename": attachment.filename, "sha256": attachment.sha256},
    )
    return attachment, stream


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem} ({n}).{extension}" if dot else f"{name} ({n})"
    taken.add(candidate)
    return candidate


def _zip_time(moment: datetime) -> tuple[int, ...]:
    return to_local(moment).timetuple()[:6]


def _copy_verified(nomination: Nomination, attachment: Attachment, target: BinaryIO) -> None:
    """Copy the stored file into `target`, hashing as it goes: one read checks and copies."""
    try:
        source = attachment_store.current().open(attachment.sha256)
    except FileNotFoundError:
        raise StoredFileDamaged(nomination, attachment, None) from None
    digest = hashlib.sha256()
    with source:
        while chunk := source.read(attachment_store.CHUNK_BYTES):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != attachment.sha256:
        raise StoredFileDamaged(nomination, attachment, digest.hexdigest())


def zip_dossier(actor: Actor, nomination_id: int) -> tuple[str, BinaryIO, str]:
    """Every current file of the dossier in one zip, a folder per kind, with SHA256SUMS.txt,
    each file checked against its recorded hash on the way in. The zip is built in an
    anonymous temporary file inside the store (a dossier may hold 100 MB, and /tmp may be
    memory): it has no name to leave behind and is gone once the response closes it."""
    nomination = _load(actor.user, nomination_id, lock=False)
    files = dossier_of(nomination).current
    out = attachment_store.current().scratch_file()
    taken: set[str] = set()
    sums = []
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for attachment in files:
                name = _unique(f"{KIND_LABELS[attachment.kind]}/{attachment.filename}", taken)
                info = zipfile.ZipInfo(name, date_time=_zip_time(attachment.uploaded_at))
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as target:
                    _copy_verified(nomination, attachment, target)
                sums.append(f"{attachment.sha256}  {name}\n")
            archive.writestr(
                zipfile.ZipInfo("SHA256SUMS.txt", date_time=_zip_time(utcnow())), "".join(sums)
            )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    digest = hashlib.file_digest(out, "sha256").hexdigest()
    out.seek(0)
    audit.record(
        actor,
        "download",
        role=_reader_role(actor.user, nomination),
        nomination=nomination,
        details={"zip": True, "attachment_ids": [a.id for a in files], "sha256": digest},
    )
    return f"Hồ sơ {nomination.code}.zip", out, digest


def dossier(user: User, nomination_id: int) -> Dossier:
    return dossier_of(_load(user, nomination_id, lock=False))


def dossier_of(nomination: Nomination) -> Dossier:
    rows = list(
        db.session.scalars(
            select(Attachment).where(Attachment.nomination_id == nomination.id).order_by(Attachment.id)
        )
    )
    returned_at = db.session.scalar(
        select(AuditEvent.at)
        .where(
            AuditEvent.nomination_id == nomination.id,
            AuditEvent.action == "transition",
            AuditEvent.trigger == "return_for_revision",
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    since = None
    if returned_at is not None:
        since = SinceReturn(
            returned_at,
            added=[a for a in rows if a.current and a.uploaded_at > returned_at],
            removed=[
                a for a in rows
                if not a.current and a.removed_at > returned_at and a.uploaded_at <= returned_at
            ],
        )
    return Dossier(
        nomination,
        current=[a for a in rows if a.current],
        removed=[a for a in rows if not a.current],
        checklist=checklist(nomination),
        since_return=since,
    )
