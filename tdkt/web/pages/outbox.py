"""The admin's outbox page (where emails wait when no SMTP server is configured) and each
user's notification settings, which every email links to."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ...models import OutboxMessage
from ...models.outbox import DIGEST_MODES, MESSAGE_STATUSES
from ...workflow import notifications
from ...workflow.errors import WorkflowError
from . import actor, bp, commit, me, rollback
from .paging import Key, paginate

STATUS_LABELS = {"pending": "Chờ gửi", "sending": "Đang gửi", "sent": "Đã gửi", "failed": "Gửi lỗi"}


@bp.get("/outbox")
def outbox():
    user = me()
    if not user.has_role("admin"):
        abort(403)
    status = request.args.get("status", "")
    query = notifications.outbox_for(user)
    if status in MESSAGE_STATUSES:
        query = query.where(OutboxMessage.status == status)
    page = paginate(query, [Key(OutboxMessage.id, "int")], lambda m: [m.id], {"status": status}, descending=True)
    return render_template("outbox/list.html", page=page, status=status, status_labels=STATUS_LABELS)


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    user = me()
    message = None
    if request.method == "POST":
        try:
            notifications.update_settings(
                actor(),
                user,
                email=request.form.get("email", ""),
                opted_out=[k for k in notifications.KIND_LABELS if request.form.get(f"kind-{k}") != "on"],
                digest=request.form.get("digest", ""),
            )
            commit()
            flash("Đã lưu cài đặt thông báo.", "success")
            return redirect(url_for("pages.profile"))
        except WorkflowError as exc:
            rollback()
            message = exc.message
    setting = notifications.settings_for(user)
    return render_template(
        "outbox/profile.html",
        user=user,
        setting=setting,
        kinds=notifications.KIND_LABELS,
        digests={d: notifications.DIGEST_LABELS[d] for d in DIGEST_MODES},
        message=message,
        typed=request.form if request.method == "POST" else None,
    )
