"""Document data for the demo: the reference rows, version 1 of every template, and the
letterheads and signers of the demo's issuing bodies (the names are invented)."""

from __future__ import annotations

from sqlalchemy import select

from ...models import Unit, db
from ...models.documents import DocumentIssuer
from . import reference, templates

TOWN = "UBND THỊ XÃ VĨNH CHÂU"
# unit code, role, parent line, body lines, display name, abbreviation, place,
# authority, head title, head name, fund source
DEMO_ISSUERS = [
    ("VC", "unit", None, "ỦY BAN NHÂN DÂN\nTHỊ XÃ VĨNH CHÂU", "Ủy ban nhân dân thị xã Vĩnh Châu", "UBND",
     "Vĩnh Châu", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Võ Văn Hùng",
     "Quỹ Thi đua, khen thưởng thị xã Vĩnh Châu"),
    ("VC-VHIEP", "unit", None, "ỦY BAN NHÂN DÂN\nXÃ VĨNH HIỆP", "Ủy ban nhân dân xã Vĩnh Hiệp", "UBND",
     "Vĩnh Hiệp", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lý Văn Thành", None),
    ("VC-LHOA", "unit", None, "ỦY BAN NHÂN DÂN\nXÃ LAI HÒA", "Ủy ban nhân dân xã Lai Hòa", "UBND",
     "Lai Hòa", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trương Minh Khải", None),
    ("VC-VTAN", "unit", None, "ỦY BAN NHÂN DÂN\nXÃ VĨNH TÂN", "Ủy ban nhân dân xã Vĩnh Tân", "UBND",
     "Vĩnh Tân", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Kim Văn Sang", None),
    ("VC-PVHTT", "unit", TOWN, "PHÒNG VĂN HÓA VÀ THÔNG TIN", "Phòng Văn hóa và Thông tin thị xã",
     "VHTT", "Vĩnh Châu", None, "TRƯỞNG PHÒNG", "Trần Thanh Nhàn", None),
    ("VC-PKT", "unit", TOWN, "VĂN PHÒNG ĐIỀU PHỐI\nNÔNG THÔN MỚI", "Văn phòng Điều phối nông thôn mới thị xã",
     "VPĐP", "Vĩnh Châu", None, "CHÁNH VĂN PHÒNG", "Lâm Quốc Khánh", None),
    ("VC-PNV", "council", TOWN, "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "Hội đồng Thi đua - Khen thưởng thị xã",
     "HĐTĐKT", "Vĩnh Châu", "TM. HỘI ĐỒNG\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "Nguyễn Thị Thu Hà", None),
]


def ensure_issuers() -> None:
    for code, role, parent, body, display, abbr, place, authority, title, head, fund in DEMO_ISSUERS:
        unit = db.session.scalars(select(Unit).filter_by(code=code)).first()
        if unit is None:
            continue
        if db.session.scalars(select(DocumentIssuer).filter_by(unit_id=unit.id, role=role)).first():
            continue
        db.session.add(
            DocumentIssuer(
                unit_id=unit.id,
                role=role,
                parent_line=parent,
                body_lines=body,
                display_name=display,
                abbreviation=abbr,
                place_name=place,
                authority=authority,
                head_title=title,
                head_name=head,
                fund_source=fund,
            )
        )


def seed_demo() -> None:
    reference.ensure()
    templates.ensure_all()
    ensure_issuers()
    db.session.flush()
