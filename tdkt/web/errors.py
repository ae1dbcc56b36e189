"""Error answers: the API's JSON body for /api, Vietnamese pages for people."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..models import Nomination, db
from ..workflow import audit
from ..workflow.actor import Actor
from ..workflow.errors import WorkflowError

HTTP_CODES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthenticated", "Cần đăng nhập (mã truy cập không hợp lệ hoặc đã hết hạn)."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này."),
    413: ("payload_too_large", "Dữ liệu gửi lên quá lớn."),
    415: ("unsupported_media_type", "Cần gửi dữ liệu dạng JSON."),
    429: ("rate_limited", "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau 15 phút."),
    500: ("internal_error", "Lỗi hệ thống; vui lòng thử lại hoặc báo quản trị."),
}


def is_api() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, details: dict | None = None):
    return {"error": {"code": code, "message": message, "details": details or {}}}, status


def register(app: Flask) -> None:
    # A refused or failed request leaves nothing half-done in the session, whatever a later
    # teardown or handler might commit.
    @app.errorhandler(WorkflowError)
    def workflow_error(exc: WorkflowError):
        db.session.rollback()
        if exc.refused_nomination_id is not None:
            record_refusal(exc)
        if is_api():
            return api_error(exc.status, exc.code, exc.message, exc.details)
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        code, message = HTTP_CODES.get(status, ("http_error", exc.description or ""))
        if is_api():
            return api_error(status, code, message)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        code, message = HTTP_CODES[500]
        if is_api():
            return api_error(500, code, message)
        return render_template("error.html", status=500, message=message), 500


def _requester():
    user = getattr(g, "api_user", None)
    if user is None and current_user.is_authenticated:
        user = current_user._get_current_object()
    return user


def record_refusal(exc: WorkflowError) -> None:
    """A refusal on a real nomination (out of scope, or a role that may not act) is written
    to the audit trail in its own transaction, after the refused change was rolled back."""
    nomination = db.session.get(Nomination, exc.refused_nomination_id)
    try:
        audit.record(
            Actor(_requester(), request.remote_addr, request.headers.get("User-Agent")),
            "denied",
            nomination=nomination,
            details={"code": exc.code, "status": exc.status, "method": request.method, "path": request.path},
        )
        db.session.commit()
    except Exception:  # the answer to the caller matters more than this event
        db.session.rollback()
        current_app.logger.exception("could not record a refusal in the audit trail")
