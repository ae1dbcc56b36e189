"""Who hears about a transition, and the emails made of what they heard.

A transition adds one notification per recipient inside its own transaction (a receiver of
the engine's `transitioned` signal), so a rolled-back transition leaves none. `compose` later
turns one recipient's pending notifications into one outbox message: a bulk action of 30, or a
burst of work collected over a short window, is one email ("30 hồ sơ chờ thẩm định").
Recipients: for work landing in a queue, the holders of the new state (the assignee alone in
appraisal); for a return, rejection, approval or revocation, the proposers of the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Nomination,
    Notification,
    NotificationSetting,
    OutboxMessage,
    RoleAssignment,
    Unit,
    User,
    db,
    utcnow,
)
from ..models.outbox import DIGEST_MODES
from . import audit, mail, signals
from .actor import Actor
from .clock import LOCAL_TZ, to_local
from .errors import bad_request, forbidden, validation_failed
from .machine import HOLDER_ROLE
from .permissions import office_users
from .text import nfc

# Work landing in someone's queue, by the state it lands in.
QUEUE_HEADLINES = {
    "submitted": "hồ sơ chờ thẩm định",
    "in_appraisal": "hồ sơ được giao thẩm định",
    "council_review": "hồ sơ chờ Hội đồng TĐKT xét",
    "awaiting_signature": "hồ sơ trình ký quyết định",
}
# What happened to the unit's own nominations; the kind is the state they reached.
OUTCOME_HEADLINES = {
    "returned": "hồ sơ bị trả lại để bổ sung",
    "rejected": "hồ sơ không được khen thưởng",
    "approved": "hồ sơ đã có quyết định khen thưởng",
    "revoked": "hồ sơ bị hủy quyết định khen thưởng",
}
# The deadline sweep's notices (see reminders); the kind is also the group.
DEADLINE_HEADLINES = {
    "reminder": "hồ sơ đến hạn xử lý vào ngày làm việc tới",
    "escalation": "hồ sơ đã quá hạn xử lý",
}
KIND_LABELS = {
    "queue": "Hồ sơ mới chờ tôi xử lý",
    "reminder": "Nhắc hạn xử lý hồ sơ (ngày làm việc trước hạn)",
    "escalation": "Hồ sơ quá hạn xử lý (báo cáo vượt cấp)",
    "returned": "Hồ sơ của đơn vị bị trả lại để bổ sung",
    "rejected": "Hồ sơ của đơn vị không được khen thưởng",
    "approved": "Hồ sơ của đơn vị có quyết định khen thưởng",
    "revoked": "Quyết định khen thưởng hồ sơ của đơn vị bị hủy",
}
DIGEST_LABELS = {
    "immediate": "Gửi ngay (gộp các việc đến cùng lúc)",
    "daily": "Gửi một thư tổng hợp mỗi ngày",
}
# Recipients of the notifications added in the current transaction, kept on the session until
# it ends: after a commit they are handed to delivery (see jobs), after a rollback forgotten.
PENDING_KEY = "outbox_recipients"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SUBJECT_MAX = 255

# The templates sit with the web's, where people who edit wording look for them; rendering
# them needs only Jinja, so workers render without a Flask request.
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "web" / "templates" / "email"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


# --- writing notifications, inside the transition's transaction ---------------------------


@signals.transitioned.connect
def _on_transition(firing, *, from_state: str, now: datetime) -> None:
    nomination = firing.nomination
    with db.session.no_autoflush:  # the engine flushes (and checks the version) itself
        kind, users = _audience(nomination)
        for user in users:
            if user.id != firing.actor.user_id:
                notify(user, nomination, kind, trigger=firing.trigger, actor=firing.actor.user,
                       comment=firing.values.get("comment"), now=now)


def _audience(nomination: Nomination) -> tuple[str, list[User]]:
    state = nomination.state
    if state in OUTCOME_HEADLINES:
        return state, list(db.session.scalars(proposers_of(nomination.unit)))
    if state == "in_appraisal":
        return "queue", [nomination.assignee] if nomination.assignee else []
    if state in QUEUE_HEADLINES:
        return "queue", list(db.session.scalars(office_users(HOLDER_ROLE[state], nomination)))
    return "queue", []  # draft, withdrawn: nobody is waiting for it


def proposers_of(unit: Unit) -> Select:
    covering = [unit.id, *(u.id for u in unit.ancestors())]
    return (
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == "proposer",
            RoleAssignment.scope_unit_id.in_(covering),
            User.active.is_(True),
        )
        .order_by(User.id)
        .distinct()
    )


def notify(
    user: User,
    nomination: Nomination,
    kind: str,
    *,
    trigger: str | None = None,
    actor: User | None = None,
    comment: str | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Add one notification to the current transaction, unless the user opted out of `kind`
    or has no address. Its email goes out after the commit (see jobs)."""
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown notification kind {kind!r}")
    setting = settings_for(user)
    if kind in setting.opted_out or not user.active or not user.email:
        return None
    row = Notification(
        user=user,
        nomination=nomination,
        kind=kind,
        state=nomination.state,
        level=nomination.level,
        trigger=trigger,
        actor=actor,
        comment=comment,
        created_at=now or utcnow(),
        status="pending",
    )
    db.session.add(row)
    if setting.digest == "immediate":
        db.session.info.setdefault(PENDING_KEY, set()).add(user.id)
    return row


# --- each user's settings ----------------------------------------------------------------


def settings_for(user: User) -> NotificationSetting:
    """The user's settings; the defaults (everything, at once) when never changed."""
    found = db.session.get(NotificationSetting, user.id)
    return found or NotificationSetting(user_id=user.id, opted_out=[], digest="immediate")


def update_settings(
    actor: Actor,
    user: User,
    *,
    email: str | None = None,
    opted_out: list[str] | None = None,
    digest: str | None = None,
) -> NotificationSetting:
    """Change a user's address, opt-outs or digest mode (the user, or an admin of their unit);
    arguments left None stay as they are. Audited as an edit with the field-level diff."""
    me = actor.user
    if me is None or (me.id != user.id and not _administers(me, user)):
        raise forbidden("Bạn chỉ được đổi cài đặt thông báo của chính mình.")
    problems: dict[str, str] = {}
    if email is not None:
        email = nfc(email).strip()
        if len(email) > 255 or not EMAIL.match(email):
            problems["email"] = "Địa chỉ thư điện tử không hợp lệ"
    if opted_out is not None:
        if not isinstance(opted_out, list) or not all(isinstance(k, str) for k in opted_out):
            raise bad_request("'opted_out' phải là danh sách loại thông báo.", field="opted_out")
        unknown = sorted(set(opted_out) - set(KIND_LABELS))
        if unknown:
            problems["opted_out"] = f"Loại thông báo không tồn tại: {', '.join(unknown)}"
    if digest is not None and digest not in DIGEST_MODES:
        problems["digest"] = f"Cách gửi phải là một trong: {', '.join(DIGEST_MODES)}"
    if problems:
        raise validation_failed(problems)

    setting = settings_for(user)
    before = {"email": user.email, "opted_out": list(setting.opted_out), "digest": setting.digest}
    if email is not None:
        user.email = email
    if opted_out is not None:
        setting.opted_out = sorted(set(opted_out))
    if digest is not None:
        setting.digest = digest
    setting.updated_at = utcnow()
    db.session.add(setting)
    after = {"email": user.email, "opted_out": setting.opted_out, "digest": setting.digest}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit.record(actor, "edit", object_type="user", object_id=user.id, unit_id=user.unit_id,
                     changes=changes)
    db.session.flush()
    return setting


def _administers(admin: User, user: User) -> bool:
    return any(a.role == "admin" and a.scope_unit.contains(user.unit) for a in admin.assignments)


# --- the outbox as an admin sees it --------------------------------------------------------


def outbox_for(user: User) -> Select:
    """Outbox messages to recipients in the user's admin scope (none for a non-admin)."""
    paths = [a.scope_unit.path for a in user.assignments if a.role == "admin"]
    if not paths:
        return select(OutboxMessage).where(false())
    recipient_unit = (
        select(Unit.path)
        .join(User, User.unit_id == Unit.id)
        .where(User.id == OutboxMessage.user_id)
        .scalar_subquery()
    )
    scope = [recipient_unit.startswith(p, autoescape=True) for p in paths]
    return select(OutboxMessage).where(or_(OutboxMessage.user_id.is_(None), *scope))


# --- composing emails ----------------------------------------------------------------------


@dataclass
class Group:
    headline: str
    items: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{len(self.items)} {self.headline}"


def digest_cutoff(now: datetime, hour: int) -> datetime:
    """The latest daily digest moment (`hour` o'clock local time) at or before `now`."""
    local = now.astimezone(LOCAL_TZ)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    return moment.astimezone(UTC)


def users_to_compose(session: Session, *, settled_before: datetime, digest_before: datetime) -> list[int]:
    """Recipients with notifications that should be in an email by now: immediate users'
    older than the batching window, digest users' from before the last digest moment."""
    digest_users = select(NotificationSetting.user_id).where(NotificationSetting.digest == "daily")
    pending = Notification.status == "pending"
    immediate = select(Notification.user_id).where(
        pending, Notification.created_at <= settled_before, Notification.user_id.not_in(digest_users)
    )
    daily = select(Notification.user_id).where(
        pending, Notification.created_at < digest_before, Notification.user_id.in_(digest_users)
    )
    return sorted(set(session.scalars(immediate.union(daily))))


def compose(
    session: Session, user_id: int, now: datetime, *, base_url: str, domain: str, digest_hour: int
) -> OutboxMessage | None:
    """One email of the user's pending notifications, added to `session` (the caller commits).
    Rows another composer holds are skipped, so two composers never mail the same notice."""
    user = session.get(User, user_id)
    setting = session.get(NotificationSetting, user_id)
    daily = setting is not None and setting.digest == "daily"
    query = (
        select(Notification)
        .where(Notification.user_id == user_id, Notification.status == "pending")
        .order_by(Notification.id)
        .with_for_update(skip_locked=True)
    )
    if daily:
        query = query.where(Notification.created_at < digest_cutoff(now, digest_hour))
    rows = list(session.scalars(query))
    if not rows:
        return None
    opted_out = set(setting.opted_out) if setting else set()
    reachable = user is not None and user.active and bool(user.email)
    keep = [r for r in rows if reachable and r.kind not in opted_out and _still_relevant(r)]
    for row in rows:
        if row not in keep:
            row.status = "dropped"
    if not keep:
        return None
    groups = _groups(keep, base_url)
    subject = ", ".join(g.title for g in groups)
    if daily:
        subject = f"Tổng hợp ngày {to_local(now):%d/%m/%Y}: {subject}"
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    context = {
        "user": user,
        "groups": groups,
        "daily": daily,
        "tasks_url": f"{base_url}/",
        "settings_url": f"{base_url}/profile",
    }
    message = OutboxMessage(
        user=user,
        to_address=user.email,
        subject=nfc(subject),
        body_text=nfc(_templates.get_template("notice.txt").render(context)),
        body_html=nfc(_templates.get_template("notice.html").render(context)),
        status="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    message.header_message_id = mail.message_id(message.id, domain)
    for row in keep:
        row.status = "batched"
        row.message = message
    return message


def _still_relevant(row: Notification) -> bool:
    """A queue or deadline notice is worth sending only while the nomination still waits where
    it did (and a queue notice or reminder in appraisal, only for its assignee)."""
    if row.kind not in ("queue", *DEADLINE_HEADLINES):
        return True
    nomination = row.nomination
    if (nomination.state, nomination.level) != (row.state, row.level):
        return False
    if row.kind == "escalation":
        return True
    return nomination.state != "in_appraisal" or nomination.assignee_id == row.user_id


def _groups(rows: list[Notification], base_url: str) -> list[Group]:
    headlines = OUTCOME_HEADLINES | DEADLINE_HEADLINES
    order = [("queue", s) for s in QUEUE_HEADLINES] + [(k, k) for k in headlines]
    groups: dict[tuple[str, str], Group] = {}
    for row in rows:
        key = (row.kind, row.state if row.kind == "queue" else row.kind)
        headline = QUEUE_HEADLINES[key[1]] if row.kind == "queue" else headlines[row.kind]
        groups.setdefault(key, Group(headline)).items.append(_item(row, base_url))
    return [groups[k] for k in sorted(groups, key=order.index)]


def _item(row: Notification, base_url: str) -> dict:
    nomination = row.nomination
    decision = nomination.decision if row.kind == "approved" else None
    return {
        "name": nomination.nominee_name,
        "unit": nomination.unit.name,
        "code": nomination.code or f"#{nomination.id}",
        "url": f"{base_url}/nominations/{nomination.id}",
        "due": nomination.stage_due_on.strftime("%d/%m/%Y")
        if row.kind in ("queue", *DEADLINE_HEADLINES) and nomination.stage_due_on
        else None,
        "actor": row.actor.full_name if row.actor else None,
        "comment": row.comment,
        # A return or rejection gives its reason; work passed on may carry an opinion.
        "comment_label": "Ý kiến" if row.kind == "queue" else "Lý do",
        "decision": f"Quyết định số {decision.reference} ngày {decision.date:%d/%m/%Y}"
        if decision
        else None,
    }
