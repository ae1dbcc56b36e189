"""One trigger on one nomination: a form with the trigger's fields, then engine.fire()."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ...forms.actions import action_form, single_body
from ...forms.base import show_error
from ...workflow import engine
from ...workflow import nominations as service
from ...workflow.errors import WorkflowError, forbidden
from ...workflow.machine import STATE_LABELS, TRIGGER_LABELS, TRIGGERS
from ...workflow.permissions import allowed_actions, may_ever_fire
from . import actor, bp, commit, me, rollback
from .choices import prepare


def _refusal(user, n, trigger: str) -> WorkflowError:
    if not may_ever_fire(user, n, trigger):
        return forbidden("Vai trò của bạn không được thực hiện thao tác này với hồ sơ.")
    return WorkflowError(
        409,
        "invalid_transition",
        f"Không thể '{TRIGGER_LABELS[trigger]}' hồ sơ này lúc này "
        f"(trạng thái: {STATE_LABELS[n.state]}).",
    )


@bp.route("/nominations/<int:nomination_id>/actions/<trigger>", methods=["GET", "POST"])
def nomination_action(nomination_id: int, trigger: str):
    user = me()
    n = service.get(user, nomination_id)
    if trigger not in TRIGGERS:
        abort(404)
    form = action_form(trigger)()
    if request.method == "GET":
        if trigger not in allowed_actions(user, n):
            raise _refusal(user, n, trigger)
        form.version.data = n.version
    prepare(form, trigger, user, [n], fresh=request.method == "GET")
    message, status = None, 200
    if form.validate_on_submit():
        try:
            engine.fire(actor(), n.id, trigger, single_body(form))
            commit()
        except WorkflowError as exc:
            rollback()
            if exc.status == 404:
                raise
            message, status = show_error(form, exc), exc.status
        else:
            flash(f"Đã thực hiện: {TRIGGER_LABELS[trigger]}.", "success")
            return redirect(url_for("pages.nomination", nomination_id=n.id))
    elif form.errors:
        status = 422
    return render_template(
        "nominations/action.html", n=n, form=form, trigger=trigger, message=message
    ), status
