"""The OpenAPI paths of the attachment routes (attachments.py), merged into spec.build_spec."""

from __future__ import annotations

from ...models.attachments import ATTACHMENT_KINDS
from ...workflow.filetypes import ACCEPTED
from .spec import (
    BOOLEAN,
    FORBIDDEN,
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
    ok,
    operation,
    path_id,
    ref,
)

BINARY: Schema = {"type": "string", "format": "binary"}
SHA256: Schema = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
KIND = enum(ATTACHMENT_KINDS)
ATTACHMENT = obj(
    {
        "id": INTEGER,
        "kind": KIND,
        "filename": {"type": "string", "minLength": 1, "maxLength": 255},
        "content_type": enum(t.content_type for t in ACCEPTED),
        "size": {"type": "integer", "minimum": 1},
        "sha256": SHA256,
        "uploaded_at": INSTANT,
        "uploaded_by": ref("UserRef"),
        "removed_at": nullable(INSTANT),
        "removed_by": nullable(ref("UserRef")),
    }
)
IDS = {"type": "array", "items": INTEGER}
DOSSIER = obj(
    {
        "items": {"type": "array", "items": ATTACHMENT, "description": "the files in the dossier now"},
        "removed": {
            "type": "array",
            "items": ATTACHMENT,
            "description": "earlier files taken out while the dossier was editable; still readable",
        },
        "checklist": {
            "type": "array",
            "description": "the papers the award form requires for the nomination's category",
            "items": obj({"kind": KIND, "label": STRING, "present": INTEGER, "done": BOOLEAN}),
        },
        "since_return": nullable(obj({"returned_at": INSTANT, "added": IDS, "removed": IDS}))
        | {"description": "net change of files since the last return for revision; null if never returned"},
    }
)
UPLOAD = obj(
    {
        "file": BINARY | {"description": "PDF, DOCX, XLSX, JPEG or PNG, judged by its content"},
        "kind": KIND,
    }
)


def download(description: str, content_types) -> dict:
    return {
        "description": description,
        "headers": {
            "Content-Disposition": {
                "schema": STRING,
                "description": "attachment; filename=\"…\"; filename*=UTF-8''… (RFC 5987)",
            },
            "X-Content-Type-Options": {"schema": {"type": "string", "const": "nosniff"}},
            "X-Content-SHA256": {"schema": SHA256, "description": "also in the audit trail"},
        },
        "content": {t: {"schema": BINARY} for t in content_types},
    }


DAMAGED = error(
    "The stored file is gone or no longer matches the SHA-256 recorded at upload; nothing is "
    "sent and the refusal is audited (file_damaged)",
    "file_damaged",
)
NOT_EDITABLE = error("Files change only in draft or returned", "not_editable")
ONLY_PROPOSERS = FORBIDDEN | {"description": "In scope, but only the unit's proposers add or remove files"}


def paths() -> dict:
    nomination = path_id("nomination_id", "the nomination")
    attachment = path_id("attachment_id", "the file")
    upload = operation(
        "uploadAttachment",
        "Add a file while the proposer may edit (draft, returned)",
        {
            "201": ok(ATTACHMENT, "Stored"),
            "400": error("Not multipart, an unknown field, or several files", "bad_request"),
            "403": ONLY_PROPOSERS,
            "404": NOT_FOUND,
            "409": NOT_EDITABLE,
            "422": error(
                "kind or file missing or wrong (validation_failed); the content is not an "
                "accepted type, the file is empty or too large, or the dossier's total would pass "
                "its limit (file_rejected)",
                "validation_failed",
                "file_rejected",
            ),
        },
        parameters=[nomination],
        tags=("attachments",),
    )
    upload["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": UPLOAD}}}
    return {
        "/nominations/{nomination_id}/attachments": {
            "get": operation(
                "listAttachments",
                "The dossier's files, the earlier versions taken out, the required-papers "
                "checklist and what changed since the last return",
                {"200": {"description": "OK", "content": json_content(DOSSIER)}, "404": NOT_FOUND},
                parameters=[nomination],
                tags=("attachments",),
            ),
            "post": upload,
        },
        "/nominations/{nomination_id}/attachments/{attachment_id}": {
            "get": operation(
                "downloadAttachment",
                "The file as a download (earlier versions too); audited",
                {
                    "200": download("The file", [t.content_type for t in ACCEPTED]),
                    "404": NOT_FOUND,
                    "409": DAMAGED,
                },
                parameters=[nomination, attachment],
                tags=("attachments",),
            ),
            "delete": operation(
                "removeAttachment",
                "Take a file out of the dossier while editable; the earlier version is kept",
                {
                    "204": {"description": "Taken out"},
                    "403": ONLY_PROPOSERS,
                    "404": NOT_FOUND,
                    "409": NOT_EDITABLE,
                },
                parameters=[nomination, attachment],
                tags=("attachments",),
            ),
        },
        "/nominations/{nomination_id}/attachments.zip": {
            "get": operation(
                "downloadDossier",
                "Every current file of the dossier in one zip, a folder per kind, with "
                "SHA256SUMS.txt; audited",
                {"200": download("The zip", ["application/zip"]), "404": NOT_FOUND, "409": DAMAGED},
                parameters=[nomination],
                tags=("attachments",),
            )
        },
    }
