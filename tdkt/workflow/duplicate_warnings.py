"""Possible duplicates that the rules let through, a warning for the office (appraiser, council,
signer, auditors): another nomination of the same campaign round with the same name (case-,
space- and diacritics-insensitive) where the birth years differ or one is missing, and no CCCD
or tax code settles whether the two are one nominee; for collectives, the same name proposed
twice by one unit. Pairs the rules refuse (rules.refused_as_duplicates) are no warning: the
engine stops them at submit and pass_appraisal.

Proposers never see it, and it lists only the nominations the viewer may read, so it never
names another unit to anyone who may not see that unit's dossiers.
"""

from __future__ import annotations

from sqlalchemy import select

from ..models import Nomination, User, db
from .machine import SLOT_STATES
from .permissions import OFFICE_READERS, visible_nominations
from .rules import DUPLICATE_COLUMNS, refused_as_duplicates, same_round, told_apart_by_numbers
from .text import fold


def possible_duplicate(a, b) -> bool:
    if a.nominee_kind != b.nominee_kind or fold(a.nominee_name) != fold(b.nominee_name):
        return False
    # Collectives bear names like 'Ấp 1' or 'Chi bộ ấp 2' in every commune: only a unit's own repeat.
    if a.nominee_kind == "collective" and a.unit_id != b.unit_id:
        return False
    return not refused_as_duplicates(a, b) and not told_apart_by_numbers(a, b)


def name_matches(viewer: User, nomination: Nomination) -> list[Nomination]:
    """The other nominations holding or having held a slot in this campaign round that may be the
    same nominee, among those the viewer may read."""
    if nomination.state not in SLOT_STATES or not viewer.roles() & OFFICE_READERS:
        return []
    candidates = db.session.execute(
        visible_nominations(viewer)
        .with_only_columns(*DUPLICATE_COLUMNS)
        .where(
            Nomination.campaign_id == nomination.campaign_id,
            same_round(nomination),
            Nomination.id != nomination.id,
            Nomination.nominee_kind == nomination.nominee_kind,
            Nomination.state.in_(SLOT_STATES),
        )
    )
    ids = [other.id for other in candidates if possible_duplicate(nomination, other)]
    if not ids:
        return []
    return list(db.session.scalars(select(Nomination).where(Nomination.id.in_(ids)).order_by(Nomination.id)))
