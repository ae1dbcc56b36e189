"""Work queues: tick many nominations, act on all at once (engine.fire_many), see each outcome."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request

from ...forms.actions import action_form, bulk_body, selected_items, whole_number
from ...forms.base import show_error
from ...models import Nomination, User, db
from ...workflow import engine
from ...workflow.errors import WorkflowError
from ...workflow.machine import roles_for
from ...workflow.permissions import allowed_actions, visible_nominations
from . import actor, bp, commit, me, rollback
from .choices import prepare
from .listing import task_order


@dataclass(frozen=True)
class Queue:
    name: str
    title: str
    roles: frozenset[str]
    states: tuple[str, ...]
    triggers: tuple[str, ...]


QUEUES = {
    q.name: q
    for q in (
        Queue("submit", "Trình hồ sơ của đơn vị", frozenset({"proposer"}), ("draft", "returned"), ("submit",)),
        Queue(
            "appraisal",
            "Thẩm định hồ sơ",
            frozenset({"appraiser"}),
            ("submitted", "in_appraisal"),
            ("start_appraisal", "reassign", "return_for_revision", "pass_appraisal", "reject"),
        ),
        Queue(
            "council",
            "Hội đồng Thi đua – Khen thưởng xét",
            frozenset({"council_secretary"}),
            ("council_review",),
            ("submit_for_signature", "send_back", "reject"),
        ),
        Queue(
            "signature",
            "Trình ký quyết định khen thưởng",
            frozenset({"signer", "council_secretary"}),
            ("awaiting_signature",),
            ("sign", "forward", "return_to_council", "reject"),
        ),
    )
}
# Fields typed per row of the table rather than once for the whole selection.
PER_ITEM = {"submit_for_signature": ("votes_for",)}


def queues_for(user: User) -> list[Queue]:
    roles = user.roles()
    return [q for q in QUEUES.values() if q.roles & roles]


@dataclass
class Row:
    nomination: Nomination
    actions: list[str]


def _rows(user: User, queue: Queue) -> tuple[list[Row], bool]:
    query = (
        visible_nominations(user)
        .where(Nomination.state.in_(queue.states))
        .order_by(*(k.expr for k in task_order()))
        .limit(engine.MAX_BULK + 1)
    )
    found = list(db.session.scalars(query))
    rows = []
    for n in found[: engine.MAX_BULK]:
        actions = [t for t in allowed_actions(user, n) if t in queue.triggers]
        if actions:
            rows.append(Row(n, actions))
    return rows, len(found) > engine.MAX_BULK


def _triggers(user: User, queue: Queue, rows: list[Row]) -> list[str]:
    """The actions this user may take on the queue: those of its rows, or by role when empty."""
    possible = {t for row in rows for t in row.actions}
    if not rows:
        possible = {t for t in queue.triggers if roles_for(t) & user.roles()}
    return [t for t in queue.triggers if t in possible]


@dataclass
class Result:
    id: int
    ok: bool
    message: str
    nomination: Nomination | None


def _forms(user: User, triggers: list[str], rows: list[Row], posted: str | None) -> dict:
    """One bulk panel per action; only the posted one is filled from the request."""
    forms = {}
    for trigger in triggers:
        form = action_form(trigger, bulk=True)(
            formdata=request.form if trigger == posted else None, prefix=trigger, meta={"csrf": False}
        )
        prepare(form, trigger, user, [r.nomination for r in rows], fresh=trigger != posted)
        forms[trigger] = form
    return forms


@bp.route("/queues/<name>", methods=["GET", "POST"])
def queue(name: str):
    user = me()
    q = QUEUES.get(name)
    if q is None:
        abort(404)
    if not q.roles & user.roles():
        abort(403)
    rows, truncated = _rows(user, q)
    triggers = _triggers(user, q, rows)
    posted = request.form.get("trigger") if request.method == "POST" else None
    if request.method == "POST" and posted not in triggers:
        abort(400)
    forms = _forms(user, triggers, rows, posted)
    message, results, status = None, [], 200
    selected = {i for i in (whole_number(raw) for raw in request.form.getlist("ids")) if i is not None}
    if posted is not None:
        message, results, status = _act(user, posted, forms[posted], rows)
        if status == 200:
            # Done: the items moved on. Their rows, the actions left on each and the panels
            # offering those actions are built again from the committed state, forms empty;
            # only the items that failed stay ticked, to try again.
            rows, truncated = _rows(user, q)
            triggers = _triggers(user, q, rows)
            forms = _forms(user, triggers, rows, posted=None)
            selected = set()
        selected = {r.id for r in results if not r.ok} or selected
    return render_template(
        "queues/queue.html",
        queue=q,
        rows=rows,
        truncated=truncated,
        forms=forms,
        per_item=PER_ITEM,
        posted=posted,
        message=message,
        results=results,
        outcomes={r.id: r for r in results},
        selected=selected,
    ), status


def _act(user: User, trigger: str, form, rows: list[Row]) -> tuple[str | None, list[Result], int]:
    if not form.validate():
        return "Dữ liệu chưa hợp lệ, vui lòng xem các trường được đánh dấu.", [], 422
    items, problems = selected_items(request.form, PER_ITEM.get(trigger, ()))
    if not items:
        return "Chưa chọn hồ sơ nào.", [], 422
    known = {r.nomination.id: r.nomination for r in rows}
    if problems:
        return None, [Result(i, False, p, known.get(i)) for i, p in problems.items()], 422
    try:
        outcomes = engine.fire_many(actor(), trigger, bulk_body(form, items))
        commit()
    except WorkflowError as exc:
        rollback()
        message = show_error(form, exc)
        results = [
            Result(
                o["id"],
                False,
                o["error"]["message"] if "error" in o else "Chưa thực hiện: cả đợt bị hủy",
                known.get(o["id"]),
            )
            for o in exc.details.get("items") or []
        ]
        return message, results, exc.status
    results = [
        Result(
            o.id,
            o.error is None,
            "Đã thực hiện" if o.error is None else o.error.message,
            o.nomination or known.get(o.id),
        )
        for o in outcomes
    ]
    done = sum(r.ok for r in results)
    return f"Đã thực hiện {done}/{len(results)} hồ sơ.", results, 200
