"""What can be generated now, for the "Tài liệu" panel of a page: per nomination, campaign,
council meeting or decision, within the viewer's scope. Each entry names the API kind and the
parameters to pass back to service.*_document; nothing is rendered here."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...models import Campaign, CouncilMeeting, Decision, Nomination, User
from ..errors import WorkflowError
from . import pdf, service, targets
from .settings import setting

LABELS = {
    "bao_cao_thanh_tich": "Báo cáo thành tích",
    "to_trinh": "Tờ trình đề nghị khen thưởng",
    "danh_sach": "Danh sách đề nghị khen thưởng",
    "bien_ban": "Biên bản họp Hội đồng TĐKT",
    "quyet_dinh": "Quyết định khen thưởng",
    "giay_khen": "Giấy khen",
}
ISSUER_LABELS = {"unit": "của đơn vị", "office": "của Văn phòng Điều phối", "council": "của Hội đồng TĐKT"}


@dataclass(frozen=True)
class Available:
    kind: str
    label: str
    params: dict = field(default_factory=dict)
    formats: tuple[str, ...] = ("docx",)
    # Made by a background job rather than in the request (a decision's many certificates).
    batch: bool = False


def _formats() -> tuple[str, ...]:
    return ("docx", "pdf") if pdf.available() else ("docx",)


def _entry(kind: str, label: str | None = None, *, batch: bool = False, **params) -> Available:
    return Available(kind, label or LABELS[kind], params, _formats(), batch)


def for_nomination(user: User, nomination: Nomination) -> list[Available]:
    found = []
    if nomination.achievement_summary:
        found.append(_entry("bao_cao_thanh_tich"))
    found.append(_entry("to_trinh"))
    if nomination.state == "approved" and nomination.decision is not None:
        found.append(_entry("giay_khen"))
        found.append(_entry("giay_khen", "Giấy khen (in trên phôi)", layout="phoi"))
    return found


def _selectable(user: User, campaign: Campaign, issuer: str, states=None) -> bool:
    try:
        targets.select_for(user, campaign, issuer, None, states)
    except WorkflowError:
        return False
    return True


def for_campaign(user: User, campaign: Campaign) -> list[Available]:
    found = []
    issuers = []
    if user.has_role("proposer"):
        issuers.append("unit")
    if targets.is_office_reader(user):
        issuers += ["office", "council"]
    for issuer in issuers:
        if _selectable(user, campaign, issuer):
            for kind in ("to_trinh", "danh_sach"):
                found.append(_entry(kind, f"{LABELS[kind]} {ISSUER_LABELS[issuer]}", issuer=issuer))
    if targets.is_office_reader(user) and _selectable(user, campaign, "council", targets.DRAFT_DECISION_STATES):
        for capacity, who in (("chairman", "Chủ tịch"), ("vice_chairman", "Phó Chủ tịch")):
            found.append(_entry("quyet_dinh", f"Dự thảo Quyết định trình {who} ký", capacity=capacity))
    return found


def for_meeting(user: User, meeting: CouncilMeeting) -> list[Available]:
    try:
        targets.meeting_for(user, meeting.id)
    except WorkflowError:
        return []
    return [_entry("bien_ban")]


def for_decision(user: User, decision: Decision) -> list[Available]:
    found = [_entry("quyet_dinh")]
    try:
        certificates = service.awarded(user, decision)
    except WorkflowError:
        return found
    batch = len(certificates) > setting("DOCUMENT_BATCH_THRESHOLD")
    found.append(_entry("giay_khen", "Giấy khen (mỗi trang một người)", batch=batch))
    found.append(_entry("giay_khen", "Giấy khen (in trên phôi)", batch=batch, layout="phoi"))
    return found
