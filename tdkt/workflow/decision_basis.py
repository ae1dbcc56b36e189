"""The legal basis a decision cites, recorded when it is signed (issue #5: "a nomination
records the version in force when it is decided"). The texts in force on the decision's date
are copied with their wording; the Quyết định reads them back, so editing or replacing a legal
basis afterwards leaves an issued decision as it was signed.

A receiver of the engine's `transitioned` signal: the `sign` handler has made (or reused, in a
bulk sign) the decision before the signal, inside the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from ..models import db
from ..models.documents import DecisionLegalBasis
from . import signals
from .documents import legal


@signals.transitioned.connect
def on_transition(firing, *, from_state: str, now: datetime) -> None:
    decision = firing.nomination.decision
    if firing.trigger != "sign" or decision is None:
        return
    with db.session.no_autoflush:
        # A bulk sign's later items share the decision its first item recorded.
        if decision.id is not None and db.session.scalar(
            select(exists().where(DecisionLegalBasis.decision_id == decision.id))
        ):
            return
        rows = legal.in_force(decision.date)
    for ordinal, row in enumerate(rows, start=1):
        db.session.add(
            DecisionLegalBasis(
                decision=decision,
                legal_basis=row,
                ordinal=ordinal,
                citation=row.citation,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
        )


def recorded(decision_id: int) -> list[DecisionLegalBasis]:
    """The legal basis a signed decision cites, in the order of its "Căn cứ" lines."""
    return list(db.session.scalars(
        select(DecisionLegalBasis)
        .where(DecisionLegalBasis.decision_id == decision_id)
        .order_by(DecisionLegalBasis.ordinal)
    ))


def citations(decision_id: int) -> list[str]:
    """The "Căn cứ" texts of a signed decision, in order, as recorded when it was signed."""
    return [row.citation for row in recorded(decision_id)]
