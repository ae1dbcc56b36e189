"""Saving from a page: one engine change and its commit, or the refusal to show beside the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ...workflow.errors import WorkflowError
from . import commit, rollback

Saved = TypeVar("Saved")


def attempt(change: Callable[[], Saved]) -> tuple[Saved | None, WorkflowError | None]:
    """Run the change and commit: (its result, None). A refusal is rolled back and returned,
    (None, refusal), for the page to show with what was typed; except 403 and 404, which no
    form can fix: they go to the error page (a 404 must look like any other missing page)."""
    try:
        result = change()
        commit()
    except WorkflowError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return None, exc
    return result, None
