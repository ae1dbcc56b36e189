"""Danh sách đề nghị khen thưởng: the landscape table that goes with a Tờ trình, collectives
then individuals, with the totals."""

from __future__ import annotations

from ....models import Nomination
from ...clock import local_today
from ..formatting import clean
from . import common
from .to_trinh import Letter


def rows(nominations: list[Nomination]) -> list[dict]:
    return [
        {
            "index": i,
            "name": common.name(n),
            "position_unit": common.position_unit(n),
            "achievement": common.short_achievement(n.achievement_summary) or "-",
            "award": common.short_award(clean(n.award_form.name)),
        }
        for i, n in enumerate(nominations, start=1)
    ]


def build(letter: Letter) -> common.Draft:
    collectives, individuals = common.split(letter.nominations)
    award = common.award_form_names(letter.nominations)
    context = common.letterhead_fields(letter.issuer, letter.number, letter.symbol, letter.day) | {
        "title": f"ĐỀ NGHỊ TẶNG {award.upper()}",
        "subtitle": f"(Kèm theo {letter.reference()} của {letter.issuer.display_name})",
        "collectives": rows(collectives),
        "individuals": rows(individuals),
        "totals": common.counts(collectives, individuals),
    }
    return common.Draft(
        template_kind="danh_sach",
        context=context,
        title="Danh sách đề nghị khen thưởng",
        filename=f"Danh sách đề nghị khen thưởng - {letter.issuer.display_name}",
        author=letter.issuer.display_name,
        day=letter.day or local_today(),
        pin=("submission", letter.submission.id) if letter.submission else None,
        audit={"object_type": "campaign", "object_id": letter.campaign.id, "unit_id": letter.issuer.unit_id},
    )
