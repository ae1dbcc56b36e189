"""The deadline sweep: a reminder to the holder the working day before a stage's deadline,
an escalation to the recipients configured per stage once it has passed.

Each is written once per nomination and stage however often the sweep runs: the audit event
the sweep records ("reminder" / "escalation", after the stage was entered) is the marker, and
the proof, for a later dispute, that the office was told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from rq import Queue
from sqlalchemy import and_, exists, select

from ..models import AuditEvent, Nomination, User, db, utcnow
from . import audit, calendar, jobs, notifications
from .actor import Actor
from .clock import to_local
from .deadlines import STAGE_OF_STATE
from .machine import HOLDER_ROLE
from .permissions import office_users

# Who hears of an overdue stage, by stage, as roles of the nomination's current level (the
# proposers of the unit for "proposer"). The DEADLINE_ESCALATION setting replaces the stages it
# names (see README, "Deadlines").
DEFAULT_ESCALATION = {
    "appraisal": ("signer",),
    "council": ("signer",),
    "signature": ("council_secretary",),
    "resubmission": ("appraiser",),
}
OPEN_STATES = tuple(STAGE_OF_STATE)


@dataclass
class SweepReport:
    reminders: int = 0
    escalations: int = 0


def _not_yet(kind: str):
    """No such sweep event for the nomination since it entered its current stage."""
    return ~exists().where(
        AuditEvent.nomination_id == Nomination.id,
        AuditEvent.action == kind,
        AuditEvent.at >= Nomination.stage_entered_at,
    )


class Recipients:
    """Who holds or oversees a stage, looked up once per sweep for each office and unit:
    thousands of nominations share a handful of offices."""

    def __init__(self):
        self._office: dict[tuple[str, int, int], list[User]] = {}
        self._proposers: dict[int, list[User]] = {}

    def office(self, role: str, nomination: Nomination) -> list[User]:
        key = (role, nomination.award_form_id, nomination.level)
        if key not in self._office:
            self._office[key] = list(db.session.scalars(office_users(role, nomination)))
        return self._office[key]

    def proposers(self, nomination: Nomination) -> list[User]:
        if nomination.unit_id not in self._proposers:
            self._proposers[nomination.unit_id] = list(
                db.session.scalars(notifications.proposers_of(nomination.unit))
            )
        return self._proposers[nomination.unit_id]

    def of_role(self, role: str, nomination: Nomination) -> list[User]:
        return self.proposers(nomination) if role == "proposer" else self.office(role, nomination)

    def holders(self, nomination: Nomination) -> list[User]:
        if nomination.state == "in_appraisal":
            return [nomination.assignee] if nomination.assignee else []
        return self.of_role(HOLDER_ROLE[nomination.state], nomination)

    def escalation(self, nomination: Nomination) -> list[User]:
        configured = DEFAULT_ESCALATION | (current_app.config.get("DEADLINE_ESCALATION") or {})
        found: dict[int, User] = {}
        for role in configured.get(STAGE_OF_STATE[nomination.state], ()):
            found.update((u.id, u) for u in self.of_role(role, nomination))
        return list(found.values())


def sweep(now: datetime | None = None) -> SweepReport:
    """Write the reminders and escalations due now; the caller commits."""
    now = now or utcnow()
    today = to_local(now).date()
    cal = calendar.current()
    report = SweepReport()
    recipients = Recipients()
    system = Actor(None, None, "deadline-sweep")
    if cal.is_working_day(today):
        due_next = cal.add_working_days(today, 1)
        for nomination in db.session.scalars(
            select(Nomination)
            .where(Nomination.state.in_(OPEN_STATES), Nomination.stage_due_on == due_next, _not_yet("reminder"))
            .order_by(Nomination.id)
        ):
            _alert(nomination, "reminder", recipients.holders(nomination), system, now)
            report.reminders += 1
    for nomination in db.session.scalars(
        select(Nomination)
        .where(
            and_(Nomination.state.in_(OPEN_STATES), Nomination.stage_due_on < today),
            _not_yet("escalation"),
        )
        .order_by(Nomination.id)
    ):
        _alert(nomination, "escalation", recipients.escalation(nomination), system, now)
        report.escalations += 1
    return report


def _alert(nomination: Nomination, kind: str, users: list[User], system: Actor, now: datetime) -> None:
    for user in users:
        notifications.notify(user, nomination, kind, now=now)
    audit.record(
        system,
        kind,
        nomination=nomination,
        details={
            "stage_due_on": nomination.stage_due_on.isoformat(),
            "recipients": sorted(u.username for u in users),
        },
    )


def sweep_job() -> dict:
    """The hourly RQ job: sweep, commit, and book the next run (one job id per hour, so a
    second scheduler or a retry never books it twice)."""
    report = sweep()
    db.session.commit()
    schedule_next()
    return {"reminders": report.reminders, "escalations": report.escalations}


def schedule_next(now: datetime | None = None) -> str:
    settings = jobs.OutboxSettings.current()
    next_run = (now or utcnow()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    job_id = f"deadline-sweep-{next_run:%Y%m%d%H}"
    queue = Queue(settings.queue, connection=jobs.redis_client(settings))
    queue.enqueue_at(next_run, sweep_job, job_id=job_id)
    return job_id
