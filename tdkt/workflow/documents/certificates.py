"""The Giấy khen register (số vào sổ) and the print offsets for pre-printed blanks.

Register numbers come from the issuer's number register (doc type "GK", restarting each year)
the first time a decision's certificates are made: all of the decision's awardees at once, in
the order its list prints them, so the number does not depend on who downloaded first."""

from __future__ import annotations

from docx.oxml.ns import qn
from sqlalchemy import select

from ...models import Decision, Unit, db, utcnow
from ...models.documents import CertificateEntry, CertificateLayout
from .. import numbers
from ..actor import Actor
from ..admin import administers, record_admin_change
from ..errors import forbidden, not_found, validation_failed
from .contexts.common import ordered

REGISTER_TYPE = "GK"
TWIPS_PER_MM = 1440 / 25.4
MAX_OFFSET_MM = 50.0


def register_numbers(decision: Decision) -> dict[int, CertificateEntry]:
    # The decision's row lock makes a second first download wait, then find the entries.
    db.session.execute(
        select(Decision.id).where(Decision.id == decision.id).with_for_update()
    )
    entries = {
        e.nomination_id: e
        for e in db.session.scalars(
            select(CertificateEntry)
            .where(CertificateEntry.decision_id == decision.id)
            .execution_options(populate_existing=True)
        )
    }
    for nomination in ordered(decision.nominations):
        # A revoked award is never printed: it takes no number.
        if nomination.id in entries or nomination.state != "approved":
            continue
        number = numbers.reserve(decision.issuer_unit, REGISTER_TYPE, decision.year)
        entry = CertificateEntry(
            decision_id=decision.id, nomination_id=nomination.id, year=decision.year, number=number
        )
        db.session.add(entry)
        entries[nomination.id] = entry
    db.session.flush()
    return entries


def register_text(entry: CertificateEntry) -> str:
    return f"Số vào sổ: {entry.number:02d}/{REGISTER_TYPE}"


def layout_for(unit: Unit) -> CertificateLayout:
    row = db.session.scalars(select(CertificateLayout).filter_by(issuer_unit_id=unit.id)).first()
    return row if row is not None else CertificateLayout(issuer_unit_id=unit.id, offset_x_mm=0.0, offset_y_mm=0.0)


def set_offsets(actor: Actor, unit: Unit, offset_x_mm: float, offset_y_mm: float) -> CertificateLayout:
    """The admin's adjustment for one issuer's printer and blanks, in millimetres (right and
    down are positive); an issuer outside the admin's scope does not exist for it."""
    if not actor.user or not actor.user.has_role("admin"):
        raise forbidden("Chỉ quản trị được chỉnh vị trí in Giấy khen.")
    if not administers(actor.user, unit):
        raise not_found("Đơn vị")
    problems = {
        name: f"Độ lệch phải trong khoảng từ -{MAX_OFFSET_MM:g} đến {MAX_OFFSET_MM:g} mm (đã nhập {value:g} mm)".replace(".", ",")
        for name, value in (("offset_x_mm", offset_x_mm), ("offset_y_mm", offset_y_mm))
        if not -MAX_OFFSET_MM <= value <= MAX_OFFSET_MM
    }
    if problems:
        raise validation_failed(problems)
    row = db.session.scalars(select(CertificateLayout).filter_by(issuer_unit_id=unit.id)).first()
    before = (row.offset_x_mm, row.offset_y_mm) if row else (0.0, 0.0)
    if row is None:
        row = CertificateLayout(issuer_unit_id=unit.id)
        db.session.add(row)
    row.offset_x_mm, row.offset_y_mm = float(offset_x_mm), float(offset_y_mm)
    row.updated_by_id, row.updated_at = actor.user.id, utcnow()
    record_admin_change(
        actor, "set_certificate_offsets", object_type="certificate_layout", object_id=unit.id, unit_id=unit.id,
        changes={"offset_x_mm": [before[0], row.offset_x_mm], "offset_y_mm": [before[1], row.offset_y_mm]},
    )
    db.session.flush()
    return row


def shift_frames(offset_x_mm: float, offset_y_mm: float):
    """A post-render step moving every framed paragraph by the offsets."""
    dx, dy = round(offset_x_mm * TWIPS_PER_MM), round(offset_y_mm * TWIPS_PER_MM)

    def adjust(document) -> None:
        for frame in document.element.body.iter(qn("w:framePr")):
            for attr, delta in ((qn("w:x"), dx), (qn("w:y"), dy)):
                frame.set(attr, str(max(int(frame.get(attr, "0")) + delta, 0)))

    return adjust
