"""Nominations: the list, one nomination with its history, the create and edit forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...forms.base import body_of, show_error
from ...forms.nominations import (
    EDITABLE,
    AttestationsForm,
    CategoryOption,
    NominationForm,
    Offer,
)
from ...models import AuditEvent, Campaign, Nomination, User, db
from ...workflow import attestations, duplicate_warnings, public_notice, quota, rule_versions
from ...workflow import nominations as service
from ...workflow.clock import local_today
from ...workflow.errors import WorkflowError
from ...workflow.machine import EDITABLE_STATES
from ...workflow.permissions import (
    allowed_actions,
    can_create_in,
    can_edit,
    may_ever_fire,
    visible_nominations,
)
from ..api.nominations import HISTORY_ACTIONS
from . import actor, bp, commit, me, rollback
from .listing import filter_nominations, list_filter
from .paging import Key, paginate

# A campaign without pools (no quotas) still needs a category to file the nominee under.
FREE_CATEGORIES = [
    CategoryOption("collective", "Tập thể", "collective"),
    CategoryOption("individual", "Cá nhân", "individual"),
]
USED_UP = "— Đơn vị đã dùng hết chỉ tiêu của đợt thi đua —"


@bp.get("/nominations")
def nominations():
    user = me()
    form, filters = list_filter(user, request.args)
    page = paginate(
        filter_nominations(visible_nominations(user), filters),
        [Key(Nomination.created_at, "datetime"), Key(Nomination.id, "int")],
        lambda n: [n.created_at, n.id],
        filters,
        descending=True,
    )
    return render_template(
        "nominations/list.html",
        page=page,
        form=form,
        filters=filters,
        can_create=can_create_in(user, user.unit),
    )


def history(user: User, nomination: Nomination) -> tuple[list[AuditEvent], bool]:
    """The nomination's events; addresses and events beyond transitions and edits only for
    auditors and admins (as in the API)."""
    full = user.has_role("auditor", "admin")
    query = select(AuditEvent).where(AuditEvent.nomination_id == nomination.id)
    if not full:
        query = query.where(AuditEvent.action.in_(HISTORY_ACTIONS))
    return list(db.session.scalars(query.order_by(AuditEvent.id))), full


def last_return(events: list[AuditEvent]) -> AuditEvent | None:
    returns = [e for e in events if e.action == "transition" and e.to_state == "returned"]
    return returns[-1] if returns else None


@dataclass
class ChainStep:
    level: rule_versions.Level
    status: str  # "passed", "current" or "later"
    passed_at: datetime | None = None


def chain_steps(n: Nomination) -> list[ChainStep]:
    """The levels of a chain of several (as pinned at the first submit): those the dossier was
    forwarded from, each with the moment it was, the one it is at, those above it. Only
    `forward` raises the level, one at a time, so the k-th forward left level k."""
    levels = rule_versions.chain(n)
    if len(levels) < 2:
        return []
    forwarded_at = list(db.session.scalars(
        select(AuditEvent.at)
        .where(AuditEvent.nomination_id == n.id, AuditEvent.action == "transition", AuditEvent.trigger == "forward")
        .order_by(AuditEvent.id)
    ))
    steps = []
    for index, level in enumerate(levels):
        if level.position < n.level:
            steps.append(ChainStep(level, "passed", forwarded_at[index] if index < len(forwarded_at) else None))
        else:
            steps.append(ChainStep(level, "current" if level.position == n.level else "later"))
    return steps


@bp.get("/nominations/<int:nomination_id>")
def nomination(nomination_id: int):
    user = me()
    n = service.get(user, nomination_id)
    events, full = history(user, n)
    return render_template(
        "nominations/detail.html",
        n=n,
        events=events,
        full_history=full,
        returned_by=last_return(events) if n.state == "returned" else None,
        actions=allowed_actions(user, n),
        can_edit=can_edit(user, n),
        duplicates=duplicate_warnings.name_matches(user, n),
        attested=attestations.lines(n),
        chain=chain_steps(n),
        level=rule_versions.level(n),
        notice=public_notice.status(n),
    )


def offer_for(user: User, campaigns: list[Campaign], editing: Nomination | None = None) -> Offer:
    """Only the pools and categories one more nomination still fits; the rules decide at submit."""
    pools, categories, categorised = [], {}, False
    for campaign in campaigns:
        available = quota.open_pools(user, campaign)
        categorised = categorised or any(p.categories for p in available)
        offered = quota.fitting(available, editing)
        if available and not offered:
            pools.append(("", USED_UP, campaign.id))
        for pool, fits in offered:
            pools.append((pool.id, pool.name, campaign.id))
            for c in fits:
                option = categories.setdefault(c.code, CategoryOption(c.code, c.name, c.nominee_kind))
                option.pool_ids.append(pool.id)
    return Offer(
        campaigns=[(c.id, c.name) for c in campaigns],
        rounds=[
            (r.id, f"{r.name} (nhận hồ sơ {r.submission_opens_on:%d/%m/%Y} – {r.submission_closes_on:%d/%m/%Y})", c.id)
            for c in campaigns
            for r in c.rounds
        ],
        award_forms=[(f.id, f.name, c.id) for c in campaigns for f in c.award_forms],
        pools=pools,
        categories=list(categories.values()) or ([] if categorised else FREE_CATEGORIES),
    )


def _render_form(form, *, n=None, message=None, status=200, returned_by=None):
    template = "nominations/form.html"
    return render_template(template, form=form, n=n, message=message, returned_by=returned_by), status


@bp.route("/nominations/new", methods=["GET", "POST"])
def nomination_new():
    user = me()
    if not can_create_in(user, user.unit):
        abort(403)
    campaigns = service.campaigns_for(user)
    form = NominationForm()
    offer = offer_for(user, campaigns)
    form.offer(offer)
    del form.version  # a new nomination has none yet
    if not offer.rounds:
        del form.round_id
    if request.method == "GET" and campaigns:
        form.campaign_id.data = campaigns[0].id
        if offer.rounds:
            form.round_id.data = getattr(campaigns[0].round_on(local_today()), "id", None)
        form.pool_id.data = getattr(service.default_pool(campaigns[0], user), "id", None)
        form.award_form_id.data = campaigns[0].award_forms[0].id if campaigns[0].award_forms else None
    if not form.validate_on_submit():
        return _render_form(form, status=422 if form.errors else 200)
    try:
        chosen_once = ("campaign_id", "round_id") if offer.rounds else ("campaign_id",)
        created = service.create(actor(), body_of(form, (*chosen_once, *EDITABLE)))
        commit()
    except WorkflowError as exc:
        rollback()
        if exc.status == 404:
            raise
        return _render_form(form, message=show_error(form, exc), status=exc.status)
    flash(f"Đã lập hồ sơ {created.code}.", "success")
    return redirect(url_for("pages.nomination", nomination_id=created.id))


def edit_body(form: NominationForm) -> dict:
    """Every editable field, so that clearing one clears it; blank choices and numbers as null."""
    body = {"version": form.version.data}
    for name in EDITABLE:
        value = form[name].data
        body[name] = None if value == "" and name in ("gender", "nominee_type") else value
    return body


def editable(nomination_id: int) -> tuple[User, Nomination]:
    """The nomination as its proposer may still change it: 404 out of scope, 403 for anyone
    but its unit's proposers, 409 once it has left the proposer."""
    user = me()
    n = service.get(user, nomination_id)
    if not may_ever_fire(user, n, "submit"):
        abort(403)
    if n.state not in EDITABLE_STATES:
        raise WorkflowError(409, "not_editable", "Chỉ sửa được hồ sơ ở trạng thái Dự thảo hoặc Trả lại để bổ sung.")
    return user, n


@bp.route("/nominations/<int:nomination_id>/edit", methods=["GET", "POST"])
def nomination_edit(nomination_id: int):
    user, n = editable(nomination_id)
    form = NominationForm(obj=n)
    form.offer(offer_for(user, [n.campaign], editing=n))
    del form.campaign_id, form.round_id  # chosen once, at creation
    returned_by = last_return(history(user, n)[0]) if n.state == "returned" else None
    if not form.validate_on_submit():
        return _render_form(form, n=n, status=422 if form.errors else 200, returned_by=returned_by)
    try:
        service.update(actor(), n.id, edit_body(form))
        commit()
    except WorkflowError as exc:
        rollback()
        if exc.status == 404:
            raise
        return _render_form(
            form, n=n, message=show_error(form, exc), status=exc.status, returned_by=returned_by
        )
    flash("Đã lưu hồ sơ.", "success")
    return redirect(url_for("pages.nomination", nomination_id=n.id))


def _render_attestations(form, n, lines, *, message=None, status=200):
    names = {line.code: line.name for line in lines}
    return render_template(
        "nominations/attestations.html", form=form, n=n, names=names, message=message
    ), status


def answers_body(form: AttestationsForm) -> dict:
    """The answered criteria only: a blank answer leaves the criterion as it was."""
    return {
        "version": form.version.data,
        "answers": [
            {
                "criterion": entry.criterion.data,
                "answer": entry.answer.data == "yes",
                "evidence": entry.evidence.data or None,
            }
            for entry in form.answers
            if entry.answer.data
        ],
    }


def show_answer_errors(form: AttestationsForm, exc: WorkflowError) -> str | None:
    """The engine's "evidence.<criterion>" and "criterion.<criterion>" messages on that
    criterion's row; anything else above the form."""
    rows = {entry.criterion.data: entry for entry in form.answers}
    leftover = []
    for key, problem in (exc.details.get("fields") or {}).items():
        kind, _, code = key.partition(".")
        entry = rows.get(code)
        if entry is None or kind not in ("evidence", "criterion"):
            leftover.append(problem)
            continue
        target = entry.evidence if kind == "evidence" else entry.answer
        target.errors = [*target.errors, problem]
    if not exc.details.get("fields"):
        return exc.message
    return "; ".join(leftover) or "Dữ liệu chưa hợp lệ, vui lòng xem các tiêu chí được đánh dấu."


@bp.route("/nominations/<int:nomination_id>/attestations", methods=["GET", "POST"])
def nomination_attestations(nomination_id: int):
    """The yes/no criteria that apply to the nomination (its category, type and award form, as
    the rules it is judged by say), each with its evidence; saved as the API saves them."""
    _, n = editable(nomination_id)
    lines = attestations.lines(n)
    if request.method == "GET":
        form = AttestationsForm(data={
            "version": n.version,
            "answers": [
                {
                    "criterion": line.code,
                    "answer": None if line.answer is None else ("yes" if line.answer else "no"),
                    "evidence": line.evidence,
                }
                for line in lines
            ],
        })
        return _render_attestations(form, n, lines)
    form = AttestationsForm()
    if not form.validate():
        return _render_attestations(form, n, lines, status=422)
    try:
        attestations.set_answers(actor(), n.id, answers_body(form))
        commit()
    except WorkflowError as exc:
        rollback()
        if exc.status == 404:
            raise
        return _render_attestations(form, n, lines, message=show_answer_errors(form, exc), status=exc.status)
    flash("Đã lưu xác nhận tiêu chí.", "success")
    return redirect(url_for("pages.nomination", nomination_id=n.id, _anchor="attestations"))
