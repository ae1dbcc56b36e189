"""Báo cáo thành tích of one nominee: the individual variant (signed by the person) and the
collective one (signed by its head), both confirmed by the proposing unit's head."""

from __future__ import annotations

from ....models import Nomination
from ...clock import local_today
from ...errors import WorkflowError
from .. import issuers
from ..formatting import clean, money, money_words, paragraphs, place_date
from ..issuers import Signature
from . import common

GENDERS = {"male": "Nam", "female": "Nữ"}
REPORTERS = {
    "person": ("NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)"),
    "household": ("ĐẠI DIỆN HỘ GIA ĐÌNH", "(Ký, ghi rõ họ và tên)"),
    "organisation": ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ và tên, đóng dấu)"),
    "collective": ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ và tên, đóng dấu)"),
}


def _profile(n: Nomination) -> list[dict]:
    if n.nominee_kind == "collective":
        items = [("Tên tập thể", common.name(n)), ("Địa chỉ", clean(n.address))]
    else:
        items = [
            ("Họ và tên" if n.nominee_type == "person" else "Tên", common.name(n)),
            ("Giới tính", GENDERS.get(n.gender or "", "")),
            ("Năm sinh", str(n.birth_year) if n.birth_year else ""),
            ("Chức vụ", clean(n.position)),
            ("Địa chỉ", clean(n.address)),
            ("Số định danh cá nhân", clean(n.id_number)),
            ("Mã số thuế", clean(n.tax_code)),
        ]
    items.append(("Đơn vị đề nghị khen thưởng", clean(n.unit.name)))
    return [{"label": label, "value": value} for label, value in items if value]


def _reporter(n: Nomination) -> dict:
    title, hint = REPORTERS[n.nominee_type if n.nominee_kind != "collective" else "collective"]
    # Only a person's own name is known; anyone else signs and writes their name by hand.
    shown = common.name(n) if n.nominee_type == "person" and n.nominee_kind != "collective" else common.HANDWRITTEN
    return {"lines": [title], "name": shown, "hint": hint}


def _letterhead(n: Nomination) -> dict:
    """A collective reports under its own name, below the unit proposing it."""
    unit = n.unit
    upper = clean(unit.name).upper()
    parent = f"UBND {upper}" if unit.kind in issuers.LOCAL_GOVERNMENTS else upper
    return {"parent_line": parent, "body_lines": [common.name(n).upper()]}


def build(n: Nomination) -> common.Draft:
    summary = paragraphs(n.achievement_summary)
    if not summary:
        raise WorkflowError(
            409,
            "incomplete_nomination",
            "Hồ sơ chưa có tóm tắt thành tích nên chưa lập được báo cáo thành tích.",
            {"field": "achievement_summary"},
        )
    unit_issuer = issuers.issuer(n.unit)
    head = unit_issuer.signature
    award = clean(n.award_form.name)
    collective = n.nominee_kind == "collective"
    context = {
        "header": _letterhead(n),
        "place_date": place_date(unit_issuer.place_name, local_today(), blank_day=True),
        "award_form": award,
        "award_form_upper": award.upper(),
        "name_upper": common.name(n).upper(),
        "campaign": common.campaign_phrase(n.campaign),
        "profile": _profile(n),
        "achievement": summary,
        "contribution": f"{money(n.contribution_vnd)} đồng ({money_words(n.contribution_vnd)})"
        if n.contribution_vnd
        else "",
        "confirmation": common.signature(
            Signature(["XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", *head.lines], head.name)
        ),
        "reporter": _reporter(n),
    }
    return common.Draft(
        template_kind="bao_cao_tap_the" if collective else "bao_cao_ca_nhan",
        context=context,
        title="Báo cáo thành tích",
        filename=f"Báo cáo thành tích - {common.name(n)}",
        author=unit_issuer.display_name,
        day=local_today(),
        pin=None,
        audit={"object_type": "nomination", "object_id": n.id, "nomination": n},
    )
