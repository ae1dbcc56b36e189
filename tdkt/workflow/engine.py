"""fire(): the one way a nomination changes state, for pages, API, CLI and workers alike.

Every call runs inside the caller's transaction and only flushes; the caller commits once.
Checks run in the API's order: scope (404), shape (400), trigger (400), role (403),
version (409), state (409), trigger fields and rules (422).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..models import CouncilMeeting, CouncilVote, Decision, Nomination, Submission, User, db, utcnow
from . import audit, numbers, public_notice, rule_versions, rules, signals
from .actor import Actor
from .clock import local_today
from .errors import WorkflowError, bad_request, forbidden, unprocessable, validation_failed
from .machine import (
    COMMENT_REQUIRED,
    HOLDER_ROLE,
    STATE_LABELS,
    TRIGGER_LABELS,
    TRIGGERS,
    MachineError,
    move,
    rule_for,
)
from .nominations import _load, check_version
from .payload import Field, check_shape, fits_integer
from .permissions import acting_roles, can_fire, may_ever_fire

COMMON_FIELDS = {
    "version": Field(int, "Phiên bản", nullable=False, fits_column=False),
    "comment": Field(str, "Ý kiến", max_length=5000),
}
_SUBMISSION = {
    "submission_number": Field(str, "Số Tờ trình", max_length=60),
    "submission_date": Field(date, "Ngày Tờ trình"),
}
_ASSIGNEE = {"assignee_id": Field(int, "Người thẩm định")}
TRIGGER_FIELDS: dict[str, dict[str, Field]] = {
    "submit": _SUBMISSION,
    "forward": _SUBMISSION,
    "start_appraisal": _ASSIGNEE,
    "reassign": _ASSIGNEE,
    "submit_for_signature": {
        "council_meeting_id": Field(int, "Phiên họp Hội đồng"),
        "council_meeting_on": Field(date, "Ngày họp Hội đồng"),
        "council_minutes_number": Field(str, "Số biên bản", max_length=60),
        "council_members_total": Field(int, "Tổng số thành viên", min_value=1, max_value=200),
        "council_members_present": Field(int, "Số thành viên có mặt", min_value=0, max_value=200),
        "votes_for": Field(int, "Số phiếu đồng ý", min_value=0, max_value=200),
    },
    "sign": {
        "decision_date": Field(date, "Ngày quyết định"),
        "decision_number": Field(int, "Số quyết định", min_value=1, max_value=99999),
        "signed_by": Field(int, "Người ký"),
    },
    "revoke": {
        "decision_number": Field(str, "Số quyết định hủy", max_length=60),
        "decision_date": Field(date, "Ngày quyết định hủy"),
    },
}
MEETING_FIELDS = (
    "council_meeting_on",
    "council_minutes_number",
    "council_members_total",
    "council_members_present",
)
DECISION_SYMBOL = "QĐ-UBND"


@dataclass
class Batch:
    """State shared by the items of one call: the one decision a bulk sign creates."""

    decision: Decision | None = None
    meetings: dict[tuple, CouncilMeeting] = field(default_factory=dict)

    def forget_rolled_back(self) -> None:
        """Rows created inside a rolled-back savepoint are gone; later items must not use them."""
        if self.decision is not None and not inspect(self.decision).persistent:
            self.decision = None
        self.meetings = {k: m for k, m in self.meetings.items() if inspect(m).persistent}


@dataclass
class Firing:
    actor: Actor
    nomination: Nomination
    trigger: str
    role: str
    values: dict[str, Any]
    batch: Batch

    @property
    def user(self) -> User:
        return self.actor.user


def fields_for(trigger: str) -> dict[str, Field]:
    return COMMON_FIELDS | TRIGGER_FIELDS.get(trigger, {})


def check_request(body: Any, trigger: str) -> tuple[dict, dict[str, str]]:
    """The caller-independent checks (400): an object with an integer version, a known trigger,
    known fields of the right JSON types."""
    if not isinstance(body, dict):
        raise bad_request("Yêu cầu phải là một đối tượng JSON.")
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise bad_request("Cần gửi 'version' (số nguyên) của hồ sơ.", field="version")
    if trigger not in TRIGGERS:
        raise WorkflowError(
            400,
            "unknown_trigger",
            f"Thao tác '{trigger}' không tồn tại.",
            {"trigger": trigger, "known": list(TRIGGERS)},
        )
    return check_shape(body, fields_for(trigger))


def fire(
    actor: Actor, nomination_id: int, trigger: str, body: Any, batch: Batch | None = None
) -> Nomination:
    nomination = _load(actor.user, nomination_id, lock=True)
    values, problems = check_request(body, trigger)
    role = _authorize(actor.user, nomination, trigger)
    check_version(nomination, values["version"])
    if rule_for(trigger, nomination.state) is None or role is None:
        raise _invalid_transition(nomination, trigger)
    if problems:
        raise validation_failed(problems)
    if trigger in COMMENT_REQUIRED and not values.get("comment"):
        raise unprocessable(
            "comment_required", "Thao tác này cần ghi rõ lý do (ý kiến).", trigger=trigger
        )
    firing = Firing(actor, nomination, trigger, role, values, batch or Batch())
    HANDLERS.get(trigger, _no_fields)(firing)
    return _transit(firing)


def _authorize(user: User, nomination: Nomination, trigger: str) -> str | None:
    if not may_ever_fire(user, nomination, trigger):
        raise forbidden(
            "Vai trò của bạn không được thực hiện thao tác này với hồ sơ.", trigger=trigger
        ).about(nomination.id)
    rule = rule_for(trigger, nomination.state)
    if (
        nomination.state == "in_appraisal"
        and rule is not None
        and rule.assignee_only
        and nomination.assignee_id != user.id
        and rule.roles & acting_roles(user, nomination)
    ):
        raise forbidden(
            "Chỉ chuyên viên đang thụ lý hồ sơ mới được thực hiện thao tác này.", trigger=trigger
        ).about(nomination.id)
    return can_fire(user, nomination, trigger)


def _invalid_transition(nomination: Nomination, trigger: str) -> WorkflowError:
    if trigger == "forward" and rule_for(trigger, nomination.state):
        message = "Hình thức khen thưởng này không có cấp trên để trình tiếp."
    else:
        message = (
            f"Không thể '{TRIGGER_LABELS[trigger]}' khi hồ sơ đang ở trạng thái "
            f"'{STATE_LABELS[nomination.state]}'."
        )
    return WorkflowError(
        409, "invalid_transition", message, {"state": nomination.state, "trigger": trigger}
    )


def _transit(firing: Firing) -> Nomination:
    nomination = firing.nomination
    from_state = nomination.state
    try:
        move(nomination, firing.trigger)
    except MachineError as exc:  # the rule table and the machine disagree: a programming error
        raise RuntimeError(str(exc)) from exc
    now = utcnow()
    nomination.holder_role = HOLDER_ROLE.get(nomination.state)
    nomination.version += 1
    nomination.updated_at = now
    if nomination.state != from_state or firing.trigger != "reassign":
        nomination.stage_entered_at = now
    if firing.trigger == "submit" and nomination.first_submitted_at is None:
        nomination.first_submitted_at = now
    signals.transitioned.send(firing, from_state=from_state, now=now)
    details = {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in firing.values.items()
        if k not in ("version", "comment")
    }
    audit.record(
        firing.actor,
        "transition",
        role=firing.role,
        nomination=nomination,
        trigger=firing.trigger,
        from_state=from_state,
        to_state=nomination.state,
        comment=firing.values.get("comment"),
        details=details,
    )
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise WorkflowError(
            409, "version_conflict", "Hồ sơ đã được người khác thay đổi, vui lòng tải lại.", {}
        ) from exc
    return nomination


def _no_fields(firing: Firing) -> None:
    if firing.trigger in rules.CHECKED_AT:
        rules.check(firing.nomination, firing.trigger)


def _submit(firing: Firing) -> None:
    values = firing.values
    number, day = values.get("submission_number"), values.get("submission_date")
    if (number is None) != (day is None):
        raise validation_failed(
            {"submission_number": "Số và ngày Tờ trình phải đi cùng nhau"}
        )
    if day is not None and day > local_today():
        raise validation_failed({"submission_date": "Ngày Tờ trình không được sau hôm nay"})
    rules.check(firing.nomination, "submit")
    if number is not None:
        firing.nomination.submission = _submission(firing, firing.nomination.unit_id, 1, number, day)


def _submission(firing: Firing, unit_id: int, level: int, number: str, day: date) -> Submission:
    nomination = firing.nomination
    submission = _find_or_add(
        select(Submission).filter_by(
            campaign_id=nomination.campaign_id, unit_id=unit_id, level=level, number=number
        ),
        Submission(
            campaign_id=nomination.campaign_id,
            unit_id=unit_id,
            level=level,
            number=number,
            date=day,
            created_by_id=firing.user.id,
        ),
    )
    if submission.date != day:
        raise validation_failed(
            {"submission_date": f"Tờ trình số {number} đã ghi ngày {submission.date:%d/%m/%Y}"}
        )
    return submission


def _find_or_add(query, row):
    """The row `query` finds, else `row`, inserted. When two transactions insert the same new
    row at once, the second waits for the first to commit, meets the unique constraint, and
    takes the first one's row instead of failing."""
    found = db.session.scalars(query).first()
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return db.session.scalars(query).one()
    return row


def _appraiser(firing: Firing, user_id: int | None) -> User:
    user = db.session.get(User, user_id) if user_id is not None else firing.user
    if user is None or not user.active or "appraiser" not in acting_roles(user, firing.nomination):
        raise validation_failed(
            {"assignee_id": "Người được giao không phải chuyên viên thẩm định của cấp này"}
        )
    return user


def _start_appraisal(firing: Firing) -> None:
    firing.nomination.assignee = _appraiser(firing, firing.values.get("assignee_id"))


def _reassign(firing: Firing) -> None:
    if firing.values.get("assignee_id") is None:
        raise validation_failed({"assignee_id": "Cần chọn chuyên viên nhận hồ sơ"})
    assignee = _appraiser(firing, firing.values["assignee_id"])
    if assignee.id == firing.nomination.assignee_id:
        raise validation_failed({"assignee_id": f"{assignee.full_name} đang thụ lý hồ sơ này"})
    firing.nomination.assignee = assignee


def _submit_for_signature(firing: Firing) -> None:
    values, nomination = firing.values, firing.nomination
    if values.get("votes_for") is None:
        raise validation_failed({"votes_for": "Cần ghi số phiếu đồng ý của Hội đồng"})
    meeting = _meeting(firing)
    public_notice.check(nomination, meeting.date)
    votes = values["votes_for"]
    if votes > meeting.members_present:
        raise validation_failed(
            {"votes_for": f"Số phiếu đồng ý ({votes}) vượt số thành viên có mặt ({meeting.members_present})"}
        )
    share = rule_versions.pass_share_percent(nomination)
    if votes * 100 < share * meeting.members_total:
        raise unprocessable(
            "vote_threshold_not_met",
            f"Hồ sơ được {votes}/{meeting.members_total} thành viên Hội đồng đồng ý, "
            f"chưa đạt tỷ lệ {share}% tổng số thành viên.",
            rule="vote_threshold",
            votes_for=votes,
            members_total=meeting.members_total,
            required_percent=share,
        )
    db.session.add(CouncilVote(meeting=meeting, nomination_id=nomination.id, votes_for=votes))
    nomination.council_meeting = meeting


def _meeting(firing: Firing) -> CouncilMeeting:
    values, nomination = firing.values, firing.nomination
    level = rule_versions.level(nomination)
    council_unit = level.council_unit or level.office_unit
    if values.get("council_meeting_id") is not None:
        if any(values.get(k) is not None for k in MEETING_FIELDS):
            raise validation_failed(
                {"council_meeting_id": "Chọn phiên họp đã ghi hoặc nhập phiên họp mới, không cả hai"}
            )
        meeting = db.session.get(CouncilMeeting, values["council_meeting_id"])
        if meeting is None or meeting.campaign_id != nomination.campaign_id or meeting.level != nomination.level:
            raise validation_failed({"council_meeting_id": "Phiên họp Hội đồng không tồn tại"})
        return meeting
    missing = {
        k: f"{TRIGGER_FIELDS['submit_for_signature'][k].label} là bắt buộc"
        for k in MEETING_FIELDS
        if values.get(k) is None
    }
    if missing:
        raise validation_failed(missing)
    day, total, present = (
        values["council_meeting_on"],
        values["council_members_total"],
        values["council_members_present"],
    )
    if day > local_today():
        raise validation_failed({"council_meeting_on": "Ngày họp không được sau hôm nay"})
    if present > total:
        raise validation_failed(
            {"council_members_present": f"Số có mặt ({present}) vượt tổng số thành viên ({total})"}
        )
    if present * 3 < total * 2:
        raise unprocessable(
            "quorum_not_met",
            f"Phiên họp có {present}/{total} thành viên dự, chưa đủ 2/3 tổng số thành viên.",
            rule="quorum",
            members_present=present,
            members_total=total,
        )
    key = (council_unit.id, values["council_minutes_number"], day)
    if key in firing.batch.meetings:
        return firing.batch.meetings[key]
    meeting = _find_or_add(
        select(CouncilMeeting).filter_by(
            council_unit_id=council_unit.id, minutes_number=key[1], date=day
        ),
        CouncilMeeting(
            campaign_id=nomination.campaign_id,
            council_unit_id=council_unit.id,
            level=nomination.level,
            date=day,
            minutes_number=key[1],
            members_total=total,
            members_present=present,
            recorded_by_id=firing.user.id,
        ),
    )
    if (meeting.members_total, meeting.members_present) != (total, present):
        raise validation_failed(
            {
                "council_members_total": f"Biên bản số {key[1]} đã ghi {meeting.members_present}/"
                f"{meeting.members_total} thành viên dự họp"
            }
        )
    firing.batch.meetings[key] = meeting
    return meeting


def _sign(firing: Firing) -> None:
    values, nomination = firing.values, firing.nomination
    signer = _signer(firing)
    day = values.get("decision_date")
    if day is None:
        raise validation_failed({"decision_date": "Ngày quyết định là bắt buộc"})
    if day > local_today():
        raise validation_failed({"decision_date": "Ngày quyết định không được sau hôm nay"})
    meeting = nomination.council_meeting
    if meeting is not None and day < meeting.date:
        raise validation_failed(
            {"decision_date": f"Ngày quyết định trước ngày họp Hội đồng ({meeting.date:%d/%m/%Y})"}
        )
    decision = firing.batch.decision
    if decision is None:
        issuer = rule_versions.level(nomination).office_unit
        capacity = next(
            (a.capacity for a in signer.assignments if a.role == "signer" and a.capacity),
            "chairman",
        )
        number = numbers.reserve(issuer, DECISION_SYMBOL, day.year, values.get("decision_number"))
        decision = Decision(
            campaign_id=nomination.campaign_id,
            issuer_unit=issuer,
            year=day.year,
            number=number,
            symbol=DECISION_SYMBOL,
            date=day,
            signer=signer,
            capacity=capacity,
            recorded_by=firing.user,
        )
        db.session.add(decision)
        firing.batch.decision = decision
    elif decision.date != day:
        raise validation_failed({"decision_date": "Mọi hồ sơ của một quyết định cùng một ngày"})
    nomination.decision = decision


def _signer(firing: Firing) -> User:
    signed_by = firing.values.get("signed_by")
    if firing.role == "signer":
        if signed_by not in (None, firing.user.id):
            raise validation_failed({"signed_by": "Người ký chỉ ghi khi Thường trực ghi nhận chữ ký trên giấy"})
        return firing.user
    if signed_by is None:
        raise validation_failed({"signed_by": "Cần chọn lãnh đạo đã ký quyết định trên giấy"})
    signer = db.session.get(User, signed_by)
    if signer is None or not signer.active or "signer" not in acting_roles(signer, firing.nomination):
        raise validation_failed({"signed_by": "Người được chọn không phải lãnh đạo ký của cấp này"})
    return signer


def _forward(firing: Firing) -> None:
    values, nomination = firing.values, firing.nomination
    missing = {k: f"{TRIGGER_FIELDS['forward'][k].label} là bắt buộc" for k in _SUBMISSION if values.get(k) is None}
    if missing:
        raise validation_failed(missing)
    office = rule_versions.level(nomination).office_unit
    nomination.submission = _submission(
        firing, office.id, nomination.level + 1, values["submission_number"], values["submission_date"]
    )
    nomination.level += 1
    nomination.assignee = None
    nomination.council_meeting = None


def _revoke(firing: Firing) -> None:
    values = firing.values
    missing = {
        k: f"{TRIGGER_FIELDS['revoke'][k].label} là bắt buộc"
        for k in ("decision_number", "decision_date")
        if not values.get(k)
    }
    if missing:
        raise validation_failed(missing)
    if values["decision_date"] > local_today():
        raise validation_failed({"decision_date": "Ngày quyết định hủy không được sau hôm nay"})
    firing.nomination.revocation_number = values["decision_number"]
    firing.nomination.revocation_date = values["decision_date"]


HANDLERS = {
    "submit": _submit,
    "start_appraisal": _start_appraisal,
    "reassign": _reassign,
    "submit_for_signature": _submit_for_signature,
    "sign": _sign,
    "forward": _forward,
    "revoke": _revoke,
}


MAX_BULK = 200


def check_bulk(body: Any) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise bad_request("Cần gửi 'items': danh sách {id, version}.")
    items = body["items"]
    if not items:
        raise validation_failed({"items": "Danh sách hồ sơ trống"})
    if len(items) > MAX_BULK:
        raise validation_failed({"items": f"Tối đa {MAX_BULK} hồ sơ mỗi lần, đã gửi {len(items)}"})
    for item in items:
        if (
            not isinstance(item, dict)
            or set(item) - {"id", "version", "votes_for"}
            or not all(isinstance(item.get(k), int) and not isinstance(item.get(k), bool) for k in ("id", "version"))
        ):
            raise bad_request("Mỗi phần tử của 'items' gồm 'id' và 'version' (số nguyên).")
        if not fits_integer(item["id"]):
            raise validation_failed({"items": f"Không có hồ sơ số {item['id']}"})
    if len({item["id"] for item in items}) != len(items):
        raise bad_request("Một hồ sơ xuất hiện hai lần trong 'items'.")
    return items


def item_body(body: dict, item: dict) -> dict:
    shared = {k: v for k, v in body.items() if k != "items"}
    return shared | {k: v for k, v in item.items() if k != "id"}


@dataclass
class Outcome:
    id: int
    nomination: Nomination | None = None
    error: WorkflowError | None = None


def fire_many(actor: Actor, trigger: str, body: Any) -> list[Outcome]:
    """Fire one trigger on many nominations. Each item is atomic on its own (a savepoint);
    `sign` is all or nothing, since one decision covers every item. Locks are taken in id
    order so two bulk calls cannot deadlock; outcomes come back in the caller's order."""
    items = check_bulk(body)
    # Every item's row before any transition: a transition takes the audit chain head, and
    # holding the head while waiting for a later item's row deadlocks against a single action
    # on that item, which holds the row and waits for the head.
    db.session.execute(
        select(Nomination.id)
        .where(Nomination.id.in_([item["id"] for item in items]))
        .order_by(Nomination.id)
        .with_for_update()
    )
    if trigger != "sign":
        return _fire_each(actor, trigger, body, items)
    # One decision covers every item: a failing item undoes the others inside this savepoint,
    # so nothing half-signed stays in the session whatever the caller does next.
    with db.session.begin_nested():
        ordered = _fire_each(actor, trigger, body, items)
        failed = next((o for o in ordered if o.error is not None), None)
        if failed is not None:
            raise WorkflowError(
                failed.error.status,
                failed.error.code,
                f"Không ký được: hồ sơ {failed.id}: {failed.error.message}",
                failed.error.details
                | {
                    "items": [
                        {"id": o.id, "ok": o.error is None}
                        | ({"error": o.error.as_dict()} if o.error else {})
                        for o in ordered
                    ]
                },
            )
    return ordered


def _fire_each(actor: Actor, trigger: str, body: dict, items: list[dict]) -> list[Outcome]:
    batch = Batch()
    outcomes: dict[int, Outcome] = {}
    for item in sorted(items, key=lambda i: i["id"]):
        outcome = Outcome(item["id"])
        try:
            with db.session.begin_nested():
                outcome.nomination = fire(actor, item["id"], trigger, item_body(body, item), batch)
        except WorkflowError as exc:
            outcome.error = exc
            batch.forget_rolled_back()
        outcomes[item["id"]] = outcome
    return [outcomes[item["id"]] for item in items]
