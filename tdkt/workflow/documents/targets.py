"""What a document is about, loaded with the caller's scope: out of scope is 404, as if it did
not exist; in scope but not for the caller's roles is 403."""

from __future__ import annotations

from dataclasses import dataclass

from ...models import Campaign, CouncilMeeting, Decision, Nomination, Unit, User, db
from .. import rule_versions
from ..errors import WorkflowError, forbidden, not_found, validation_failed
from ..nominations import campaigns_for
from ..payload import fits_integer
from ..permissions import (
    OFFICE_READERS,
    visible_decisions,
    visible_meetings,
    visible_nominations,
    visible_units,
)

ISSUERS = ("unit", "office", "council")
# Which nominations each issuer's list covers (API.md, Documents).
ISSUER_STATES = {
    "unit": ("draft", "submitted", "in_appraisal", "returned", "council_review", "awaiting_signature", "approved"),
    "office": ("council_review", "awaiting_signature", "approved"),
    "council": ("awaiting_signature", "approved"),
}
# The copy of a decision printed for signature covers what waits for the signer.
DRAFT_DECISION_STATES = ("awaiting_signature",)


@dataclass
class Selection:
    """The nominations of one campaign a list or Tờ trình covers, and who issues it."""

    campaign: Campaign
    issuer: str
    nominations: list[Nomination]
    unit: Unit | None
    level: rule_versions.Level


def nothing_to_list(message: str) -> WorkflowError:
    return WorkflowError(409, "no_nominations", message, {})


def is_office_reader(user: User) -> bool:
    return bool(user.roles() & OFFICE_READERS)


def campaign_for(user: User, campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id) if fits_integer(campaign_id) else None
    if campaign is None or campaign not in campaigns_for(user):
        raise not_found("Đợt thi đua")
    return campaign


def _unit(user: User, unit_id: int) -> Unit:
    unit = None
    if fits_integer(unit_id):
        unit = db.session.scalars(visible_units(user).where(Unit.id == unit_id)).first()
    if unit is None:
        raise not_found("Đơn vị")
    return unit


def _level(nomination: Nomination) -> rule_versions.Level:
    """The level it is at, in the chain pinned at its first submit (the issuers it was sent to)."""
    return rule_versions.level(nomination)


def select_for(
    user: User, campaign: Campaign, issuer: str, unit_id: int | None, states: tuple[str, ...] | None = None
) -> Selection:
    if issuer not in ISSUERS:
        raise validation_failed({"issuer": f"Cơ quan ban hành phải là một trong: {', '.join(ISSUERS)}"})
    unit = None
    if issuer == "unit":
        if unit_id is None:
            if not user.has_role("proposer"):
                raise validation_failed({"unit_id": "Cần chọn đơn vị đề nghị (unit_id)"})
            unit = user.unit
        else:
            unit = _unit(user, unit_id)
    else:
        if not is_office_reader(user):
            raise forbidden("Văn bản của Văn phòng Điều phối và Hội đồng chỉ dành cho cơ quan thẩm định, xét duyệt.")
        if unit_id is not None:
            unit = _unit(user, unit_id)
    query = visible_nominations(user).where(
        Nomination.campaign_id == campaign.id,
        Nomination.state.in_(states or ISSUER_STATES[issuer]),
    )
    if unit is not None:
        query = query.where(Nomination.unit_id == unit.id)
    found = list(db.session.scalars(query.order_by(Nomination.level, Nomination.id)))
    if not found:
        raise nothing_to_list("Không có hồ sơ nào thuộc danh sách này.")
    # One office issues one letter: a campaign whose nominations sit at several levels of
    # their chains lists those of the first level found.
    level = _level(found[0])
    chosen = [n for n in found if _level(n).office_unit == level.office_unit]
    return Selection(campaign, issuer, chosen, unit, level)


def meeting_for(user: User, meeting_id: int) -> CouncilMeeting:
    """The minutes are the council's: its office readers get them; a unit that sees the
    meeting through its own nomination is refused (403), others get 404."""
    meeting = None
    if fits_integer(meeting_id):
        meeting = db.session.scalars(visible_meetings(user).where(CouncilMeeting.id == meeting_id)).first()
    if meeting is None:
        raise not_found("Phiên họp Hội đồng")
    if not any(a.role in OFFICE_READERS and a.scope_unit.contains(meeting.council_unit) for a in user.assignments):
        raise forbidden("Biên bản họp Hội đồng chỉ dành cho cơ quan thẩm định, xét duyệt.")
    return meeting


def decision_for(user: User, decision_id: int) -> Decision:
    """A decision is readable by every unit it awards."""
    decision = None
    if fits_integer(decision_id):
        decision = db.session.scalars(visible_decisions(user).where(Decision.id == decision_id)).first()
    if decision is None:
        raise not_found("Quyết định")
    return decision


def visible_ids(user: User, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    query = visible_nominations(user).with_only_columns(Nomination.id).where(Nomination.id.in_(ids))
    return set(db.session.scalars(query))

