"""States, triggers and who may fire them: data, loaded once into one module-level Machine."""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine, MachineError

STATES = (
    "draft",
    "submitted",
    "in_appraisal",
    "returned",
    "council_review",
    "awaiting_signature",
    "approved",
    "rejected",
    "withdrawn",
    "revoked",
)
TERMINAL_STATES = frozenset({"rejected", "withdrawn", "revoked"})
CLOSED_STATES = TERMINAL_STATES | {"approved"}
EDITABLE_STATES = frozenset({"draft", "returned"})
# From submit to a decision a nomination holds a quota slot; a returned one keeps it.
SLOT_STATES = frozenset({"submitted", "in_appraisal", "returned", "council_review", "awaiting_signature", "approved"})

STATE_LABELS = {
    "draft": "Dự thảo",
    "submitted": "Đã trình, chờ thẩm định",
    "in_appraisal": "Đang thẩm định",
    "returned": "Trả lại để bổ sung",
    "council_review": "Chờ Hội đồng TĐKT xét",
    "awaiting_signature": "Trình Chủ tịch ký",
    "approved": "Đã có quyết định khen thưởng",
    "rejected": "Không khen thưởng",
    "withdrawn": "Đơn vị rút hồ sơ",
    "revoked": "Đã hủy quyết định khen thưởng",
}

HOLDER_ROLE = {
    "draft": "proposer",
    "returned": "proposer",
    "submitted": "appraiser",
    "in_appraisal": "appraiser",
    "council_review": "council_secretary",
    "awaiting_signature": "signer",
}

# Roles that act for an office at a chain level: their scope must cover the level's unit.
OFFICE_ROLES = frozenset({"appraiser", "council_secretary", "signer"})


@dataclass(frozen=True)
class Rule:
    trigger: str
    source: str
    dest: str
    roles: frozenset[str]
    assignee_only: bool = False


def _rules(trigger, sources, dest, roles, assignee_only=False):
    return [Rule(trigger, s, dest, frozenset(roles), assignee_only) for s in sources]


RULES: tuple[Rule, ...] = tuple(
    _rules("submit", ["draft", "returned"], "submitted", ["proposer"])
    + _rules("withdraw", ["draft", "submitted", "returned"], "withdrawn", ["proposer"])
    + _rules("start_appraisal", ["submitted"], "in_appraisal", ["appraiser"])
    + _rules("reassign", ["in_appraisal"], "in_appraisal", ["appraiser"])
    + _rules("return_for_revision", ["in_appraisal"], "returned", ["appraiser"], True)
    + _rules("pass_appraisal", ["in_appraisal"], "council_review", ["appraiser"], True)
    + _rules("send_back", ["council_review"], "in_appraisal", ["council_secretary"])
    + _rules("submit_for_signature", ["council_review"], "awaiting_signature", ["council_secretary"])
    + _rules("return_to_council", ["awaiting_signature"], "council_review", ["signer"])
    + _rules("sign", ["awaiting_signature"], "approved", ["signer", "council_secretary"])
    + _rules("forward", ["awaiting_signature"], "submitted", ["signer"])
    + _rules("reject", ["in_appraisal"], "rejected", ["appraiser"], True)
    + _rules("reject", ["council_review"], "rejected", ["council_secretary"])
    + _rules("reject", ["awaiting_signature"], "rejected", ["signer"])
    + _rules("revoke", ["approved"], "revoked", ["signer"])
)

TRIGGERS: tuple[str, ...] = tuple(dict.fromkeys(r.trigger for r in RULES))

TRIGGER_LABELS = {
    "submit": "Trình hồ sơ",
    "withdraw": "Rút hồ sơ",
    "start_appraisal": "Nhận thẩm định",
    "reassign": "Chuyển người thẩm định",
    "return_for_revision": "Trả lại để bổ sung",
    "pass_appraisal": "Chuyển Hội đồng TĐKT",
    "send_back": "Trả về thẩm định lại",
    "submit_for_signature": "Trình Chủ tịch ký",
    "return_to_council": "Trả về Hội đồng",
    "sign": "Ký quyết định",
    "forward": "Trình cấp trên",
    "reject": "Không khen thưởng",
    "revoke": "Hủy quyết định",
}

COMMENT_REQUIRED = frozenset(
    {"withdraw", "return_for_revision", "pass_appraisal", "send_back", "return_to_council", "reject", "revoke"}
)

ROLE_LABELS = {
    "proposer": "Cán bộ đề xuất",
    "appraiser": "Chuyên viên Văn phòng Điều phối",
    "council_secretary": "Thường trực Hội đồng TĐKT",
    "signer": "Lãnh đạo UBND (ký)",
    "auditor": "Kiểm tra, giám sát",
    "admin": "Quản trị",
}

# One machine for every nomination; the state lives on the row, the machine only moves it.
MACHINE = Machine(
    model=None,
    states=list(STATES),
    transitions=[
        {"trigger": t, "source": s, "dest": d}
        for t, s, d in dict.fromkeys((r.trigger, r.source, r.dest) for r in RULES)
    ],
    initial="draft",
    auto_transitions=False,
    model_attribute="state",
)


def rule_for(trigger: str, state: str) -> Rule | None:
    return next((r for r in RULES if r.trigger == trigger and r.source == state), None)


def roles_for(trigger: str) -> frozenset[str]:
    return frozenset().union(*(r.roles for r in RULES if r.trigger == trigger))


def move(model, trigger: str) -> None:
    """Fire `trigger` on `model` through the shared machine; MachineError if the state forbids it."""
    MACHINE.events[trigger].trigger(model)


__all__ = ["MACHINE", "MachineError", "move"]
