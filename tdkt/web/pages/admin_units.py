"""Administration of units (the tree, new units, recognition) and the list of campaigns (each
edited in admin_rules)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...forms.admin import RecognitionForm, UnitForm
from ...forms.base import body_of, options, show_error
from ...models import Unit, db
from ...workflow import admin, campaign_rules
from ...workflow.permissions import visible_units
from . import actor, bp, me, require_role
from .admin_users import unit_choices
from .saving import attempt


@bp.get("/admin/units")
def admin_units():
    require_role("admin")
    units = db.session.scalars(visible_units(me()).order_by(Unit.path)).all()
    top = min((u.path.count("/") for u in units), default=0)
    return render_template("admin/units.html", units=[(u, u.path.count("/") - top) for u in units])


@bp.route("/admin/units/new", methods=["GET", "POST"])
def admin_unit_new():
    require_role("admin")
    form = UnitForm()
    form.parent_id.choices = options([("", "— Chọn đơn vị cấp trên —"), *unit_choices(me())])
    message, status = None, 200
    if form.validate_on_submit():
        body = body_of(form, ("code", "name", "kind", "parent_id", "abbreviation", "place_name"))
        unit, refused = attempt(lambda: admin.create_unit(actor(), body))
        if refused:
            message, status = show_error(form, refused), refused.status
        else:
            flash(f"Đã tạo đơn vị {unit.name}.", "success")
            return redirect(url_for("pages.admin_unit", unit_id=unit.id))
    elif form.errors:
        status = 422
    return render_template("admin/unit_new.html", form=form, message=message), status


@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
def admin_unit(unit_id: int):
    unit = admin.managed_unit(actor(), unit_id)
    form = RecognitionForm()
    if not form.is_submitted():
        form.recognized.data = "1" if unit.recognized else "0"
        form.decision_number.data = unit.recognition_decision_number
        form.decision_date.data = unit.recognition_decision_date
    message, status = None, 200
    if form.validate_on_submit():
        body = body_of(form, ("decision_number", "decision_date")) | {"recognized": form.recognized.data == "1"}
        _, refused = attempt(lambda: admin.set_recognition(actor(), unit.id, body))
        if refused:
            message, status = show_error(form, refused), refused.status
        else:
            flash("Đã lưu thông tin công nhận.", "success")
            return redirect(url_for("pages.admin_unit", unit_id=unit.id))
    elif form.errors:
        status = 422
    return render_template("admin/unit.html", unit=unit, form=form, message=message), status


@bp.get("/admin/campaigns")
def admin_campaigns():
    require_role("admin")
    return render_template("admin/campaigns.html", campaigns=campaign_rules.managed_campaigns(actor()))

