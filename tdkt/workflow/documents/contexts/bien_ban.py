"""Biên bản họp Hội đồng TĐKT: date, members total and present, quorum, the vote on each
nominee, the conclusion; signed by the chair (CHỦ TRÌ) and the secretary (THƯ KÝ)."""

from __future__ import annotations

from ....models import CouncilMeeting, Nomination, User, db
from ... import rule_versions
from .. import issuers
from ..formatting import clean, date_words, percent, place_date
from ..issuers import Signature
from ..targets import nothing_to_list
from . import common


def _votes(meeting: CouncilMeeting) -> list[tuple[Nomination, int]]:
    pairs = [(db.session.get(Nomination, v.nomination_id), v.votes_for) for v in meeting.votes]
    order = {n.id: i for i, n in enumerate(common.ordered(n for n, _ in pairs))}
    return sorted(pairs, key=lambda pair: order[pair[0].id])


def build(meeting: CouncilMeeting) -> common.Draft:
    votes = _votes(meeting)
    if not votes:
        raise nothing_to_list("Phiên họp chưa ghi kết quả biểu quyết hồ sơ nào.")
    nominations = [n for n, _ in votes]
    council = issuers.issuer(meeting.council_unit, "council")
    level = rule_versions.level(nominations[0], meeting.level)
    total, present = meeting.members_total, meeting.members_present
    rows, passed = [], []
    for index, (n, votes_for) in enumerate(votes, start=1):
        ok = votes_for * 100 >= rule_versions.pass_share_percent(n) * total
        if ok:
            passed.append(n)
        rows.append(
            {
                "index": index,
                "name": common.name(n),
                "unit": clean(n.unit.name),
                "votes_for": votes_for,
                "share": percent(votes_for, total),
                "result": "Đạt" if ok else "Không đạt",
            }
        )
    collectives, individuals = common.split(passed)
    quorum = present * 3 >= total * 2
    context = {
        "header": council.letterhead(),
        "number": common.reference(meeting.minutes_number, f"BB-{council.abbreviation}"),
        "place_date": place_date(council.place_name, meeting.date),
        "campaign": common.campaign_phrase(nominations[0].campaign),
        "meeting": {
            "date_words": date_words(meeting.date),
            "place": f"trụ sở {common.display_name(level.office_unit)}",
            "members_total": common.count(total),
            "members_present": common.count(present),
            "members_absent": common.count(total - present),
            "present_share": percent(present, total),
            "quorum": "bảo đảm ít nhất 2/3 tổng số thành viên, cuộc họp đủ điều kiện tiến hành"
            if quorum
            else "chưa bảo đảm 2/3 tổng số thành viên theo quy định",
        },
        "chair": common.signature(Signature(["CHỦ TRÌ"], council.signature.name)),
        "secretary": common.signature(
            Signature(["THƯ KÝ"], clean(db.session.get(User, meeting.recorded_by_id).full_name))
        ),
        "votes": rows,
        "counts": common.counts(collectives, individuals),
        "award_form": common.award_form_names(nominations),
        "pass_share": common.pass_shares(nominations),
        "proposal_to": common.chairman_of(level.office_unit),
    }
    return common.Draft(
        template_kind="bien_ban",
        context=context,
        title="Biên bản họp Hội đồng Thi đua - Khen thưởng",
        filename=f"Biên bản họp Hội đồng {clean(meeting.minutes_number)}",
        author=council.display_name,
        day=meeting.date,
        pin=("meeting", meeting.id),
        audit={"object_type": "council_meeting", "object_id": meeting.id, "unit_id": meeting.council_unit_id},
    )

