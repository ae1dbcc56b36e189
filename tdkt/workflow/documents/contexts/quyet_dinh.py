"""Quyết định khen thưởng: the "Căn cứ" lines in force on the signing day (as recorded when it
was signed), Điều 1 the award
with the list as an annex, Điều 2 the reward money and its source of funds, Điều 3 execution,
Nơi nhận, and the signature block by the signer's capacity. Before it is signed, the copy for
signature leaves the number and the day blank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ....models import Campaign, Decision, Nomination, RoleAssignment, Unit, User, db
from ... import decision_basis, rule_versions
from ...clock import local_today
from .. import issuers, legal, money
from ..formatting import clean, date_words, decimal_text, money_words, place_date
from ..formatting import money as money_text
from ..targets import Selection
from . import common

RECIPIENT_LABELS = {"collective": "Mỗi tập thể", "individual": "Mỗi cá nhân", "household": "Mỗi hộ gia đình"}
SYMBOL = "QĐ-UBND"


@dataclass
class Facts:
    issuer_unit: Unit
    number: int | None
    symbol: str
    day: date | None
    signer: User
    capacity: str
    nominations: list[Nomination]
    campaign: Campaign
    decision_id: int | None = None

    @property
    def reckoned_on(self) -> date:
        """The day whose legal basis, salary and coefficients apply: the signing day, or today
        for a copy still to be signed."""
        return self.day or local_today()


def from_decision(decision: Decision) -> Facts:
    return Facts(
        issuer_unit=decision.issuer_unit,
        number=decision.number,
        symbol=decision.symbol,
        day=decision.date,
        signer=decision.signer,
        capacity=decision.capacity,
        nominations=list(decision.nominations),
        campaign=db.session.get(Campaign, decision.campaign_id),
        decision_id=decision.id,
    )


def signer_for(office: Unit, capacity: str) -> User:
    candidates = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == "signer", RoleAssignment.capacity == capacity, User.active.is_(True))
        .order_by(User.id)
    )
    for user in candidates:
        if any(a.role == "signer" and a.scope_unit.contains(office) for a in user.assignments):
            return user
    raise money.missing_data(
        f"Không có lãnh đạo ký ({'Phó Chủ tịch' if capacity == 'vice_chairman' else 'Chủ tịch'}) "
        f"của {clean(office.name)}.",
        capacity=capacity,
    )


def for_signature(selection: Selection, capacity: str) -> Facts:
    office = selection.level.office_unit
    return Facts(
        issuer_unit=office,
        number=None,
        symbol=SYMBOL,
        day=None,
        signer=signer_for(office, capacity),
        capacity=capacity,
        nominations=selection.nominations,
        campaign=selection.campaign,
    )


def _rates(nominations: list[Nomination], rewards: dict[int, money.Reward]) -> list[dict]:
    several_forms = len({n.award_form_id for n in nominations}) > 1
    seen: dict[tuple[int, str], dict] = {}
    for n in common.ordered(nominations):
        reward = rewards[n.id]
        key = (n.award_form_id, reward.recipient)
        if key in seen:
            continue
        label = RECIPIENT_LABELS[reward.recipient]
        if several_forms:
            label += f" được tặng {common.short_award(clean(n.award_form.name))}"
        basis = f"{decimal_text(reward.coefficient)} lần mức lương cơ sở"
        if reward.multiplier != 1:
            basis = f"{decimal_text(reward.multiplier)} lần mức tiền thưởng đối với cá nhân ({basis})"
        seen[key] = {"label": label, "basis": basis, "amount": money_text(reward.amount)}
    return list(seen.values())


def _proposal(facts: Facts, level) -> str:
    council = common.display_name(level.council_unit or level.office_unit, "council")
    meetings = sorted(
        {n.council_meeting for n in facts.nominations if n.council_meeting is not None},
        key=lambda m: (m.date, m.id),
    )
    if not meetings:
        return f"Xét đề nghị của {council}"
    cited = "; ".join(f"Biên bản số {clean(m.minutes_number)} {date_words(m.date)}" for m in meetings)
    return f"Xét đề nghị của {council} tại {cited}"


def _annex_rows(nominations: list[Nomination], rewards: dict[int, money.Reward]) -> list[dict]:
    return [
        {
            "index": i,
            "name": common.name(n),
            "position_unit": common.position_unit(n),
            "amount": money_text(rewards[n.id].amount),
        }
        for i, n in enumerate(nominations, start=1)
    ]


def _basis(facts: Facts, plan_issuer_name: str) -> list[str]:
    """A signed decision cites the texts recorded when it was signed; a copy for signature
    those in force today."""
    if facts.decision_id is None:
        return legal.citations(facts.reckoned_on, facts.campaign, plan_issuer_name)
    return [*decision_basis.citations(facts.decision_id), legal.plan_citation(facts.campaign, plan_issuer_name)]


def build(facts: Facts) -> common.Draft:
    day = facts.reckoned_on
    issuer = issuers.issuer(facts.issuer_unit, signer=issuers.chairman_signature(facts.signer, facts.capacity))
    level = rule_versions.level(facts.nominations[0])
    rewards = {n.id: money.reward_for(n, day) for n in facts.nominations}
    collectives, individuals = common.split(facts.nominations)
    total = sum(r.amount for r in rewards.values())
    award = common.award_form_names(facts.nominations)
    reference = common.reference(facts.number, facts.symbol)
    signed_on = date_words(facts.day) if facts.day else date_words(day, blank_day=True)
    any_reward = next(iter(rewards.values()))
    owner = common.display_name(facts.campaign.owner_unit)
    authority = f"CHỦ TỊCH {issuer.display_name.upper()}"
    context = {
        "header": issuer.letterhead(),
        "number": reference,
        "place_date": place_date(issuer.place_name, day, blank_day=facts.day is None),
        "signature": common.signature(issuer.signature),
        "authority": authority,
        "award_form": award,
        "award_form_short": common.short_award(award),
        "campaign": common.campaign_phrase(facts.campaign),
        "basis": _basis(facts, owner),
        "proposal": _proposal(facts, level),
        "counts": common.counts(collectives, individuals),
        "base_salary": money_text(any_reward.base_salary),
        "salary_source": any_reward.salary_source,
        "article": "; ".join(dict.fromkeys(r.article for r in rewards.values())),
        "rates": _rates(facts.nominations, rewards),
        "total_money": money_text(total),
        "total_words": money_words(total),
        "fund_source": issuer.fund_source or f"Quỹ Thi đua, khen thưởng của {issuer.display_name}",
        "annex": {
            "title": f"TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG {award.upper()}",
            "subtitle": f"(Kèm theo Quyết định số {reference} {signed_on} của Chủ tịch "
            f"{issuer.display_name})",
            "collectives": _annex_rows(collectives, rewards),
            "individuals": _annex_rows(individuals, rewards),
        },
    }
    issued = facts.decision_id is not None
    return common.Draft(
        template_kind="quyet_dinh",
        context=context,
        title="Quyết định khen thưởng",
        filename=f"Quyết định {reference.strip()}" if issued else "Dự thảo Quyết định khen thưởng",
        author=issuer.display_name,
        day=day,
        pin=("decision", facts.decision_id) if issued else None,
        audit={"object_type": "decision" if issued else "campaign",
               "object_id": facts.decision_id if issued else facts.campaign.id,
               "unit_id": facts.issuer_unit.id},
    )
