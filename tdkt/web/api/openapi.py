"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from . import bp
from .spec import build_spec


@bp.get("/openapi.json")
def openapi():
    return build_spec()
