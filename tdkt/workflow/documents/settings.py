"""The documents' settings: the app's config when there is one, else the environment."""

from __future__ import annotations

import os

from flask import current_app, has_app_context

DEFAULTS = {
    "SOFFICE_PATH": None,
    "DOCUMENT_PDF_TIMEOUT": 120.0,
    "DOCUMENT_BATCH_THRESHOLD": 20,
    "DOCUMENT_QUEUE": "documents",
}


def setting(name: str):
    default = DEFAULTS[name]
    value = current_app.config.get(name) if has_app_context() else None
    if value is None:
        value = os.environ.get(name) or None
    if value is None:
        return default
    return type(default)(value) if default is not None else value
