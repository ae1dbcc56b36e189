"""Administration of accounts: list, create, lock and unlock, reset password, roles with scope."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...forms.admin import AssignmentForm, ResetPasswordForm, UserForm
from ...forms.base import body_of, options, show_error
from ...models import Unit, User, db
from ...workflow import admin
from ...workflow.permissions import visible_units
from ...workflow.text import fold
from . import actor, bp, me, require_role
from .paging import Key, paginate
from .saving import attempt


def unit_choices(user: User) -> list[tuple[int, str]]:
    units = db.session.scalars(visible_units(user).order_by(Unit.path)).all()
    return [(u.id, f"{u.name} ({u.code})") for u in units if admin.administers(user, u)]


def _managed_users(user: User):
    units = visible_units(user).with_only_columns(Unit.id)
    return select(User).where(User.unit_id.in_(units))


@bp.get("/admin/users")
def admin_users():
    require_role("admin")
    user = me()
    query = _managed_users(user)
    q = request.args.get("q", "").strip()[:80]
    for term in fold(q).split()[:4]:
        query = query.where(User.username.contains(term, autoescape=True))
    filters = {"q": q} if q else {}
    page = paginate(query, [Key(User.id, "int")], lambda u: [u.id], filters)
    return render_template("admin/users.html", page=page, q=q)


@bp.route("/admin/users/new", methods=["GET", "POST"])
def admin_user_new():
    require_role("admin")
    form = UserForm()
    form.unit_id.choices = options([("", "— Chọn đơn vị —"), *unit_choices(me())])
    message, status = None, 200
    if form.validate_on_submit():
        created, refused = attempt(lambda: admin.create_user(actor(), body_of(form, form_fields(form))))
        if refused:
            message, status = show_error(form, refused), refused.status
        else:
            flash(f"Đã tạo tài khoản {created.username}.", "success")
            return redirect(url_for("pages.admin_user", user_id=created.id))
    elif form.errors:
        status = 422
    return render_template("admin/user_new.html", form=form, message=message), status


def form_fields(form) -> list[str]:
    return [name for name in form._fields if name != "csrf_token"]


def _user_page(target: User, *, reset=None, assign=None, message=None, status=200):
    reset = reset or ResetPasswordForm(formdata=None)
    assign = assign or AssignmentForm(formdata=None)
    assign.scope_unit_id.choices = options(unit_choices(me()))
    return render_template(
        "admin/user.html", target=target, reset=reset, assign=assign, message=message
    ), status


@bp.get("/admin/users/<int:user_id>")
def admin_user(user_id: int):
    return _user_page(admin.managed_user(actor(), user_id))


def _run(user_id: int, change, done: str, **forms):
    """Apply one administrative change, or show the user page again with its errors."""
    _, refused = attempt(change)
    if refused:
        form = next(iter(forms.values()), None)
        message = show_error(form, refused) if form is not None else refused.message
        return _user_page(admin.managed_user(actor(), user_id), message=message, status=refused.status, **forms)
    flash(done, "success")
    return redirect(url_for("pages.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/deactivate")
def admin_user_deactivate(user_id: int):
    return _run(user_id, lambda: admin.deactivate_user(actor(), user_id), "Đã khóa tài khoản.")


@bp.post("/admin/users/<int:user_id>/activate")
def admin_user_activate(user_id: int):
    return _run(user_id, lambda: admin.activate_user(actor(), user_id), "Đã mở khóa tài khoản.")


@bp.post("/admin/users/<int:user_id>/password")
def admin_user_password(user_id: int):
    form = ResetPasswordForm()
    form.validate()
    return _run(
        user_id,
        lambda: admin.reset_password(actor(), user_id, form.password.data or ""),
        "Đã đặt lại mật khẩu; các phiên đăng nhập cũ của người dùng đã hết hiệu lực.",
        reset=form,
    )


def _assignments_of(target: User) -> list[dict]:
    return [
        {"role": a.role, "scope_unit_id": a.scope_unit_id, "capacity": a.capacity}
        for a in target.assignments
    ]


@bp.post("/admin/users/<int:user_id>/assignments")
def admin_user_assign(user_id: int):
    target = admin.managed_user(actor(), user_id)
    form = AssignmentForm()
    form.scope_unit_id.choices = options(unit_choices(me()))
    if not form.validate():
        return _user_page(target, assign=form, status=422)
    wanted = _assignments_of(target) + [body_of(form, ("role", "scope_unit_id", "capacity"))]
    return _run(
        user_id,
        lambda: admin.set_assignments(actor(), user_id, wanted),
        "Đã giao vai trò.",
        assign=form,
    )


@bp.post("/admin/users/<int:user_id>/assignments/<int:assignment_id>/delete")
def admin_user_unassign(user_id: int, assignment_id: int):
    target = admin.managed_user(actor(), user_id)
    wanted = [
        item
        for a, item in zip(target.assignments, _assignments_of(target), strict=True)
        if a.id != assignment_id
    ]
    return _run(user_id, lambda: admin.set_assignments(actor(), user_id, wanted), "Đã bỏ vai trò.")
