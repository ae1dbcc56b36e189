"""Stage deadlines in working days (DESIGN §5), kept on the nomination as it moves.

Day 1 is the first working day after the local day the nomination entered the stage.
Claiming or reassigning does not move the appraisal deadline; a return pauses the office's
clock and gives the proposer its own limit; resubmitting resumes the office's remaining days;
send_back, return_to_council and forward start a fresh limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..models import Nomination
from . import calendar, signals
from .clock import local_today, to_local
from .machine import CLOSED_STATES

STAGE_OF_STATE = {
    "submitted": "appraisal",
    "in_appraisal": "appraisal",
    "council_review": "council",
    "awaiting_signature": "signature",
    "returned": "resubmission",
}
SAME_STAGE_TRIGGERS = frozenset({"start_appraisal", "reassign"})
TIMELINESS_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def stage_limit(nomination: Nomination, stage: str) -> int:
    return getattr(nomination.campaign, f"{stage}_days")


@signals.transitioned.connect
def on_transition(firing, *, from_state: str, now: datetime) -> None:
    nomination = firing.nomination
    if firing.trigger in SAME_STAGE_TRIGGERS:
        return
    cal = calendar.current()
    today = to_local(now).date()
    _close_stage(nomination, from_state, today)
    state = nomination.state
    if state in CLOSED_STATES or state == "draft":
        nomination.stage_due_on = None
        if state in CLOSED_STATES and nomination.first_submitted_at is not None:
            _close_dossier(nomination, today, cal)
        return
    if state == "returned":
        due = nomination.stage_due_on
        nomination.paused_on = today
        nomination.paused_days_left = cal.working_days_between(today, due) if due else None
        nomination.stage_due_on = cal.add_working_days(today, stage_limit(nomination, "resubmission"))
        return
    if firing.trigger == "submit" and from_state == "returned":
        nomination.returned_working_days += cal.working_days_between(nomination.paused_on or today, today)
        nomination.paused_on = None
        if nomination.paused_days_left is not None:
            nomination.stage_due_on = cal.add_working_days(today, nomination.paused_days_left)
            nomination.paused_days_left = None
            return
    nomination.stage_due_on = cal.add_working_days(today, stage_limit(nomination, STAGE_OF_STATE[state]))


def _close_stage(nomination: Nomination, from_state: str, today: date) -> None:
    """Count a stage left after its deadline; the proposer's own limit is not the office's."""
    due = nomination.stage_due_on
    if due is None or from_state == "returned":
        return
    if today > due:
        nomination.late_stages += 1
    elif today < due:
        nomination.early_stages += 1
    else:
        nomination.on_time_stages += 1


def _close_dossier(nomination: Nomination, today: date, cal: calendar.WorkCalendar) -> None:
    start = to_local(nomination.first_submitted_at).date()
    nomination.elapsed_working_days = max(
        cal.working_days_between(start, today) - nomination.returned_working_days, 0
    )
    if nomination.late_stages:
        nomination.timeliness = "late"
    elif nomination.on_time_stages:
        nomination.timeliness = "on_time"
    else:
        nomination.timeliness = "early"


@dataclass(frozen=True)
class DueStatus:
    code: str  # on_time | due_soon | overdue
    label: str  # "còn 2 ngày làm việc" | "đến hạn hôm nay" | "quá hạn 3 ngày"
    days: int


def status(nomination: Nomination, today: date | None = None) -> DueStatus | None:
    due = nomination.stage_due_on
    if due is None:
        return None
    cal = calendar.current()
    today = today or local_today()
    if today > due:
        late = max(cal.working_days_between(due, today), 1)
        return DueStatus("overdue", f"quá hạn {late} ngày", late)
    if today == due:
        return DueStatus("due_soon", "đến hạn hôm nay", 0)
    left = cal.working_days_between(today, due)
    return DueStatus("due_soon" if left <= 1 else "on_time", f"còn {left} ngày làm việc", left)
