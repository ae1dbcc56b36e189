"""The papers each award form requires, per category: read, checked at submit and
pass_appraisal (through rules.check), and edited by admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..models import AwardForm, Campaign, Nomination, db
from ..models.attachments import ATTACHMENT_KINDS, Attachment, AttachmentRequirement
from .actor import Actor
from .admin import admin_scopes
from .audit import record
from .campaign_rules import managed_award_form
from .errors import bad_request, forbidden, unprocessable

KIND_LABELS = {
    "bao_cao_thanh_tich": "Báo cáo thành tích",
    "quyet_dinh_cong_nhan": "Quyết định công nhận của đơn vị",
    "minh_chung_dong_gop": "Hồ sơ minh chứng đóng góp",
    "hinh_anh": "Hình ảnh",
    "khac": "Tài liệu khác",
}
# Categories of a campaign without pools (the nomination form offers these two).
FREE_CATEGORIES = {"collective": "Tập thể", "individual": "Cá nhân"}


@dataclass(frozen=True)
class Line:
    kind: str
    label: str
    present: int

    @property
    def done(self) -> bool:
        return self.present > 0


def required_kinds(nomination: Nomination) -> list[str]:
    kinds = set(
        db.session.scalars(
            select(AttachmentRequirement.kind).where(
                AttachmentRequirement.award_form_id == nomination.award_form_id,
                or_(
                    AttachmentRequirement.category.is_(None),
                    AttachmentRequirement.category == nomination.category,
                ),
            )
        )
    )
    return [k for k in ATTACHMENT_KINDS if k in kinds]


def checklist(nomination: Nomination) -> list[Line]:
    present = list(
        db.session.scalars(
            select(Attachment.kind).where(
                Attachment.nomination_id == nomination.id, Attachment.removed_at.is_(None)
            )
        )
    )
    return [Line(k, KIND_LABELS[k], present.count(k)) for k in required_kinds(nomination)]


def check_required(nomination: Nomination) -> None:
    missing = [line for line in checklist(nomination) if not line.done]
    if missing:
        raise unprocessable(
            "missing_attachment",
            "Thiếu giấy tờ bắt buộc: " + ", ".join(line.label for line in missing) + ".",
            rule="attachments",
            missing=[line.kind for line in missing],
        )


# --- the admin's side -----------------------------------------------------------------------


def editable_form(actor: Actor, award_form_id: int) -> AwardForm:
    """An award form the admin manages (campaign_rules.managed_award_forms); others do not exist
    for them."""
    if not admin_scopes(actor.user):
        raise forbidden("Chỉ quản trị hệ thống được sửa danh mục giấy tờ bắt buộc.")
    return managed_award_form(actor, award_form_id)


def _campaigns_of(form: AwardForm) -> list[Campaign]:
    return [c for c in db.session.scalars(select(Campaign)) if form in c.award_forms]


def categories_of(form: AwardForm) -> dict[str | None, str]:
    """None (every category) first, then the categories nominations under the form can take."""
    found: dict[str | None, str] = {None: "Mọi nhóm đối tượng"}
    pooled = {
        c.code: c.name for campaign in _campaigns_of(form) for p in campaign.pools for c in p.categories
    }
    found |= pooled or FREE_CATEGORIES
    for row in requirements_of(form):
        found.setdefault(row.category, row.category)
    return found


def requirements_of(form: AwardForm) -> list[AttachmentRequirement]:
    return list(
        db.session.scalars(
            select(AttachmentRequirement)
            .where(AttachmentRequirement.award_form_id == form.id)
            .order_by(AttachmentRequirement.id)
        )
    )


def set_requirements(actor: Actor, award_form_id: int, wanted: list[tuple[str | None, str]]) -> AwardForm:
    """Replace the form's checklist with `wanted` (category or None, kind)."""
    form = editable_form(actor, award_form_id)
    categories = categories_of(form)
    for category, kind in wanted:
        if kind not in ATTACHMENT_KINDS or category not in categories:
            raise bad_request("Loại giấy tờ hoặc nhóm đối tượng không hợp lệ.", kind=kind)
    before = requirements_of(form)
    old = sorted(_key(r.category, r.kind) for r in before)
    new = sorted({_key(c, k) for c, k in wanted})
    if old == new:
        return form
    for row in before:
        db.session.delete(row)
    db.session.flush()
    db.session.add_all(
        AttachmentRequirement(award_form_id=form.id, category=c, kind=k) for c, k in set(wanted)
    )
    record(
        actor,
        "admin",
        role="admin",
        object_type="award_form",
        object_id=form.id,
        changes={"attachment_requirements": [old, new]},
        details={"op": "set_attachment_requirements"},
    )
    db.session.flush()
    return form


def _key(category: str | None, kind: str) -> str:
    return f"{category or '*'}:{kind}"
