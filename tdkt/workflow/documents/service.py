"""Making a document: load what it is about within the caller's scope, build its context,
fill the template version it is due, convert to PDF if asked, and write the file's SHA-256,
kind and template version to the audit trail. Runs without a request (API, pages, jobs)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ...models import Decision, Nomination, User, db
from ...models.documents import DocumentTemplate
from ...models.org import CAPACITIES
from .. import audit, nominations, rule_versions
from ..actor import Actor
from ..errors import WorkflowError, not_found, validation_failed
from ..permissions import visible_nominations
from . import pdf, render, targets, templates
from .contexts import bao_cao, bien_ban, danh_sach, giay_khen, quyet_dinh, to_trinh
from .contexts.common import Draft
from .settings import setting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FORMATS = {"docx": DOCX, "pdf": PDF}
LAYOUTS = giay_khen.LAYOUTS

NOMINATION_KINDS = ("bao_cao_thanh_tich", "to_trinh", "giay_khen")
CAMPAIGN_KINDS = ("danh_sach", "to_trinh", "quyet_dinh")
MEETING_KINDS = ("bien_ban",)
DECISION_KINDS = ("quyet_dinh", "giay_khen")


@dataclass(frozen=True)
class File:
    kind: str
    filename: str
    content_type: str
    data: bytes
    sha256: str
    template_kind: str
    template_version: int


@dataclass(frozen=True)
class Options:
    """What the caller may choose besides the document itself."""

    fmt: str = "docx"
    layout: str = "standard"
    issuer: str = "unit"
    unit_id: int | None = None
    capacity: str = "chairman"

    def check(self) -> None:
        problems = {}
        if self.fmt not in FORMATS:
            problems["format"] = "Định dạng phải là docx hoặc pdf"
        if self.layout not in LAYOUTS:
            problems["layout"] = "Cách in phải là standard hoặc phoi"
        if self.issuer not in targets.ISSUERS:
            problems["issuer"] = "Cơ quan ban hành phải là unit, office hoặc council"
        if self.capacity not in CAPACITIES:
            problems["capacity"] = "Người ký phải là chairman hoặc vice_chairman"
        if problems:
            raise validation_failed(problems)


def _kind(kind: str, allowed: tuple[str, ...]) -> None:
    if kind not in allowed:
        raise not_found("Loại văn bản")


def _role(user: User) -> str | None:
    roles = sorted(user.roles())
    return roles[0] if roles else None


def fill(draft: Draft) -> tuple[DocumentTemplate, bytes]:
    """The .docx of a draft, from the template version it is due."""
    template = templates.for_document(draft.template_kind, draft.pin)
    try:
        docx = render.render(
            template.content,
            draft.context,
            title=draft.title,
            author=draft.author,
            day=draft.day,
            adjust=draft.adjust,
        )
    except render.TemplateBroken as exc:
        raise WorkflowError(
            409,
            "template_broken",
            f"Mẫu '{template.kind}' phiên bản {template.version} không điền được: {exc}",
            {"template_kind": template.kind, "template_version": template.version},
        ) from exc
    return template, docx


def record(actor: Actor, kind: str, draft: Draft, template: DocumentTemplate, details: dict) -> None:
    """The audit record of a file made from a draft: its kind, hashes and template version."""
    where = draft.audit
    audit.record(
        actor,
        "document",
        role=_role(actor.user),
        nomination=where.get("nomination"),
        object_type=where.get("object_type"),
        object_id=where.get("object_id"),
        unit_id=where.get("unit_id"),
        details={"kind": kind, "template_kind": template.kind, "template_version": template.version} | details,
    )
    db.session.flush()


def produce(actor: Actor, kind: str, draft: Draft, fmt: str) -> File:
    template, docx = fill(draft)
    data = docx if fmt == "docx" else pdf.convert(docx)
    digest = hashlib.sha256(data).hexdigest()
    details = {"format": fmt, "sha256": digest}
    if fmt != "docx":
        details["docx_sha256"] = hashlib.sha256(docx).hexdigest()
    record(actor, kind, draft, template, details)
    return File(
        kind=kind,
        filename=f"{safe_name(draft.filename)}.{fmt}",
        content_type=FORMATS[fmt],
        data=data,
        sha256=digest,
        template_kind=template.kind,
        template_version=template.version,
    )


def safe_name(name: str) -> str:
    """A file name without path separators or characters Windows refuses."""
    return re.sub(r'[\\/:*?"<>|]+', "-", name).strip(" .-") or "van-ban"


def not_approved(nomination: Nomination) -> WorkflowError:
    return WorkflowError(
        409,
        "not_approved",
        "Chỉ in được Giấy khen khi hồ sơ đã có quyết định khen thưởng.",
        {"state": nomination.state},
    )


# --- a nomination ------------------------------------------------------------------------------


def _unit_letter(user: User, nomination: Nomination) -> to_trinh.Letter:
    """The Tờ trình the nomination travels under: its Submission with every nomination in it
    the caller may see, or, before it has one, a letter for this nomination alone."""
    submission = nomination.submission
    if submission is None:
        return to_trinh.letter("unit", [nomination], rule_versions.level(nomination))
    query = visible_nominations(user).where(Nomination.submission_id == submission.id)
    related = list(db.session.scalars(query.order_by(Nomination.id)))
    level = rule_versions.level(nomination, submission.level)
    return to_trinh.letter("unit", related, level, submission.unit)


def nomination_draft(user: User, nomination: Nomination, kind: str, options: Options) -> Draft:
    if kind == "bao_cao_thanh_tich":
        return bao_cao.build(nomination)
    if kind == "to_trinh":
        return to_trinh.build(_unit_letter(user, nomination))
    if nomination.state != "approved" or nomination.decision is None:
        raise not_approved(nomination)
    return giay_khen.build(nomination.decision, [nomination], layout=options.layout)


def nomination_document(actor: Actor, nomination_id: int, kind: str, options: Options = Options()) -> File:
    return produce(actor, kind, draft_for(actor.user, "nomination", nomination_id, kind, options), options.fmt)


# --- a campaign's lists and letters -----------------------------------------------------------


def campaign_draft(user: User, campaign_id: int, kind: str, options: Options) -> Draft:
    campaign = targets.campaign_for(user, campaign_id)
    _kind(kind, CAMPAIGN_KINDS)
    options.check()
    if kind == "quyet_dinh":
        selection = targets.select_for(
            user, campaign, "council", options.unit_id, targets.DRAFT_DECISION_STATES
        )
        return quyet_dinh.build(quyet_dinh.for_signature(selection, options.capacity))
    selection = targets.select_for(user, campaign, options.issuer, options.unit_id)
    letter = to_trinh.from_selection(selection)
    return danh_sach.build(letter) if kind == "danh_sach" else to_trinh.build(letter)


def campaign_document(actor: Actor, campaign_id: int, kind: str, options: Options = Options()) -> File:
    return produce(actor, kind, draft_for(actor.user, "campaign", campaign_id, kind, options), options.fmt)


# --- council minutes ------------------------------------------------------------------------------


def meeting_document(actor: Actor, meeting_id: int, kind: str, options: Options = Options()) -> File:
    return produce(actor, kind, draft_for(actor.user, "meeting", meeting_id, kind, options), options.fmt)


# --- a decision -------------------------------------------------------------------------------------


def awarded(user: User, decision: Decision) -> list[Nomination]:
    """The decision's certificates the caller may print: those of nominations it sees, and
    not revoked since."""
    visible = targets.visible_ids(user, [n.id for n in decision.nominations])
    chosen = [n for n in decision.nominations if n.id in visible and n.state == "approved"]
    if not chosen:
        raise targets.nothing_to_list("Quyết định không còn Giấy khen nào để in.")
    return chosen


def decision_draft(user: User, decision: Decision, kind: str, options: Options) -> Draft:
    if kind == "quyet_dinh":
        return quyet_dinh.build(quyet_dinh.from_decision(decision))
    return giay_khen.build(decision, awarded(user, decision), layout=options.layout)


def is_batch(user: User, decision_id: int, kind: str, options: Options) -> bool:
    """A decision's certificates beyond the threshold are made in the background."""
    decision = targets.decision_for(user, decision_id)
    _kind(kind, DECISION_KINDS)
    options.check()
    return kind == "giay_khen" and len(awarded(user, decision)) > setting("DOCUMENT_BATCH_THRESHOLD")


def decision_document(actor: Actor, decision_id: int, kind: str, options: Options = Options()) -> File:
    return produce(actor, kind, draft_for(actor.user, "decision", decision_id, kind, options), options.fmt)


# --- any of them ------------------------------------------------------------------------------------

TARGETS = ("nomination", "campaign", "meeting", "decision")


def draft_for(user: User, target: str, target_id: int, kind: str, options: Options) -> Draft:
    """Load what a document is about within the caller's scope (out of it: 404) and build
    its draft: the one scope check downloads and previews share."""
    if target == "campaign":
        return campaign_draft(user, target_id, kind, options)
    if target == "nomination":
        nomination = nominations.get(user, target_id)
        _kind(kind, NOMINATION_KINDS)
        options.check()
        return nomination_draft(user, nomination, kind, options)
    if target == "meeting":
        meeting = targets.meeting_for(user, target_id)
        _kind(kind, MEETING_KINDS)
        options.check()
        return bien_ban.build(meeting)
    decision = targets.decision_for(user, target_id)
    _kind(kind, DECISION_KINDS)
    options.check()
    return decision_draft(user, decision, kind, options)
