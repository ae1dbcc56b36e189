"""Possible duplicates that the rules do not refuse: another nomination of the same campaign
round with the same name (case-, space- and diacritics-insensitive) and birth year, where no
CCCD or tax code settles whether the two are one person. A warning for the office (appraiser,
council, signer, auditors): proposers never see it, and it lists only the nominations the
viewer may read, so it never names another unit to anyone who may not see that unit's dossiers.
"""

from __future__ import annotations

from ..models import Nomination, User, db
from .machine import SLOT_STATES
from .permissions import OFFICE_READERS, visible_nominations
from .text import fold


def _settled_by_numbers(a: Nomination, b: Nomination) -> bool:
    """Both carry a CCCD, or both a tax code: equal numbers are the rules' hard duplicate,
    different ones are two people with a common name."""
    return bool((a.id_number and b.id_number) or (a.tax_code and b.tax_code))


def name_matches(viewer: User, nomination: Nomination) -> list[Nomination]:
    """The other nominations holding or having held a slot in this campaign that share the
    nominee's folded name and birth year, among those the viewer may read."""
    if nomination.birth_year is None or not viewer.roles() & OFFICE_READERS:
        return []
    candidates = db.session.scalars(
        visible_nominations(viewer)
        .where(
            Nomination.campaign_id == nomination.campaign_id,
            Nomination.id != nomination.id,
            Nomination.birth_year == nomination.birth_year,
            Nomination.state.in_(SLOT_STATES),
        )
        .order_by(Nomination.id)
    )
    name = fold(nomination.nominee_name)
    return [
        other
        for other in candidates
        if fold(other.nominee_name) == name and not _settled_by_numbers(nomination, other)
    ]
