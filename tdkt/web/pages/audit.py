"""The auditor's review: the trail filtered, one nomination's timeline, CSV, chain check,
and checking a file against what was issued."""

from __future__ import annotations

import hashlib

from flask import Response, render_template, request, stream_with_context

from ...models import AuditEvent, Unit, User, db, utcnow
from ...workflow import audit_query, nominations
from ...workflow.audit_query import ACTION_LABELS, Filters
from ...workflow.audit_verify import verify
from ...workflow.errors import WorkflowError
from ...workflow.permissions import visible_units
from . import bp, me
from .paging import Key, paginate

CHECK_MAX_BYTES = 50 * 1024 * 1024


@bp.app_template_global()
def held(stage: audit_query.Stage) -> str:
    """How long a nomination stayed in a state, as an office says it ("2 ngày 3 giờ")."""
    end = stage.left_at or utcnow()
    minutes = int((end - stage.entered_at).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ"
    return f"{hours} giờ {minutes} phút" if hours else f"{minutes} phút"


def _filters() -> tuple[Filters, dict[str, str]]:
    try:
        return Filters.parse(request.args), {}
    except WorkflowError as exc:
        return Filters(), exc.details.get("fields", {})


@bp.get("/audit")
def audit_events():
    user = me()
    audit_query.require_reader(user)
    filters, problems = _filters()
    page = paginate(
        audit_query.filtered(user, filters),
        [Key(AuditEvent.seq, "int")],
        lambda e: [e.seq],
        filters.as_args(),
        descending=True,
    )
    units = db.session.scalars(visible_units(user).order_by(Unit.path)).all()
    people = db.session.scalars(
        db.select(User).where(User.unit_id.in_([u.id for u in units])).order_by(User.username)
    ).all()
    return render_template(
        "audit/events.html",
        page=page,
        filters=filters,
        args=filters.as_args(),
        problems=problems,
        units=units,
        people=people,
        action_labels=ACTION_LABELS,
    )


@bp.get("/audit/export.csv")
def audit_export():
    user = me()
    filters, problems = _filters()
    if problems:
        return render_template("error.html", status=422, message="; ".join(problems.values())), 422
    query = audit_query.filtered(user, filters).order_by(AuditEvent.seq)
    events = db.session.scalars(query.execution_options(yield_per=500))
    return Response(
        stream_with_context(audit_query.csv_lines(events)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=nhat-ky-tdkt.csv"},
    )


@bp.get("/audit/nominations/<int:nomination_id>")
def audit_timeline(nomination_id: int):
    user = me()
    audit_query.require_reader(user)
    nomination = nominations.get(user, nomination_id)
    events = db.session.scalars(
        audit_query.filtered(user, Filters(nomination_ids=(nomination.id,))).order_by(AuditEvent.seq)
    ).all()
    return render_template(
        "audit/timeline.html",
        nomination=nomination,
        stages=audit_query.timeline(nomination),
        events=events,
        documents=[e for e in events if e.action in ("document", "download")],
        action_labels=ACTION_LABELS,
    )


@bp.get("/audit/verify")
def audit_verify():
    audit_query.require_reader(me())
    return render_template("audit/verify.html", verdict=verify())


@bp.route("/audit/check-file", methods=["GET", "POST"])
def audit_check_file():
    user = me()
    audit_query.require_reader(user)
    digest, matches, problem = None, [], None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            problem = "Chọn tệp cần đối chiếu."
        else:
            hasher = hashlib.sha256()
            size = 0
            for chunk in iter(lambda: upload.stream.read(65536), b""):
                size += len(chunk)
                if size > CHECK_MAX_BYTES:
                    problem = f"Tệp lớn hơn {CHECK_MAX_BYTES // (1024 * 1024)} MB."
                    break
                hasher.update(chunk)
            if problem is None:
                digest = hasher.hexdigest()
                matches = audit_query.documents_issued(digest, user)
    return render_template("audit/check_file.html", digest=digest, matches=matches, problem=problem)
