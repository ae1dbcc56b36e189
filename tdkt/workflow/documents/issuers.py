"""Who a document comes from and who signs it: the letterhead of the issuing body and the
signature block, as data per issuer (DocumentIssuer rows) and per signer capacity.

A unit without a row gets a letterhead derived from its kind and name; its signer's name
cannot be derived, so such a document is refused until an admin records it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from ...models import Unit, User, db
from ...models.documents import ISSUER_ROLES, DocumentIssuer
from ..actor import Actor
from ..admin import managed_unit, record_admin_change
from ..errors import not_found, validation_failed
from ..payload import Field, parse
from .formatting import clean
from .legal import lower_first
from .money import missing_data

LOCAL_GOVERNMENTS = ("province", "town", "commune", "ward")
KIND_PREFIXES = ("Tỉnh ", "Thị xã ", "Thành phố ", "Huyện ", "Xã ", "Phường ", "Thị trấn ")


@dataclass(frozen=True)
class Signature:
    """The block under a document: authority and title lines in bold capitals, the space for
    the hand, then the full name."""

    lines: list[str]
    name: str


@dataclass(frozen=True)
class Issuer:
    parent_line: str
    body_lines: list[str]
    display_name: str
    abbreviation: str
    place_name: str
    signature: Signature
    fund_source: str = ""
    unit_id: int | None = field(default=None, compare=False)

    def letterhead(self) -> dict:
        return {"parent_line": self.parent_line, "body_lines": self.body_lines}


def _place(unit: Unit) -> str:
    for candidate in [unit, *unit.ancestors()]:
        if candidate.place_name:
            return candidate.place_name
        if candidate.kind in LOCAL_GOVERNMENTS:
            return _bare_name(candidate.name)
    return clean(unit.name)


def _bare_name(name: str) -> str:
    for prefix in KIND_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _without_note(name: str) -> str:
    """ "Phòng Kinh tế (Văn phòng Điều phối NTM)" -> "Phòng Kinh tế"."""
    return clean(re.sub(r"\s*\([^)]*\)", "", name))


def _upper(text: str) -> str:
    return clean(text).upper()


def _parent_line(unit: Unit) -> str:
    parent = unit.parent
    if parent is None:
        return ""
    if parent.kind in LOCAL_GOVERNMENTS:
        return f"UBND {_upper(parent.name)}"
    return _upper(_without_note(parent.name))


def _derived(unit: Unit) -> DocumentIssuer:
    if unit.kind in LOCAL_GOVERNMENTS:
        return DocumentIssuer(
            unit_id=unit.id,
            parent_line=None,
            body_lines=f"ỦY BAN NHÂN DÂN\n{_upper(unit.name)}",
            display_name=f"Ủy ban nhân dân {lower_first(clean(unit.name))}",
            abbreviation=unit.abbreviation or "UBND",
            place_name=_place(unit),
            authority="TM. ỦY BAN NHÂN DÂN",
            head_title="CHỦ TỊCH",
            head_name="",
        )
    name = _without_note(unit.name)
    return DocumentIssuer(
        unit_id=unit.id,
        parent_line=_parent_line(unit),
        body_lines=_upper(name),
        display_name=name,
        abbreviation=unit.abbreviation or unit.code.rsplit("-", 1)[-1],
        place_name=_place(unit),
        authority=None,
        head_title="TRƯỞNG PHÒNG" if name.startswith("Phòng ") else "THỦ TRƯỞNG ĐƠN VỊ",
        head_name="",
    )


def profile(unit: Unit, role: str = "unit") -> DocumentIssuer:
    row = db.session.scalars(select(DocumentIssuer).filter_by(unit_id=unit.id, role=role)).first()
    return row if row is not None else _derived(unit)


def _lines(text: str | None) -> list[str]:
    return [clean(line) for line in (text or "").splitlines() if clean(line)]


def issuer(unit: Unit, role: str = "unit", *, signer: Signature | None = None) -> Issuer:
    """The unit (or the council it houses) as an issuing body; its own head signs unless a
    `signer` is given (the Chairman's decisions name the signer themselves)."""
    row = profile(unit, role)
    if signer is None:
        if not clean(row.head_name):
            raise missing_data(
                f"Chưa khai báo họ tên người ký văn bản của {clean(unit.name)}; quản trị cần "
                "bổ sung thông tin đơn vị ban hành văn bản.",
                unit_id=unit.id,
                role=role,
            )
        signer = Signature(_lines(row.authority) + _lines(row.head_title), clean(row.head_name))
    return Issuer(
        parent_line=clean(row.parent_line),
        body_lines=_lines(row.body_lines),
        display_name=clean(row.display_name),
        abbreviation=clean(row.abbreviation),
        place_name=clean(row.place_name),
        signature=signer,
        fund_source=clean(row.fund_source),
        unit_id=unit.id,
    )


def chairman_signature(user: User, capacity: str) -> Signature:
    """The Chairman's own documents: "CHỦ TỊCH", or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a
    Vice Chairman signs for him."""
    if capacity == "vice_chairman":
        return Signature(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], clean(user.full_name))
    return Signature(["CHỦ TỊCH"], clean(user.full_name))



# What an admin records per issuing body; multi-line fields print one line per row.
ISSUER_FIELDS = {
    "parent_line": Field(str, "Cơ quan chủ quản (dòng trên)", max_length=255),
    "body_lines": Field(str, "Tên cơ quan ban hành (mỗi dòng một hàng)", max_length=255, nullable=False),
    "display_name": Field(str, "Tên cơ quan trong câu văn", max_length=255, nullable=False),
    "abbreviation": Field(str, "Chữ viết tắt trong số văn bản", max_length=40, nullable=False),
    "place_name": Field(str, "Địa danh ghi ở dòng ngày tháng", max_length=120, nullable=False),
    "authority": Field(str, "Quyền hạn ký (TM., KT.)", max_length=120),
    "head_title": Field(str, "Chức vụ người ký", max_length=120, nullable=False),
    "head_name": Field(str, "Họ tên người ký", max_length=255, nullable=False),
    "fund_source": Field(str, "Nguồn kinh phí khen thưởng", max_length=255),
}
MULTILINE = frozenset({"body_lines", "authority", "head_title"})
ROLE_LABELS = {"unit": "Đơn vị", "council": "Hội đồng Thi đua - Khen thưởng đặt tại đơn vị"}


def _tidy(name: str, value: str | None) -> str | None:
    """Each line cleaned; a single-line field has its line breaks folded into spaces."""
    if value is None:
        return None
    text = "\n".join(_lines(value)) if name in MULTILINE else clean(value)
    return text or None


def managed(actor: Actor, unit_id: int, role: str) -> tuple[Unit, DocumentIssuer]:
    """An admin's unit (outside its scope: 404) and its letterhead as documents print it now:
    the recorded row, or the one derived from the unit's kind and name."""
    unit = managed_unit(actor, unit_id)
    if role not in ISSUER_ROLES:
        raise not_found("Cơ quan ban hành")
    return unit, profile(unit, role)


def save(actor: Actor, unit_id: int, role: str, body: dict) -> DocumentIssuer:
    """Record a unit's letterhead and signer (admins of the unit); every change is audited."""
    unit, current = managed(actor, unit_id, role)
    values = {name: _tidy(name, value) for name, value in parse(body, ISSUER_FIELDS, what="Cơ quan ban hành").items()}
    missing = {
        name: f"{spec.label} là bắt buộc"
        for name, spec in ISSUER_FIELDS.items()
        if not spec.nullable and not values.get(name)
    }
    if missing:
        raise validation_failed(missing)
    row = current if current.id is not None else DocumentIssuer(unit_id=unit.id, role=role)
    before = {name: getattr(current, name) or None for name in ISSUER_FIELDS}
    for name in ISSUER_FIELDS:
        setattr(row, name, values.get(name))
    if row.id is None:
        db.session.add(row)
    db.session.flush()
    changes = {name: [before[name], values.get(name)] for name in ISSUER_FIELDS if before[name] != values.get(name)}
    if changes:
        record_admin_change(
            actor, "update_issuer", object_type="document_issuer", object_id=row.id, unit_id=unit.id,
            changes=changes, role=role,
        )
    return row
