"""GET /api/v1/audit/verify: the chain checked end to end."""

from __future__ import annotations

from flask import g

from ...workflow.audit_verify import verify
from ...workflow.errors import forbidden
from . import bp


@bp.get("/audit/verify")
def audit_verify():
    if not g.api_user.has_role("auditor", "admin"):
        raise forbidden("Chỉ kiểm tra viên và quản trị được kiểm tra nhật ký.")
    return verify().as_dict()
