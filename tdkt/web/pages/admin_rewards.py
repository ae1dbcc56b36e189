"""Reward money data for top-level admins: an award form's coefficients and the base salary,
each listed with its dated versions and a form adding the next one (workflow.rewards, audited).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...forms.base import body_of, show_error
from ...forms.rewards import BaseSalaryForm, RewardCoefficientForm
from ...workflow import rewards
from . import actor, bp, require_role
from .saving import attempt


@bp.route("/admin/award-forms/<int:award_form_id>/rewards", methods=["GET", "POST"])
def admin_reward_coefficients(award_form_id: int):
    require_role("admin")
    award_form = rewards.managed_award_form(actor(), award_form_id)
    form = RewardCoefficientForm()

    def page(message=None, status=200):
        return render_template(
            "admin/reward_coefficients.html", award_form=award_form, form=form, message=message,
            rows=rewards.coefficients(actor(), award_form.id), labels=rewards.RECIPIENT_LABELS,
            milli_text=rewards.milli_text,
        ), status

    if not form.validate_on_submit():
        return page(status=422 if form.errors else 200)
    body = body_of(form, rewards.COEFFICIENT_FIELDS)
    _, refused = attempt(lambda: rewards.add_coefficient(actor(), award_form.id, body))
    if refused:
        return page(show_error(form, refused), refused.status)
    flash("Đã thêm phiên bản hệ số tiền thưởng.", "success")
    return redirect(url_for("pages.admin_reward_coefficients", award_form_id=award_form.id))


@bp.route("/admin/base-salaries", methods=["GET", "POST"])
def admin_base_salaries():
    require_role("admin")
    rewards.base_salaries(actor())  # top-level admins only, before reading the form
    form = BaseSalaryForm()

    def page(message=None, status=200):
        return render_template(
            "admin/reward_base_salaries.html", rows=rewards.base_salaries(actor()), form=form, message=message
        ), status

    if not form.validate_on_submit():
        return page(status=422 if form.errors else 200)
    body = body_of(form, rewards.SALARY_FIELDS)
    _, refused = attempt(lambda: rewards.add_base_salary(actor(), body))
    if refused:
        return page(show_error(form, refused), refused.status)
    flash("Đã thêm mức lương cơ sở.", "success")
    return redirect(url_for("pages.admin_base_salaries"))
