"""The proposer's yes/no answers to a campaign's attestation criteria (Hà Nam: NTM nâng cao or
kiểu mẫu, no outstanding basic-construction debt, OCOP ≥ 3 stars, no discipline), each with
the evidence it rests on. Answered while the dossier is editable; checked by rules.check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Nomination, NominationAttestation, db, utcnow
from . import audit, rule_versions
from .actor import Actor
from .errors import WorkflowError, bad_request, forbidden, validation_failed
from .machine import EDITABLE_STATES
from .nominations import _load, check_version
from .payload import Field, parse
from .permissions import may_ever_fire
from .rules import answers_of

EVIDENCE_MAX_LENGTH = 2000
ITEM_FIELDS = {
    "criterion": Field(str, "Tiêu chí", max_length=60, nullable=False),
    "answer": Field(bool, "Trả lời", nullable=False),
    "evidence": Field(str, "Căn cứ, minh chứng", max_length=EVIDENCE_MAX_LENGTH),
}


@dataclass
class Line:
    code: str
    name: str
    answer: bool | None
    evidence: str | None


def lines(nomination: Nomination) -> list[Line]:
    """The attestations that apply to the nomination, with its answers so far."""
    answers = answers_of(nomination)
    return [
        Line(
            c["code"],
            c["name"],
            answers[c["code"]].answer if c["code"] in answers else None,
            answers[c["code"]].evidence if c["code"] in answers else None,
        )
        for c in rule_versions.criteria_for(nomination, "attestation")
    ]


def set_answers(actor: Actor, nomination_id: int, body: Any) -> Nomination:
    """Record answers ({version, answers: [{criterion, answer, evidence}]}); others stay as they are."""
    user = actor.user
    nomination = _load(user, nomination_id, lock=True)
    if not isinstance(body, dict) or set(body) - {"version", "answers"}:
        raise bad_request("Cần gửi 'version' và 'answers': danh sách {criterion, answer, evidence}.")
    version, items = body.get("version"), body.get("answers")
    if not isinstance(version, int) or isinstance(version, bool):
        raise bad_request("Cần gửi 'version' (số nguyên) của hồ sơ.", field="version")
    if not isinstance(items, list):
        raise bad_request("Trường 'answers' phải là danh sách.", field="answers")
    values = [parse(item, ITEM_FIELDS, what="Câu trả lời") for item in items]
    if not may_ever_fire(user, nomination, "submit"):
        raise forbidden("Chỉ cán bộ đề xuất của đơn vị mới được xác nhận tiêu chí.").about(nomination.id)
    check_version(nomination, version)
    if nomination.state not in EDITABLE_STATES:
        raise WorkflowError(
            409, "not_editable", "Chỉ sửa được hồ sơ ở trạng thái Dự thảo hoặc Trả lại để bổ sung.",
            {"state": nomination.state},
        )
    applying = {line.code: line for line in lines(nomination)}
    problems = {}
    seen: set[str] = set()
    for value in values:
        code = value.get("criterion")
        if code in seen:
            # One row per criterion: a second answer would contradict or repeat the first.
            problems[f"criterion.{code}"] = f"Tiêu chí '{code}' được trả lời hai lần"
            continue
        seen.add(code)
        if code not in applying:
            problems[f"criterion.{code}"] = f"Tiêu chí '{code}' không áp dụng cho hồ sơ này"
        elif value.get("answer") and not value.get("evidence"):
            problems[f"evidence.{code}"] = f"Tiêu chí '{applying[code].name}': cần ghi căn cứ, minh chứng"
    if problems:
        raise validation_failed(problems)
    existing = answers_of(nomination)
    changes = {}
    for value in values:
        code, answer, evidence = value["criterion"], value["answer"], value.get("evidence") or None
        row = existing.get(code)
        before = [row.answer, row.evidence] if row is not None else [None, None]
        if before == [answer, evidence]:
            continue
        if row is None:
            db.session.add(NominationAttestation(
                nomination_id=nomination.id, criterion_code=code, answer=answer, evidence=evidence
            ))
        else:
            row.answer, row.evidence = answer, evidence
        changes[f"attestations.{code}"] = [before, [answer, evidence]]
    if changes:
        nomination.version += 1
        nomination.updated_at = utcnow()
        audit.record(
            actor, "edit", role="proposer", nomination=nomination,
            from_state=nomination.state, to_state=nomination.state, changes=changes,
        )
    db.session.flush()
    return nomination
