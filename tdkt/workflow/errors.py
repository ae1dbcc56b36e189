"""One error type for every refusal, carrying the API's status, code and Vietnamese message."""

from __future__ import annotations


class WorkflowError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        # The real object a refusal was about, for the audit's "denied" event; never shown.
        self.refused_nomination_id: int | None = None

    def about(self, nomination_id: int) -> WorkflowError:
        self.refused_nomination_id = nomination_id
        return self

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


def not_found(what: str = "Hồ sơ") -> WorkflowError:
    return WorkflowError(404, "not_found", f"{what} không tồn tại hoặc bạn không có quyền xem.")


def bad_request(message: str, **details) -> WorkflowError:
    return WorkflowError(400, "bad_request", message, details)


def forbidden(message: str = "Bạn không có quyền thực hiện thao tác này.", **details) -> WorkflowError:
    return WorkflowError(403, "forbidden", message, details)


def unprocessable(code: str, message: str, **details) -> WorkflowError:
    return WorkflowError(422, code, message, details)


def validation_failed(fields: dict[str, str]) -> WorkflowError:
    summary = "; ".join(fields.values())
    return WorkflowError(422, "validation_failed", f"Dữ liệu không hợp lệ: {summary}", {"fields": fields})
