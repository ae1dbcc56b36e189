"""What an action form offers to choose from: people of the office, recorded meetings, the
next decision number; the engine still checks whatever comes back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from ...forms.base import BaseForm, options
from ...models import CouncilMeeting, IssuedNumber, Nomination, NumberSeries, User, db
from ...workflow import rule_versions
from ...workflow.clock import local_today
from ...workflow.engine import DECISION_SYMBOL
from ...workflow.permissions import acting_roles, office_users, visible_meetings


def _people(role: str, nominations: Sequence[Nomination], exclude: int | None = None) -> list:
    seen: dict[int, User] = {}
    for n in nominations[:1]:  # one office per list: the level of the first item
        for user in db.session.scalars(office_users(role, n)):
            seen.setdefault(user.id, user)
    return [(u.id, f"{u.full_name} ({u.username})") for u in seen.values() if u.id != exclude]


def _meetings(user: User, nominations: Sequence[Nomination]) -> list:
    if not nominations:
        return []
    n = nominations[0]
    query = visible_meetings(user).where(
        CouncilMeeting.campaign_id == n.campaign_id, CouncilMeeting.level == n.level
    )
    return [
        (m.id, f"Biên bản {m.minutes_number} ngày {m.date:%d/%m/%Y} ({m.members_present}/{m.members_total} thành viên dự)")
        for m in db.session.scalars(query.order_by(CouncilMeeting.date.desc()).limit(50))
    ]


def proposed_decision_number(nomination: Nomination, year: int) -> int:
    """The number the register would give next; a proposal only: reserving happens on signing."""
    issuer = rule_versions.level(nomination).office_unit
    where = {"issuer_unit_id": issuer.id, "doc_type": DECISION_SYMBOL, "year": year}
    highest = db.session.scalar(select(func.max(IssuedNumber.number)).filter_by(**where)) or 0
    last = db.session.scalar(select(NumberSeries.last_number).filter_by(**where)) or 0
    return max(highest, last) + 1


def prepare(form: BaseForm, trigger: str, user: User, nominations: Sequence[Nomination], fresh: bool) -> None:
    """Fill the form's lists; on a fresh (GET) form, also its proposed values."""
    first = nominations[0] if nominations else None
    if "assignee_id" in form:
        if trigger == "start_appraisal":
            form.assignee_id.choices = options([("", "— Tôi nhận thẩm định —"), *_people("appraiser", nominations)])
        else:
            current = first.assignee_id if first is not None and len(nominations) == 1 else None
            form.assignee_id.choices = options([("", "— Chọn chuyên viên —"), *_people("appraiser", nominations, current)])
    if "council_meeting_id" in form:
        form.council_meeting_id.choices = options([("", "— Ghi phiên họp mới (nhập bên dưới) —"), *_meetings(user, nominations)])
    if "signed_by" in form:
        # Only the council secretary records a paper signature; a signer signs as itself.
        if first is not None and "council_secretary" in acting_roles(user, first):
            form.signed_by.choices = options([("", "— Chọn lãnh đạo đã ký —"), *_people("signer", nominations)])
        else:
            del form.signed_by
    if fresh and trigger == "sign" and first is not None:
        form.decision_date.data = local_today()
        form.decision_number.data = proposed_decision_number(first, local_today().year)
