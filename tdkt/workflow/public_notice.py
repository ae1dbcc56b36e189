"""Public notice of the nominees before the council (niêm yết công khai).

A campaign may require the list of nominees to stay posted for some working days so that anyone
may object before the council considers them. The council's secretary records each list posted
(the day, the nominations on it); `submit_for_signature` then refuses a nomination whose notice
had not run its working days by the day the council met.

Like the engine, every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ..models import Campaign, Nomination, PublicNotice, db
from ..models.campaign import public_notice_nominations
from . import calendar, rule_versions
from .actor import Actor
from .admin import record_admin_change
from .clock import local_today
from .errors import bad_request, forbidden, not_found, unprocessable, validation_failed
from .nominations import campaigns_for
from .payload import Field, fits_integer, parse
from .permissions import can_fire, visible_nominations

PUBLISHER_ROLE = "council_secretary"
NOMINATION_IDS = "nomination_ids"
NOTICE_FIELDS = {
    "published_on": Field(date, "Ngày niêm yết công khai", nullable=False),
    "note": Field(str, "Nơi niêm yết, ghi chú", max_length=2000),
}


def secretary_campaign(actor: Actor, campaign_id: int) -> Campaign:
    """A campaign the council secretary works on: one outside the user's scope does not exist
    for it (404), and only a council secretary records postings (403)."""
    user = actor.user
    campaign = db.session.get(Campaign, campaign_id) if fits_integer(campaign_id) else None
    if campaign is None or campaign not in campaigns_for(user):
        raise not_found("Đợt thi đua")
    if not any(a.role == PUBLISHER_ROLE for a in user.assignments):
        raise forbidden("Chỉ Thường trực Hội đồng TĐKT được niêm yết công khai danh sách.")
    return campaign


def publishable(actor: Actor, campaign: Campaign) -> list[Nomination]:
    """The campaign's nominations before the council that this secretary would send on for
    signature: in its scope and at a level whose council it serves."""
    candidates = db.session.scalars(
        visible_nominations(actor.user)
        .where(Nomination.campaign_id == campaign.id, Nomination.state == "council_review")
        .order_by(Nomination.id)
    )
    return [n for n in candidates if can_fire(actor.user, n, "submit_for_signature") == PUBLISHER_ROLE]


def publish(actor: Actor, campaign_id: int, body: Any) -> PublicNotice:
    campaign = secretary_campaign(actor, campaign_id)
    if not isinstance(body, dict):
        raise bad_request("Danh sách công khai phải là một đối tượng JSON.")
    ids = body.get(NOMINATION_IDS)
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise bad_request(f"Trường '{NOMINATION_IDS}' phải là danh sách số hồ sơ.", field=NOMINATION_IDS)
    available = {n.id: n for n in publishable(actor, campaign)}
    unknown = [i for i in ids if i not in available]
    if unknown:
        # Another unit's nomination, or one not before this secretary's council: it does not
        # exist for the caller.
        raise not_found("Hồ sơ")
    values = parse({k: v for k, v in body.items() if k != NOMINATION_IDS}, NOTICE_FIELDS, what="Danh sách công khai")
    problems: dict[str, str] = {}
    if campaign.public_notice_days is None:
        problems[NOMINATION_IDS] = "Đợt thi đua này không yêu cầu công khai danh sách trước khi Hội đồng họp"
    elif not ids:
        problems[NOMINATION_IDS] = "Cần chọn ít nhất một hồ sơ để công khai"
    published_on = values.get("published_on")
    if published_on is None:
        problems["published_on"] = "Ngày niêm yết công khai là bắt buộc"
    elif published_on > local_today():
        problems["published_on"] = (
            f"Ngày niêm yết ({published_on:%d/%m/%Y}) không được sau hôm nay ({local_today():%d/%m/%Y})"
        )
    if problems:
        raise validation_failed(problems)
    notice = PublicNotice(
        campaign=campaign,
        published_on=published_on,
        published_by=actor.user,
        note=(values.get("note") or "").strip() or None,
        nominations=[available[i] for i in sorted(set(ids))],
    )
    db.session.add(notice)
    db.session.flush()
    record_admin_change(
        actor, "publish_notice", object_type="public_notice", object_id=notice.id,
        unit_id=actor.user.unit_id, acting_role=PUBLISHER_ROLE, campaign_id=campaign.id,
        published_on=published_on.isoformat(), nomination_ids=[n.id for n in notice.nominations],
    )
    db.session.flush()
    return notice


def first_notice(nomination: Nomination) -> PublicNotice | None:
    """The earliest list the nomination was posted on: the one that has run longest."""
    return db.session.scalars(
        select(PublicNotice)
        .join(public_notice_nominations, public_notice_nominations.c.public_notice_id == PublicNotice.id)
        .where(public_notice_nominations.c.nomination_id == nomination.id)
        .order_by(PublicNotice.published_on, PublicNotice.id)
        .limit(1)
    ).first()


@dataclass(frozen=True)
class NoticeStatus:
    """Where a nomination stands with the notice its campaign requires: the working days, and
    when it was first posted and the first day the council may meet (None before it is posted)."""

    days: int
    published_on: date | None
    ends_on: date | None


def status(nomination: Nomination) -> NoticeStatus | None:
    """None when the campaign requires no notice. The requirement is the one of the rule version
    pinned at first submit (a snapshot from before notices existed has none), so switching a
    notice on never stops dossiers already on their way."""
    days = rule_versions.rules_of(nomination).get("public_notice_days")
    if days is None:
        return None
    notice = first_notice(nomination)
    if notice is None:
        return NoticeStatus(days, None, None)
    return NoticeStatus(days, notice.published_on, calendar.current().add_working_days(notice.published_on, days))


def check(nomination: Nomination, council_meeting_on: date) -> None:
    """At submit_for_signature: the notice the campaign requires had run its working days by the
    day the council met."""
    found = status(nomination)
    if found is None:
        return
    rule = f"Danh sách phải được công khai đủ {found.days} ngày làm việc trước khi Hội đồng họp"
    if found.published_on is None:
        raise unprocessable(
            "public_notice_required",
            f"{rule}; hồ sơ này chưa được công khai.",
            rule="public_notice",
            days=found.days,
            published_on=None,
        )
    if council_meeting_on < found.ends_on:
        raise unprocessable(
            "public_notice_required",
            f"{rule}; hồ sơ được công khai ngày {found.published_on:%d/%m/%Y}, "
            f"sớm nhất họp ngày {found.ends_on:%d/%m/%Y}.",
            rule="public_notice",
            days=found.days,
            published_on=found.published_on.isoformat(),
            earliest_meeting_on=found.ends_on.isoformat(),
            council_meeting_on=council_meeting_on.isoformat(),
        )
