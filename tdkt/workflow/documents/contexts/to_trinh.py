"""Tờ trình đề nghị khen thưởng: of a proposing unit (its Submission), of the Văn phòng Điều
phối to the council, of the council to the Chairman."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ....models import Nomination, Submission, Unit
from ...clock import local_today
from ...rule_versions import Level
from .. import issuers
from ..formatting import clean, date_words
from ..issuers import Issuer
from ..legal import plan_citation
from ..targets import Selection
from . import common

TEMPLATES = {"unit": "to_trinh_unit", "office": "to_trinh_office", "council": "to_trinh_council"}


@dataclass
class Letter:
    """Who writes to whom about which nominations, under which number."""

    kind: str
    issuer: Issuer
    recipient: str
    nominations: list[Nomination]
    submission: Submission | None

    @property
    def symbol(self) -> str:
        return f"TTr-{self.issuer.abbreviation}"

    @property
    def number(self) -> str | None:
        return self.submission.number if self.submission else None

    @property
    def day(self) -> date | None:
        return self.submission.date if self.submission else None

    @property
    def campaign(self):
        return self.nominations[0].campaign

    def reference(self) -> str:
        return common.dated_reference("Tờ trình", self.number, self.symbol, self.day)


def _appraising(level: Level) -> Unit:
    return level.appraising_unit or level.office_unit


def _council(level: Level) -> Unit:
    return level.council_unit or level.office_unit


def _shared_submission(nominations: list[Nomination]) -> Submission | None:
    found = {n.submission_id for n in nominations}
    if len(found) == 1 and None not in found:
        return nominations[0].submission
    return None


def letter(kind: str, nominations: list[Nomination], level: Level, unit: Unit | None = None) -> Letter:
    if kind == "unit":
        unit = unit or nominations[0].unit
        return Letter(
            kind,
            issuers.issuer(unit),
            common.display_name(_appraising(level)),
            nominations,
            _shared_submission(nominations),
        )
    if kind == "office":
        return Letter(
            kind,
            issuers.issuer(_appraising(level)),
            common.display_name(_council(level), "council"),
            nominations,
            None,
        )
    return Letter(
        kind,
        issuers.issuer(_council(level), "council"),
        common.chairman_of(level.office_unit),
        nominations,
        None,
    )


def from_selection(selection: Selection) -> Letter:
    return letter(selection.issuer, selection.nominations, selection.level, selection.unit)


def rows(nominations: list[Nomination]) -> list[dict]:
    return [
        {"index": i, "name": common.name(n), "position_unit": common.position_unit(n)}
        for i, n in enumerate(nominations, start=1)
    ]


def _meetings(nominations: list[Nomination]) -> str:
    meetings = sorted(
        {n.council_meeting for n in nominations if n.council_meeting is not None},
        key=lambda m: (m.date, m.id),
    )
    return "; ".join(f"Biên bản số {clean(m.minutes_number)} {date_words(m.date)}" for m in meetings)


def build(item: Letter) -> common.Draft:
    collectives, individuals = common.split(item.nominations)
    campaign = item.campaign
    owner = common.display_name(campaign.owner_unit)
    context = common.letterhead_fields(item.issuer, item.number, item.symbol, item.day) | {
        "recipient": item.recipient,
        "issuer_name": item.issuer.display_name,
        "award_form": common.award_form_names(item.nominations),
        "campaign": common.campaign_phrase(campaign),
        "basis": [plan_citation(campaign, owner)],
        "counts": common.counts(collectives, individuals),
        "collectives": rows(collectives),
        "individuals": rows(individuals),
        "units_count": common.count(len({n.unit_id for n in item.nominations})),
        "meetings": _meetings(item.nominations) or "chưa ghi biên bản",
        "pass_share": common.pass_shares(item.nominations),
    }
    reference = common.reference(item.number, item.symbol) if item.number else "(dự thảo)"
    return common.Draft(
        template_kind=TEMPLATES[item.kind],
        context=context,
        title="Tờ trình đề nghị khen thưởng",
        filename=f"Tờ trình {reference} - {item.issuer.display_name}",
        author=item.issuer.display_name,
        day=item.day or local_today(),
        pin=("submission", item.submission.id) if item.submission else None,
        audit={"object_type": "campaign", "object_id": campaign.id, "unit_id": item.issuer.unit_id},
    )
