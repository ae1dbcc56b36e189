"""Administering accounts and units: validate, flush, write an "admin" audit event.

Like the engine, every function runs inside the caller's transaction and only flushes; an
admin acts only inside the subtree of its admin scope (outside it, things do not exist).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..models import RoleAssignment, Unit, User, db, utcnow
from ..models.org import CAPACITIES, ROLES, UNIT_KINDS
from . import audit, recognition_pools
from .actor import Actor
from .auth import check_password, hash_password
from .clock import local_today
from .errors import WorkflowError, forbidden, not_found, validation_failed
from .payload import Field, parse

MIN_PASSWORD_LENGTH = 8
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")

USER_FIELDS = {
    "username": Field(str, "Tên đăng nhập", max_length=80, nullable=False),
    "full_name": Field(str, "Họ và tên", max_length=255, nullable=False),
    "email": Field(str, "Thư điện tử", max_length=255, nullable=False),
    "unit_id": Field(int, "Đơn vị", nullable=False),
    "password": Field(str, "Mật khẩu", max_length=200, nullable=False),
}
ASSIGNMENT_FIELDS = {
    "role": Field(str, "Vai trò", choices=ROLES, nullable=False),
    "scope_unit_id": Field(int, "Phạm vi", nullable=False),
    "capacity": Field(str, "Cương vị ký", choices=CAPACITIES),
}
UNIT_FIELDS = {
    "code": Field(str, "Mã đơn vị", max_length=40, nullable=False),
    "name": Field(str, "Tên đơn vị", max_length=255, nullable=False),
    "kind": Field(str, "Loại đơn vị", choices=UNIT_KINDS, nullable=False),
    "parent_id": Field(int, "Đơn vị cấp trên", nullable=False),
    "abbreviation": Field(str, "Tên viết tắt", max_length=40),
    "place_name": Field(str, "Địa danh", max_length=120),
}
RECOGNITION_FIELDS = {
    "recognized": Field(bool, "Đã được công nhận", nullable=False),
    "decision_number": Field(str, "Số quyết định công nhận", max_length=60),
    "decision_date": Field(date, "Ngày quyết định công nhận"),
}


def admin_scopes(user: User) -> list[Unit]:
    return [a.scope_unit for a in user.assignments if a.role == "admin"]


def administers(user: User, unit: Unit) -> bool:
    return any(scope.contains(unit) for scope in admin_scopes(user))


def require_admin(actor: Actor) -> None:
    if not admin_scopes(actor.user):
        raise forbidden("Chỉ quản trị hệ thống được thực hiện thao tác này.")


def top_level_admin(user: User) -> bool:
    """An admin of a unit with nothing above it (a province): the only one who keeps what every
    unit shares, such as the calendar and the legal basis."""
    return any(scope.parent_id is None for scope in admin_scopes(user))


def require_top_level_admin(actor: Actor, what: str) -> None:
    require_admin(actor)
    if not top_level_admin(actor.user):
        raise forbidden(f"{what} dùng chung cho mọi đơn vị; chỉ quản trị cấp tỉnh được quản lý.")


def managed_user(actor: Actor, user_id: int) -> User:
    require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None or not administers(actor.user, user.unit):
        raise not_found("Tài khoản")
    return user


def managed_unit(actor: Actor, unit_id: int) -> Unit:
    require_admin(actor)
    unit = db.session.get(Unit, unit_id)
    if unit is None or not administers(actor.user, unit):
        raise not_found("Đơn vị")
    return unit


def _required(values: dict, fields: dict[str, Field], names) -> dict[str, str]:
    return {n: f"{fields[n].label} là bắt buộc" for n in names if values.get(n) in (None, "")}


def _unit_in_scope(actor: Actor, unit_id: int | None) -> Unit | None:
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return unit if unit is not None and administers(actor.user, unit) else None


def _password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự"
    return None


def record_admin_change(
    actor: Actor,
    op: str,
    *,
    object_type: str,
    object_id: int,
    unit_id: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    acting_role: str | None = "admin",
    **details,
):
    """An "admin" event: the operation, the field-level diff {field: [before, after]}, and any
    further facts (such as the rule version an edit created). `acting_role` is the one acted in: None
    for what anyone does to their own account; `unit_id` None for what every unit shares."""
    audit.record(
        actor,
        "admin",
        role=acting_role,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit_id,
        changes=changes,
        details={"op": op, **details},
    )


def create_user(actor: Actor, body: Any) -> User:
    require_admin(actor)
    values = parse(body, USER_FIELDS, what="Tài khoản")
    problems = _required(values, USER_FIELDS, USER_FIELDS)
    username = (values.get("username") or "").lower()
    if "username" not in problems:
        if not USERNAME.match(username):
            problems["username"] = (
                "Tên đăng nhập gồm chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới"
            )
        elif db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
            problems["username"] = f"Tên đăng nhập {username} đã có người dùng"
    if "email" not in problems and not EMAIL.match(values["email"]):
        problems["email"] = "Thư điện tử không đúng dạng"
    unit = _unit_in_scope(actor, values.get("unit_id"))
    if "unit_id" not in problems and unit is None:
        problems["unit_id"] = "Đơn vị không thuộc phạm vi quản trị của bạn"
    if "password" not in problems and (problem := _password_problem(values["password"])):
        problems["password"] = problem
    if problems:
        raise validation_failed(problems)
    user = User(
        username=username,
        full_name=values["full_name"],
        email=values["email"],
        unit=unit,
        password_hash=hash_password(values["password"]),
    )
    db.session.add(user)
    db.session.flush()
    changes = {k: [None, getattr(user, k)] for k in ("username", "full_name", "email", "unit_id")}
    record_admin_change(actor, "create_user", object_type="user", object_id=user.id, unit_id=unit.id, changes=changes)
    db.session.flush()
    return user


def _set_active(actor: Actor, user_id: int, active: bool) -> User:
    user = managed_user(actor, user_id)
    if user.id == actor.user_id:
        raise WorkflowError(409, "invalid_state", "Không thể tự khóa hoặc mở tài khoản của chính mình.")
    if user.active == active:
        state = "đang hoạt động" if active else "đã bị khóa"
        raise WorkflowError(409, "invalid_state", f"Tài khoản {user.username} {state}.")
    user.active = active
    record_admin_change(
        actor,
        "activate_user" if active else "deactivate_user",
        object_type="user",
        object_id=user.id,
        unit_id=user.unit_id,
        changes={"active": [not active, active]},
    )
    db.session.flush()
    return user


def deactivate_user(actor: Actor, user_id: int) -> User:
    return _set_active(actor, user_id, False)


def activate_user(actor: Actor, user_id: int) -> User:
    return _set_active(actor, user_id, True)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    # Moving this stamp changes User.get_id(): every session issued before stops working.
    user.password_changed_at = utcnow()


def reset_password(actor: Actor, user_id: int, password: str) -> User:
    user = managed_user(actor, user_id)
    if problem := _password_problem(password):
        raise validation_failed({"password": problem})
    _set_password(user, password)
    record_admin_change(actor, "reset_password", object_type="user", object_id=user.id, unit_id=user.unit_id)
    db.session.flush()
    return user


def change_own_password(actor: Actor, old_password: str, new_password: str) -> User:
    user = actor.user
    if not check_password(user, old_password):
        raise validation_failed({"old_password": "Mật khẩu hiện tại không đúng"})
    if problem := _password_problem(new_password):
        raise validation_failed({"new_password": problem})
    if new_password == old_password:
        raise validation_failed({"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại"})
    _set_password(user, new_password)
    record_admin_change(actor, "change_password", object_type="user", object_id=user.id, unit_id=user.unit_id, acting_role=None)
    db.session.flush()
    return user


def _label(a: RoleAssignment) -> str:
    suffix = f" ({a.capacity})" if a.capacity else ""
    return f"{a.role}@{a.scope_unit.code}{suffix}"


def set_assignments(actor: Actor, user_id: int, items: list[Any]) -> User:
    """Replace the user's role assignments with `items` ({role, scope_unit_id, capacity})."""
    user = managed_user(actor, user_id)
    if not isinstance(items, list):
        raise validation_failed({"assignments": "Danh sách vai trò không hợp lệ"})
    wanted: dict[tuple[str, int], str | None] = {}
    for item in items:
        values = parse(item, ASSIGNMENT_FIELDS, what="Vai trò")
        problems = _required(values, ASSIGNMENT_FIELDS, ("role", "scope_unit_id"))
        if problems:
            raise validation_failed(problems)
        if _unit_in_scope(actor, values["scope_unit_id"]) is None:
            raise validation_failed({"scope_unit_id": "Phạm vi không thuộc phạm vi quản trị của bạn"})
        capacity = values.get("capacity")
        if values["role"] == "signer" and capacity is None:
            raise validation_failed({"capacity": "Lãnh đạo ký cần ghi cương vị (Chủ tịch hoặc Phó Chủ tịch)"})
        if values["role"] != "signer" and capacity is not None:
            raise validation_failed({"capacity": "Chỉ lãnh đạo ký mới có cương vị ký"})
        key = (values["role"], values["scope_unit_id"])
        if key in wanted:
            raise validation_failed({"role": "Một vai trò ở một phạm vi chỉ giao một lần"})
        wanted[key] = capacity
    if user.id == actor.user_id and not any(
        a.role == "admin" and (a.role, a.scope_unit_id) in wanted for a in user.assignments
    ):
        raise validation_failed({"role": "Không thể tự bỏ vai trò quản trị của chính mình"})
    before = [_label(a) for a in user.assignments]
    # Keep the rows that stay: deleting and re-inserting one (user, role, scope) in a single
    # flush could trip the unique constraint.
    kept = []
    for a in user.assignments:
        key = (a.role, a.scope_unit_id)
        if key in wanted:
            a.capacity = wanted.pop(key)
            kept.append(a)
    added = [
        RoleAssignment(role=role, scope_unit=db.session.get(Unit, scope_id), capacity=capacity)
        for (role, scope_id), capacity in wanted.items()
    ]
    user.assignments = kept + added
    db.session.flush()
    after = [_label(a) for a in user.assignments]
    if before != after:
        record_admin_change(
            actor,
            "set_assignments",
            object_type="user",
            object_id=user.id,
            unit_id=user.unit_id,
            changes={"assignments": [before, after]},
        )
        db.session.flush()
    return user


def create_unit(actor: Actor, body: Any) -> Unit:
    require_admin(actor)
    values = parse(body, UNIT_FIELDS, what="Đơn vị")
    problems = _required(values, UNIT_FIELDS, ("code", "name", "kind", "parent_id"))
    code = (values.get("code") or "").upper()
    if "code" not in problems:
        if not UNIT_CODE.match(code):
            problems["code"] = "Mã đơn vị gồm chữ in hoa không dấu, số và gạch ngang"
        elif db.session.scalar(select(Unit.id).where(Unit.code == code)):
            problems["code"] = f"Mã đơn vị {code} đã được dùng"
    parent = _unit_in_scope(actor, values.get("parent_id"))
    if "parent_id" not in problems and parent is None:
        problems["parent_id"] = "Đơn vị cấp trên không thuộc phạm vi quản trị của bạn"
    if problems:
        raise validation_failed(problems)
    unit = Unit(
        code=code,
        name=values["name"],
        kind=values["kind"],
        parent=parent,
        abbreviation=values.get("abbreviation") or None,
        place_name=values.get("place_name") or None,
    )
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path}{unit.id}/"
    changes = {k: [None, getattr(unit, k)] for k in ("code", "name", "kind", "parent_id")}
    record_admin_change(actor, "create_unit", object_type="unit", object_id=unit.id, unit_id=unit.id, changes=changes)
    db.session.flush()
    return unit


def set_recognition(actor: Actor, unit_id: int, body: Any) -> Unit:
    """Record (or withdraw) a unit's recognition (đạt chuẩn NTM...) and its decision; the pools
    that follow it open or close (workflow.recognition_pools), said in the same audit event."""
    unit = managed_unit(actor, unit_id)
    values = parse(body, RECOGNITION_FIELDS, what="Công nhận")
    if values.get("recognized") is None:
        raise validation_failed({"recognized": "Cần chọn đã hay chưa được công nhận"})
    number, day = values.get("decision_number") or None, values.get("decision_date")
    if values["recognized"]:
        problems = _required(values, RECOGNITION_FIELDS, ("decision_number", "decision_date"))
        if day is not None and day > local_today():
            problems["decision_date"] = "Ngày quyết định không được sau hôm nay"
        if problems:
            raise validation_failed(problems)
    else:
        number, day = None, None
    before = {
        "recognized": unit.recognized,
        "recognition_decision_number": unit.recognition_decision_number,
        "recognition_decision_date": unit.recognition_decision_date,
    }
    unit.recognized = values["recognized"]
    unit.recognition_decision_number = number
    unit.recognition_decision_date = day
    changes = {
        k: [audit.json_value(old), audit.json_value(getattr(unit, k))]
        for k, old in before.items()
        if old != getattr(unit, k)
    }
    if changes:
        pools = recognition_pools.follow_recognition(actor, unit)
        record_admin_change(
            actor, "set_recognition", object_type="unit", object_id=unit.id, unit_id=unit.id, changes=changes, **pools
        )
    db.session.flush()
    return unit
