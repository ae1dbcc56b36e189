"""Giấy khen: one A4 landscape page per awardee with the decision's number and date and the
register number; or only those fields, placed for pre-printed blanks (phôi)."""

from __future__ import annotations

from ....models import Decision, Nomination
from .. import certificates, issuers
from ..formatting import clean, place_date, short_date
from ..issuers import Issuer
from . import common

LAYOUTS = ("standard", "phoi")


def shared(issuer: Issuer, decision: Decision) -> dict:
    """What every certificate of one decision prints alike."""
    return {
        "authority": f"CHỦ TỊCH {issuer.display_name.upper()}",
        "decision": f"Quyết định số {decision.reference}, ngày {short_date(decision.date)}",
        "place_date": place_date(issuer.place_name, decision.date),
        "signature": common.signature(issuer.signature),
    }


def certificate(n: Nomination, alike: dict, register: str) -> dict:
    return alike | {
        "name": common.honorific_name(n),
        "position_unit": common.position_unit(n),
        "achievement": f"Đã có thành tích xuất sắc trong {common.campaign_phrase(n.campaign)}",
        "register": register,
    }


def build(decision: Decision, nominations: list[Nomination], *, layout: str = "standard") -> common.Draft:
    entries = certificates.register_numbers(decision)
    issuer = issuers.issuer(
        decision.issuer_unit, signer=issuers.chairman_signature(decision.signer, decision.capacity)
    )
    alike = shared(issuer, decision)
    certificates_ = [
        certificate(n, alike, certificates.register_text(entries[n.id])) for n in common.ordered(nominations)
    ]
    single = nominations[0] if len(nominations) == 1 else None
    adjust = None
    if layout == "phoi":
        offsets = certificates.layout_for(decision.issuer_unit)
        adjust = certificates.shift_frames(offsets.offset_x_mm, offsets.offset_y_mm)
    suffix = " (in trên phôi)" if layout == "phoi" else ""
    subject = common.name(single) if single else f"Quyết định {decision.reference}"
    return common.Draft(
        template_kind="giay_khen_phoi" if layout == "phoi" else "giay_khen",
        context={"certificates": certificates_},
        title="Giấy khen",
        filename=f"Giấy khen - {clean(subject)}{suffix}",
        author=issuer.display_name,
        day=decision.date,
        pin=("decision", decision.id),
        audit={
            "object_type": "nomination" if single else "decision",
            "object_id": single.id if single else decision.id,
            "nomination": single,
            "unit_id": single.unit_id if single else decision.issuer_unit_id,
        },
        adjust=adjust,
    )
