"""A nomination in flight keeps the chain pinned at its first submit everywhere: the queues and
the acting roles of permissions, and the issuers and addressees its documents name. An admin
moving a level's appraising unit, council or (above the level a dossier is at) office changes
only what later nominations get."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_chain_levels import _add_user, _unit, _walk_level, ha_nam  # noqa: F401 (a fixture)

from tdkt.models import AwardForm, RoleAssignment, db
from tdkt.workflow import campaign_rules, nominations, permissions
from tdkt.workflow.actor import Actor
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import service
from tdkt.workflow.documents.contexts.common import display_name

from factories import PATH, actor, campaign, nomination_in, step, user


def _tasks(username):
    return db.session.scalars(permissions.task_nominations(user(username))).all()


def _move_level(form, position, **units):
    """The admin's edit of one level of the form's chain; the others kept as they are."""
    return [
        {
            "name": lv.name,
            "office_unit_id": lv.office_unit_id,
            "appraising_unit_id": lv.appraising_unit_id,
            "council_unit_id": lv.council_unit_id,
        }
        | ({name: _unit(code).id for name, code in units.items()} if lv.position == position else {})
        for lv in form.levels
    ]


def test_a_moved_appraiser_and_council_leave_the_nomination_with_the_old_ones(app):
    in_review = nomination_in("council_review")
    form = in_review.award_form
    appraising, council = form.level(1).appraising_unit, form.level(1).council_unit
    campaign_rules.update_award_form(actor("admin"), form.id, {
        "levels": _move_level(form, 1, appraising_unit_id="VC-PVHTT", council_unit_id="VC-MTTQ")
    })
    db.session.refresh(form)
    assert (form.level(1).appraising_unit.code, form.level(1).council_unit.code) == ("VC-PVHTT", "VC-MTTQ")

    assert in_review in _tasks("noivu")
    assert "submit_for_signature" in permissions.allowed_actions(user("noivu"), in_review)
    unit_letter = service.nomination_draft(user("xa.vinhhiep"), in_review, "to_trinh", service.Options())
    assert unit_letter.context["recipient"] == display_name(appraising)
    office_letter = service.campaign_draft(
        user("vpdp"), in_review.campaign_id, "to_trinh",
        service.Options(issuer="office", unit_id=in_review.unit_id),
    )
    assert office_letter.context["issuer_name"] == display_name(appraising)
    assert office_letter.context["recipient"] == display_name(council, "council")

    ((_, trigger, fields),) = PATH["awaiting_signature"]
    waiting = step(in_review, "noivu", trigger, fields)
    assert waiting in _tasks("chutich")
    for_signature = service.campaign_draft(
        user("noivu"), waiting.campaign_id, "quyet_dinh", service.Options(unit_id=waiting.unit_id)
    )
    assert for_signature.context["proposal"].startswith(f"Xét đề nghị của {display_name(council, 'council')} ")
    minutes = service.draft_for(user("noivu"), "meeting", waiting.council_meeting_id, "bien_ban", service.Options())
    assert minutes.context["proposal_to"] == f"Chủ tịch {display_name(form.level(1).office_unit)}"


@pytest.mark.usefixtures("ha_nam")
def test_a_level_above_moved_to_another_office_still_receives_the_forwarded_nomination():
    """The province's level moved to another province while a dossier is still at the district:
    forwarded, it reaches the offices pinned at its submit, not the new ones."""
    form = db.session.scalars(select(AwardForm).filter_by(code="BK-CT-HN")).one()
    draft = nominations.create(Actor(user("hn.xa")), {
        "campaign_id": campaign("HN-NTM-2021-2025").id, "award_form_id": form.id, "nominee_kind": "individual",
        "category": "individual", "nominee_name": "Trần Văn Cường", "achievement_summary": "Hiến đất.",
    })
    at_district = _walk_level(step(draft, "hn.xa", "submit"), "huyen")
    _add_user("hn.admin", "HN", "admin", "HN")
    user("hn.admin").assignments.append(RoleAssignment(role="admin", scope_unit=_unit("ST")))
    campaign_rules.update_award_form(Actor(user("hn.admin")), form.id, {
        "levels": _move_level(form, 2, office_unit_id="ST", appraising_unit_id="ST", council_unit_id="ST")
    })
    db.session.refresh(form)
    assert form.level(2).office_unit.code == "ST"

    forwarded = step(at_district, "hn.huyen.ct", "forward", {
        "submission_number": "46/TTr-UBND", "submission_date": local_today().isoformat(),
    })
    assert forwarded in _tasks("hn.tinh.td")
    assert permissions.allowed_actions(user("hn.tinh.td"), forwarded) == ["start_appraisal"]
    assert [u.username for u in db.session.scalars(permissions.office_users("appraiser", forwarded))] == [
        "hn.tinh.td"
    ]
