"""Administration of campaign rules: a campaign with its pools and eligibility criteria, award
forms with their chain of levels, and the legal basis versions. Every change goes through
workflow.campaign_rules (audited, versioned)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...forms.base import jsonable, options, show_error
from ...forms.campaign_rules import (
    AwardFormForm,
    CampaignForm,
    CriterionForm,
    LegalBasisForm,
    NewAwardFormForm,
    NewCampaignForm,
    NewPoolForm,
    PoolForm,
    category_lines,
)
from ...models import Campaign, RuleVersion, db
from ...workflow import campaign_rules as rules_admin
from ...workflow.payload import Field, ascii_int
from . import actor, bp, commit, require_role
from .saving import attempt


def _body(form, specs: dict[str, Field]) -> tuple[dict, dict[str, str]]:
    """Every field of the form (so clearing one clears it); a required one left blank is a
    field message here rather than a null the engine would call malformed."""
    body, missing = {}, {}
    for name, spec in specs.items():
        value = jsonable(form[name].data)
        if value is None and not spec.nullable:
            missing[name] = f"{spec.label} là bắt buộc"
        else:
            body[name] = value
    return body, missing


def _mark(form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form[name].errors = [*form[name].errors, message]


# --- campaigns -------------------------------------------------------------------------------


def _campaign_page(
    campaign: Campaign, *, form=None, criterion=None, new_pool=None, message=None, status=200, pool_errors=None
):
    user_actor = actor()
    new_pool = new_pool or NewPoolForm(formdata=None)
    _new_pool_choices(new_pool)
    form = form or CampaignForm(formdata=None, obj=campaign)
    forms = rules_admin.award_form_choices(user_actor, campaign)
    form.award_form_ids.choices = options((f.id, f.name) for f in forms)
    if form.award_form_ids.data is None or not form.is_submitted():
        form.award_form_ids.data = [f.id for f in campaign.award_forms]
    criterion = criterion or CriterionForm(formdata=None)
    _criterion_choices(criterion, campaign)
    versions = db.session.scalars(
        select(RuleVersion).where(RuleVersion.campaign_id == campaign.id).order_by(RuleVersion.number.desc())
    ).all()
    return render_template(
        "admin/campaign.html",
        c=campaign,
        form=form,
        criterion=criterion,
        new_pool=new_pool,
        versions=versions,
        held={p.id: rules_admin.held_slots(p) for p in campaign.pools},
        message=message,
        pool_errors=pool_errors or {},
    ), status


def _criterion_choices(form: CriterionForm, campaign: Campaign) -> None:
    categories = {c.code: c.name for p in campaign.pools for c in p.categories}
    form.category.choices = options([("", "— Mọi nhóm đối tượng —"), *categories.items()])
    form.award_form_id.choices = options([("", "— Mọi hình thức —"), *((f.id, f.name) for f in campaign.award_forms)])


@bp.route("/admin/campaigns/<int:campaign_id>", methods=["GET", "POST"])
def admin_campaign(campaign_id: int):
    require_role("admin")
    campaign = rules_admin.managed_campaign(actor(), campaign_id)
    if request.method == "GET":
        return _campaign_page(campaign)
    form = CampaignForm()
    form.award_form_ids.choices = options((f.id, f.name) for f in rules_admin.award_form_choices(actor(), campaign))
    if not form.validate():
        return _campaign_page(campaign, form=form, status=422)
    body, missing = _body(form, rules_admin.CAMPAIGN_FIELDS)
    if missing:
        _mark(form, missing)
        return _campaign_page(campaign, form=form, status=422)
    body[rules_admin.AWARD_FORM_IDS] = form.award_form_ids.data or []
    _, refused = attempt(lambda: rules_admin.update_campaign(actor(), campaign.id, body))
    if refused:
        campaign = rules_admin.managed_campaign(actor(), campaign_id)
        return _campaign_page(campaign, form=form, message=show_error(form, refused), status=refused.status)
    # Stage time limits are read when a dossier enters its next stage (deadlines.stage_limit),
    # not pinned with the rule version: say so rather than claim in-flight dossiers keep them.
    flash(
        "Đã lưu đợt thi đua. Hồ sơ đã trình vẫn được xét theo tiêu chí đã ghi khi trình; "
        "thời hạn xử lý mới áp dụng từ bước tiếp theo của từng hồ sơ.",
        "success",
    )
    return redirect(url_for("pages.admin_campaign", campaign_id=campaign.id))


def _new_campaign_choices(form: NewCampaignForm) -> None:
    user_actor = actor()
    form.owner_unit_id.choices = options((u.id, f"{u.name} ({u.code})") for u in rules_admin.units_administered(user_actor))
    form.award_form_ids.choices = options((f.id, f.name) for f in rules_admin.managed_award_forms(user_actor))


@bp.route("/admin/campaigns/new", methods=["GET", "POST"])
def admin_campaign_new():
    require_role("admin")
    if request.method == "GET":
        form = NewCampaignForm(formdata=None, data=rules_admin.STAGE_DAY_DEFAULTS)
        _new_campaign_choices(form)
        return render_template("admin/campaign_new.html", form=form)
    form = NewCampaignForm()
    _new_campaign_choices(form)
    if not form.validate():
        return render_template("admin/campaign_new.html", form=form), 422
    body, missing = _body(form, rules_admin.NEW_CAMPAIGN_FIELDS)
    if missing:
        _mark(form, missing)
        return render_template("admin/campaign_new.html", form=form), 422
    body[rules_admin.AWARD_FORM_IDS] = form.award_form_ids.data or []
    campaign, refused = attempt(lambda: rules_admin.create_campaign(actor(), body))
    if refused:
        message = show_error(form, refused)
        return render_template("admin/campaign_new.html", form=form, message=message), refused.status
    flash(f"Đã tạo đợt thi đua {campaign.code}.", "success")
    return redirect(url_for("pages.admin_campaign", campaign_id=campaign.id))


def _new_pool_choices(form: NewPoolForm) -> None:
    units = [(u.id, f"{u.name} ({u.code})") for u in rules_admin.units_administered(actor())]
    form.unit_id.choices = options([("", "— Không: nhóm dùng chung của các đơn vị thành viên —"), *units])
    form.member_ids.choices = options(units)


@bp.post("/admin/campaigns/<int:campaign_id>/pools")
def admin_campaign_pool_new(campaign_id: int):
    require_role("admin")
    campaign = rules_admin.managed_campaign(actor(), campaign_id)
    form = NewPoolForm()
    _new_pool_choices(form)
    if not form.validate():
        return _campaign_page(campaign, new_pool=form, status=422)
    body = {name: jsonable(form[name].data) for name in ("code", "name", "unit_id", "limit_collective", "limit_individual")}
    body[rules_admin.MEMBER_IDS] = form.member_ids.data or []
    body[rules_admin.CATEGORIES], _ = category_lines(form.categories.data)
    pool, refused = attempt(lambda: rules_admin.create_pool(actor(), campaign.id, body))
    if refused:
        campaign = rules_admin.managed_campaign(actor(), campaign_id)
        message = show_error(form, refused)
        return _campaign_page(campaign, new_pool=form, message=message, status=refused.status)
    flash(f"Đã thêm nhóm chỉ tiêu {pool.name}.", "success")
    return redirect(url_for("pages.admin_campaign", campaign_id=campaign.id, _anchor=f"pool-{pool.id}"))


@bp.post("/admin/campaigns/<int:campaign_id>/pools/<int:pool_id>")
def admin_campaign_pool(campaign_id: int, pool_id: int):
    require_role("admin")
    pool = rules_admin.managed_pool(actor(), campaign_id, pool_id)
    form = PoolForm()
    problems: dict[str, str] = {}
    if not form.validate():
        problems = {name: "; ".join(errors) for name, errors in form.errors.items()}
    body, missing = _body(form, rules_admin.POOL_FIELDS)
    problems |= missing
    limits = {}
    for c in pool.categories:
        key = f"{rules_admin.CATEGORY_LIMITS}.{c.code}"
        if key not in request.form:
            continue
        raw = request.form[key].strip()
        low, high = rules_admin.CATEGORY_LIMIT.min_value, rules_admin.CATEGORY_LIMIT.max_value
        value = ascii_int(raw, max_digits=9)
        if not raw:
            limits[c.code] = None
        elif value is not None and low <= value <= high:
            limits[c.code] = value
        else:
            problems[key] = f"Chỉ tiêu '{c.name}' phải là số nguyên từ {low} đến {high}, đã nhập '{raw[:20]}'"
    body[rules_admin.CATEGORY_LIMITS] = limits
    if not problems:
        _, refused = attempt(lambda: rules_admin.update_pool(actor(), campaign_id, pool.id, body))
        if refused:
            problems = dict(refused.details.get("fields") or {"name": refused.message})
    campaign = rules_admin.managed_campaign(actor(), campaign_id)
    if problems:
        return _campaign_page(campaign, pool_errors={pool_id: problems}, status=422)
    flash("Đã lưu chỉ tiêu; các hồ sơ đã trình giữ quy định cũ.", "success")
    return redirect(url_for("pages.admin_campaign", campaign_id=campaign.id, _anchor=f"pool-{pool_id}"))


@bp.post("/admin/campaigns/<int:campaign_id>/criteria")
def admin_campaign_criterion(campaign_id: int):
    require_role("admin")
    campaign = rules_admin.managed_campaign(actor(), campaign_id)
    form = CriterionForm()
    _criterion_choices(form, campaign)
    if not form.validate():
        return _campaign_page(campaign, criterion=form, status=422)
    body = {k: v for k, v in ((n, jsonable(form[n].data)) for n in rules_admin.CRITERION_FIELDS) if v is not None}
    _, refused = attempt(lambda: rules_admin.set_criterion(actor(), campaign.id, body))
    if refused:
        campaign = rules_admin.managed_campaign(actor(), campaign_id)
        return _campaign_page(campaign, criterion=form, message=show_error(form, refused), status=refused.status)
    flash("Đã lưu tiêu chí; các hồ sơ đã trình giữ quy định cũ.", "success")
    return redirect(url_for("pages.admin_campaign", campaign_id=campaign.id, _anchor="criteria"))


@bp.post("/admin/campaigns/<int:campaign_id>/criteria/<code>/delete")
def admin_campaign_criterion_delete(campaign_id: int, code: str):
    require_role("admin")
    rules_admin.remove_criterion(actor(), campaign_id, code)
    commit()
    flash("Đã bỏ tiêu chí; các hồ sơ đã trình giữ quy định cũ.", "success")
    return redirect(url_for("pages.admin_campaign", campaign_id=campaign_id, _anchor="criteria"))


# --- award forms -----------------------------------------------------------------------------


@bp.get("/admin/award-forms")
def admin_award_forms():
    require_role("admin")
    return render_template("admin/award_forms.html", forms=rules_admin.managed_award_forms(actor()))


def _unit_options(form: AwardFormForm) -> None:
    units = [(u.id, f"{u.name} ({u.code})") for u in rules_admin.chain_units(actor())]
    for entry in form.levels:
        entry.office_unit_id.choices = options([("", "— Chọn cơ quan —"), *units])
        entry.appraising_unit_id.choices = options([("", "— Như cơ quan của cấp —"), *units])
        entry.council_unit_id.choices = options([("", "— Như cơ quan của cấp —"), *units])


def _award_form_page(award_form, form=None, message=None, status=200):
    if form is None:
        form = AwardFormForm(formdata=None, obj=award_form)
        form.levels.append_entry()  # one empty row to add a level above
    _unit_options(form)
    return render_template(
        "admin/award_form.html", award_form=award_form, form=form, campaigns=rules_admin.campaigns_using(award_form),
        message=message
    ), status


def _levels_body(form: AwardFormForm) -> list[dict]:
    return [
        {k: v for k, v in entry.data.items() if k in rules_admin.LEVEL_FIELDS and jsonable(v) is not None}
        for entry in form.levels
        if (entry.data.get("name") or "").strip() or entry.data.get("office_unit_id")
    ]


@bp.route("/admin/campaigns/<int:campaign_id>/award-forms/new", methods=["GET", "POST"])
def admin_award_form_new(campaign_id: int):
    require_role("admin")
    campaign = rules_admin.managed_campaign(actor(), campaign_id)
    if request.method == "GET":
        form = NewAwardFormForm(formdata=None, data={"pass_share_percent": 50})
        form.levels.append_entry()  # room for a chain of two levels; more are added on the form's own page
        _unit_options(form)
        return render_template("admin/award_form_new.html", c=campaign, form=form)
    form = NewAwardFormForm()
    _unit_options(form)
    if not form.validate():
        return render_template("admin/award_form_new.html", c=campaign, form=form), 422
    body, missing = _body(form, rules_admin.NEW_AWARD_FORM_FIELDS)
    if missing:
        _mark(form, missing)
        return render_template("admin/award_form_new.html", c=campaign, form=form), 422
    body[rules_admin.LEVELS] = _levels_body(form)
    created, refused = attempt(lambda: rules_admin.create_award_form(actor(), campaign.id, body))
    if refused:
        message = show_error(form, refused)
        return render_template("admin/award_form_new.html", c=campaign, form=form, message=message), refused.status
    flash(f"Đã thêm hình thức khen thưởng {created.name} vào đợt {campaign.code}.", "success")
    return redirect(url_for("pages.admin_award_form", award_form_id=created.id))


@bp.route("/admin/award-forms/<int:award_form_id>", methods=["GET", "POST"])
def admin_award_form(award_form_id: int):
    require_role("admin")
    award_form = rules_admin.managed_award_form(actor(), award_form_id)
    if request.method == "GET":
        return _award_form_page(award_form)
    form = AwardFormForm()
    _unit_options(form)
    if not form.validate():
        return _award_form_page(award_form, form, status=422)
    body, missing = _body(form, rules_admin.AWARD_FORM_FIELDS)
    if missing:
        _mark(form, missing)
        return _award_form_page(award_form, form, status=422)
    body[rules_admin.LEVELS] = _levels_body(form)
    _, refused = attempt(lambda: rules_admin.update_award_form(actor(), award_form.id, body))
    if refused:
        award_form = rules_admin.managed_award_form(actor(), award_form_id)
        return _award_form_page(award_form, form, message=show_error(form, refused), status=refused.status)
    flash("Đã lưu hình thức khen thưởng; các hồ sơ đã trình giữ cấp xét cũ.", "success")
    return redirect(url_for("pages.admin_award_form", award_form_id=award_form.id))


# --- legal basis -----------------------------------------------------------------------------


@bp.get("/admin/legal-bases")
def admin_legal_bases():
    require_role("admin")
    return render_template("admin/legal_bases.html", rows=rules_admin.legal_bases(actor()))


def _legal_basis_submit(form: LegalBasisForm, save, template: str, **context):
    if not form.validate_on_submit():
        return render_template(template, form=form, **context), 422 if form.errors else 200
    body, missing = _body(form, rules_admin.LEGAL_BASIS_FIELDS)
    if missing:
        _mark(form, missing)
        return render_template(template, form=form, **context), 422
    row, refused = attempt(lambda: save(body))
    if refused:
        return render_template(template, form=form, message=show_error(form, refused), **context), refused.status
    flash(f"Đã lưu văn bản căn cứ {row.code}.", "success")
    return redirect(url_for("pages.admin_legal_bases"))


@bp.route("/admin/legal-bases/new", methods=["GET", "POST"])
def admin_legal_basis_new():
    require_role("admin")
    rules_admin.legal_bases(actor())  # admins only
    return _legal_basis_submit(
        LegalBasisForm(), lambda body: rules_admin.create_legal_basis(actor(), body), "admin/legal_basis.html", row=None
    )


@bp.route("/admin/legal-bases/<int:legal_basis_id>", methods=["GET", "POST"])
def admin_legal_basis(legal_basis_id: int):
    require_role("admin")
    row = rules_admin.managed_legal_basis(actor(), legal_basis_id)
    form = LegalBasisForm(obj=row) if request.method == "GET" else LegalBasisForm()
    return _legal_basis_submit(
        form, lambda body: rules_admin.update_legal_basis(actor(), row.id, body), "admin/legal_basis.html", row=row
    )

