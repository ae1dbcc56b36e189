"""Administration of a campaign's review rounds (sơ kết, tổng kết): the list with each round's
window, adding one, editing one, removing one no nomination belongs to. Every change goes
through workflow.campaign_rules (audited, versioned)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...forms.base import jsonable, show_error
from ...forms.campaign_rules import RoundForm
from ...models import Campaign, CampaignRound
from ...workflow import campaign_rules as rules_admin
from ...workflow.clock import local_today
from . import actor, bp, require_role
from .saving import attempt

# Left blank when adding, the round goes last (the engine numbers it).
OPTIONAL_ON_ADD = ("position",)


def _rounds_page(campaign: Campaign, *, form: RoundForm | None = None, message=None, status=200):
    return render_template(
        "admin/rounds.html",
        c=campaign,
        form=form or RoundForm(formdata=None),
        today=local_today(),
        message=message,
    ), status


def _round_page(found: CampaignRound, *, form: RoundForm | None = None, message=None, status=200):
    return render_template(
        "admin/round.html",
        c=found.campaign,
        r=found,
        form=form or RoundForm(formdata=None, obj=found),
        nominations=rules_admin.nominations_in(found.campaign, found.id),
        message=message,
    ), status


def _body(form: RoundForm, optional: tuple[str, ...] = ()) -> tuple[dict, dict[str, str]]:
    """Every field of the form; a required one left blank is a field message here rather than
    a null the engine would call malformed."""
    body, missing = {}, {}
    for name, spec in rules_admin.ROUND_FIELDS.items():
        value = jsonable(form[name].data)
        if value is not None:
            body[name] = value
        elif name not in optional:
            missing[name] = f"{spec.label} là bắt buộc"
    return body, missing


def _refused(form: RoundForm, missing: dict[str, str]) -> None:
    for name, message in missing.items():
        form[name].errors = [*form[name].errors, message]


@bp.route("/admin/campaigns/<int:campaign_id>/rounds", methods=["GET", "POST"])
def admin_campaign_rounds(campaign_id: int):
    require_role("admin")
    campaign = rules_admin.managed_campaign(actor(), campaign_id)
    if request.method == "GET":
        return _rounds_page(campaign)
    form = RoundForm()
    if not form.validate():
        return _rounds_page(campaign, form=form, status=422)
    body, missing = _body(form, OPTIONAL_ON_ADD)
    if missing:
        _refused(form, missing)
        return _rounds_page(campaign, form=form, status=422)
    found, refused = attempt(lambda: rules_admin.create_round(actor(), campaign.id, body))
    if refused:
        campaign = rules_admin.managed_campaign(actor(), campaign_id)
        return _rounds_page(campaign, form=form, message=show_error(form, refused), status=refused.status)
    flash(f"Đã thêm đợt {found.name}.", "success")
    return redirect(url_for("pages.admin_campaign_rounds", campaign_id=campaign.id))


@bp.route("/admin/campaigns/<int:campaign_id>/rounds/<int:round_id>", methods=["GET", "POST"])
def admin_campaign_round(campaign_id: int, round_id: int):
    require_role("admin")
    found = rules_admin.managed_round(actor(), campaign_id, round_id)
    if request.method == "GET":
        return _round_page(found)
    form = RoundForm()
    if not form.validate():
        return _round_page(found, form=form, status=422)
    body, missing = _body(form)
    if missing:
        _refused(form, missing)
        return _round_page(found, form=form, status=422)
    _, refused = attempt(lambda: rules_admin.update_round(actor(), campaign_id, found.id, body))
    if refused:
        found = rules_admin.managed_round(actor(), campaign_id, round_id)
        return _round_page(found, form=form, message=show_error(form, refused), status=refused.status)
    # The window is read at a first submit only: say so, so nobody expects a move to reach
    # dossiers already submitted in the round.
    flash("Đã lưu đợt. Thời gian nhận hồ sơ mới áp dụng cho các hồ sơ trình lần đầu từ nay.", "success")
    return redirect(url_for("pages.admin_campaign_rounds", campaign_id=campaign_id))


@bp.post("/admin/campaigns/<int:campaign_id>/rounds/<int:round_id>/delete")
def admin_campaign_round_delete(campaign_id: int, round_id: int):
    require_role("admin")
    found = rules_admin.managed_round(actor(), campaign_id, round_id)
    _, refused = attempt(lambda: rules_admin.delete_round(actor(), campaign_id, found.id))
    if refused:
        found = rules_admin.managed_round(actor(), campaign_id, round_id)
        return _round_page(found, message=refused.message, status=refused.status)
    flash("Đã xóa đợt.", "success")
    return redirect(url_for("pages.admin_campaign_rounds", campaign_id=campaign_id))
