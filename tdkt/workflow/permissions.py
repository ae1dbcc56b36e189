"""Every permission in one place: scoped queries and `can_<verb>` checks for pages, API and CLI."""

from __future__ import annotations

from sqlalchemy import Integer, Select, and_, exists, false, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..models import (
    ChainLevel,
    CouncilMeeting,
    CouncilVote,
    Decision,
    Nomination,
    RoleAssignment,
    RuleVersion,
    Unit,
    User,
)
from . import rule_versions
from .machine import EDITABLE_STATES, HOLDER_ROLE, OFFICE_ROLES, RULES, rule_for

READ_ALL_ROLES = frozenset({"auditor", "admin"})
# Roles that read the office's records (meetings, quotas) beyond their own unit's nominations.
OFFICE_READERS = frozenset({"appraiser", "council_secretary", "signer", "auditor", "admin"})


def _covering(user: User, unit: Unit) -> list[RoleAssignment]:
    return [a for a in user.assignments if a.scope_unit.contains(unit)]


def acting_roles(user: User, nomination: Nomination) -> set[str]:
    """Roles the user may act in on this nomination: scope covers its unit and, for office roles,
    the office of the level it is at (in the chain as pinned at the first submit)."""
    office = rule_versions.level(nomination).office_unit
    return {
        a.role
        for a in _covering(user, nomination.unit)
        if a.role not in OFFICE_ROLES or a.scope_unit.contains(office)
    }


def can_view(user: User, nomination: Nomination) -> bool:
    roles = {a.role for a in _covering(user, nomination.unit)}
    if nomination.state == "draft":
        return bool(roles & (READ_ALL_ROLES | {"proposer"}))
    return bool(roles)


def can_edit(user: User, nomination: Nomination) -> bool:
    return nomination.state in EDITABLE_STATES and "proposer" in acting_roles(user, nomination)


def can_create_in(user: User, unit: Unit) -> bool:
    return any(a.role == "proposer" and a.scope_unit.contains(unit) for a in user.assignments)


def can_fire(user: User, nomination: Nomination, trigger: str) -> str | None:
    """The role in which the user may fire `trigger` now (rules not checked), else None."""
    rule = rule_for(trigger, nomination.state)
    if rule is None:
        return None
    if rule.assignee_only and nomination.assignee_id != user.id:
        return None
    if trigger == "forward" and not rule_versions.has_level_above(nomination):
        return None
    roles = acting_roles(user, nomination) & rule.roles
    return min(roles) if roles else None


def allowed_actions(user: User, nomination: Nomination) -> list[str]:
    if not can_view(user, nomination):
        return []
    seen = dict.fromkeys(r.trigger for r in RULES if r.source == nomination.state)
    return [t for t in seen if can_fire(user, nomination, t)]


def may_ever_fire(user: User, nomination: Nomination, trigger: str) -> bool:
    roles = acting_roles(user, nomination)
    return any(r.roles & roles for r in RULES if r.trigger == trigger)


def _scope_clause(user: User, roles: frozenset[str] | None = None):
    """SQL: the nomination's unit lies in the subtree of one of the user's scope units."""
    clauses = []
    for a in user.assignments:
        if roles is not None and a.role not in roles:
            continue
        in_subtree = Unit.path.startswith(a.scope_unit.path, autoescape=True)
        if a.role in READ_ALL_ROLES or a.role == "proposer":
            clauses.append(in_subtree)
        else:
            clauses.append(and_(in_subtree, Nomination.state != "draft"))
    return or_(*clauses) if clauses else false()


def visible_nominations(user: User) -> Select:
    """The one scoped query every list, search, export and detail goes through."""
    return select(Nomination).join(Unit, Nomination.unit_id == Unit.id).where(_scope_clause(user))


def visible_decisions(user: User) -> Select:
    """A decision is readable by everyone who may see one of the nominations it awards."""
    visible = visible_nominations(user).with_only_columns(Nomination.id)
    return select(Decision).where(
        exists().where(Nomination.decision_id == Decision.id, Nomination.id.in_(visible))
    )


def visible_meetings(user: User) -> Select:
    """A council meeting is readable through a visible nomination it voted on, or by the office
    roles whose scope holds the council."""
    visible = visible_nominations(user).with_only_columns(Nomination.id)
    council_path = select(Unit.path).where(Unit.id == CouncilMeeting.council_unit_id).scalar_subquery()
    clauses = [
        exists().where(CouncilVote.meeting_id == CouncilMeeting.id, CouncilVote.nomination_id.in_(visible))
    ]
    clauses += [
        council_path.startswith(a.scope_unit.path, autoescape=True)
        for a in user.assignments
        if a.role in OFFICE_READERS
    ]
    return select(CouncilMeeting).where(or_(*clauses))


def visible_units(user: User) -> Select:
    clauses = [Unit.path.startswith(a.scope_unit.path, autoescape=True) for a in user.assignments]
    return select(Unit).where(or_(*clauses) if clauses else false())


class pinned_office_id(FunctionElement):
    """SQL: the office unit id of the nomination's current level in its pinned rule snapshot
    (`rule_versions.level` in SQL), NULL where the snapshot does not hold its award form. The
    level is found by its position, as in Python; JSON is read differently by each database."""

    type = Integer()
    inherit_cache = True


@compiles(pinned_office_id, "postgresql")
def _pinned_office_id_postgresql(element, compiler, **kw):
    snapshot, award_form_id, position = (compiler.process(c, **kw) for c in element.clauses)
    return (
        "(SELECT CAST(pinned_level.value ->> 'office_unit_id' AS INTEGER)"
        f" FROM json_array_elements({snapshot} -> 'award_forms' -> CAST({award_form_id} AS TEXT) -> 'levels')"
        f" AS pinned_level(value) WHERE CAST(pinned_level.value ->> 'position' AS INTEGER) = {position})"
    )


@compiles(pinned_office_id, "sqlite")
def _pinned_office_id_sqlite(element, compiler, **kw):
    snapshot, award_form_id, position = (compiler.process(c, **kw) for c in element.clauses)
    return (
        "(SELECT json_extract(pinned_level.value, '$.office_unit_id')"
        f" FROM json_each({snapshot}, '$.award_forms.\"' || {award_form_id} || '\".levels') AS pinned_level"
        f" WHERE json_extract(pinned_level.value, '$.position') = {position})"
    )


def task_nominations(user: User) -> Select:
    """What waits for one of the user's roles, in scope; in appraisal only the assignee's."""
    office = aliased(Unit)
    clauses = []
    for a in user.assignments:
        states = [s for s, role in HOLDER_ROLE.items() if role == a.role]
        if not states:
            continue
        scope_path = a.scope_unit.path
        clause = and_(
            Unit.path.startswith(scope_path, autoescape=True), Nomination.state.in_(states)
        )
        if a.role in OFFICE_ROLES:
            clause = and_(clause, office.path.startswith(scope_path, autoescape=True))
        if a.role == "appraiser":
            clause = and_(
                clause,
                or_(Nomination.state != "in_appraisal", Nomination.assignee_id == user.id),
            )
        clauses.append(clause)
    # The office of the level it is at, in the chain pinned at the first submit (the live chain
    # for a nomination without a pin): an admin's later edit of the chain moves no queue.
    office_id = func.coalesce(
        pinned_office_id(RuleVersion.snapshot, Nomination.award_form_id, Nomination.level),
        ChainLevel.office_unit_id,
    )
    query = (
        select(Nomination)
        .join(Unit, Nomination.unit_id == Unit.id)
        .outerjoin(RuleVersion, RuleVersion.id == Nomination.rule_version_id)
        .outerjoin(
            ChainLevel,
            and_(
                ChainLevel.award_form_id == Nomination.award_form_id,
                ChainLevel.position == Nomination.level,
            ),
        )
        .join(office, office.id == office_id)
    )
    return query.where(or_(*clauses) if clauses else false())


def office_users(role: str, nomination: Nomination) -> Select:
    """Users holding `role` for the office of the nomination's current level (as pinned)."""
    office = rule_versions.level(nomination).office_unit
    ancestors = [office, *office.ancestors()]
    return (
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == role,
            RoleAssignment.scope_unit_id.in_([u.id for u in ancestors]),
            User.active.is_(True),
        )
        .order_by(User.id)
        .distinct()
    )
