"""Campaign rules checked at submit and again at pass_appraisal.

Each refusal names the rule and the numbers, and never another unit's nominations. The order:
required fields and papers, submission window (first submit only), the unit's recognition,
eligibility, duplicates, quota — so that a nominee who cannot be awarded never takes a slot's message.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from ..models import Nomination, NominationAttestation, Pool, db
from . import attachment_checklist, rule_versions
from .clock import local_today
from .errors import unprocessable, validation_failed
from .machine import SLOT_STATES
from .text import fold

CHECKED_AT = frozenset({"submit", "pass_appraisal"})
KIND_WORDS = {"collective": "tập thể", "individual": "cá nhân"}


def check(nomination: Nomination, trigger: str) -> None:
    if trigger not in CHECKED_AT:
        return
    if trigger == "submit":
        # The rules in force at the first submit stay the nomination's rules (DESIGN §4).
        rule_versions.pin(nomination)
    _required_fields(nomination)
    attachment_checklist.check_required(nomination)
    if trigger == "submit" and nomination.first_submitted_at is None:
        _submission_window(nomination)
    _recognition(nomination)
    _contribution(nomination)
    _attestations(nomination)
    _duplicates(nomination)
    _quota(nomination)


def contribution_minimum(nomination: Nomination) -> int | None:
    """The highest minimum contribution among the criteria that apply, if any does."""
    minimums = [c["min_vnd"] for c in rule_versions.criteria_for(nomination, "min_contribution")]
    return max(minimums) if minimums else None


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _required_fields(nomination: Nomination) -> None:
    missing = {}
    if not (nomination.achievement_summary or "").strip():
        missing["achievement_summary"] = "Tóm tắt thành tích là bắt buộc khi trình hồ sơ"
    if contribution_minimum(nomination) is not None and nomination.contribution_vnd is None:
        missing["contribution_vnd"] = "Cần ghi giá trị đóng góp (quy đổi thành tiền, VND)"
    if nomination.pool is None:
        missing["pool_id"] = "Cần chọn nhóm chỉ tiêu của đợt thi đua"
    if missing:
        raise validation_failed(missing)


def _submission_window(nomination: Nomination) -> None:
    """The window of the nomination's round when the campaign has rounds, else the campaign's."""
    today = local_today()
    window = nomination.round or nomination.campaign
    if window.is_open_on(today):
        return
    who = f"Đợt {nomination.round.name}" if nomination.round else "Đợt thi đua"
    raise unprocessable(
        "submission_closed",
        f"{who} nhận hồ sơ từ {window.submission_opens_on:%d/%m/%Y} đến "
        f"{window.submission_closes_on:%d/%m/%Y}; hôm nay {today:%d/%m/%Y} ngoài thời hạn.",
        rule="submission_window",
        opens_on=window.submission_opens_on.isoformat(),
        closes_on=window.submission_closes_on.isoformat(),
        **({"round": nomination.round.code} if nomination.round else {}),
    )


def _recognition(nomination: Nomination) -> None:
    pool = nomination.pool
    if not rule_versions.pool_rules(nomination).is_open:
        raise unprocessable(
            "unit_not_recognized",
            f"Chỉ tiêu '{pool.name}' chỉ mở khi đơn vị được công nhận; hiện chưa mở.",
            rule="pool_open",
            pool=pool.code,
        )
    owner = pool.unit
    if owner is not None and owner.kind in ("commune", "ward") and not owner.recognized:
        raise unprocessable(
            "unit_not_recognized",
            f"{owner.name} chưa được công nhận đạt chuẩn nông thôn mới / văn minh đô thị, "
            "chưa được đề nghị theo chỉ tiêu của đơn vị.",
            rule="unit_recognized",
            unit=owner.code,
        )


def _contribution(nomination: Nomination) -> None:
    minimum = contribution_minimum(nomination)
    if minimum is None:
        return
    amount = nomination.contribution_vnd or 0
    if amount < minimum:
        raise unprocessable(
            "not_eligible",
            f"Giá trị đóng góp {_vnd(amount)} đồng, chưa đạt mức tối thiểu {_vnd(minimum)} đồng.",
            rule="min_contribution",
            contribution_vnd=amount,
            min_vnd=minimum,
        )


def answers_of(nomination: Nomination) -> dict[str, NominationAttestation]:
    rows = db.session.scalars(
        select(NominationAttestation).where(NominationAttestation.nomination_id == nomination.id)
    )
    return {row.criterion_code: row for row in rows}


def _attestations(nomination: Nomination) -> None:
    """Each yes/no criterion that applies must be answered yes, with the evidence it rests on."""
    answers = answers_of(nomination)
    for criterion in rule_versions.criteria_for(nomination, "attestation"):
        answer = answers.get(criterion["code"])
        if answer is not None and answer.answer and (answer.evidence or "").strip():
            continue
        if answer is None:
            why = "chưa được xác nhận"
        elif not answer.answer:
            why = "được xác nhận là không đạt"
        else:
            why = "chưa ghi căn cứ, minh chứng"
        raise unprocessable(
            "not_eligible",
            f"Tiêu chí '{criterion['name']}' {why}; hồ sơ chưa đủ điều kiện đề nghị khen thưởng.",
            rule="criterion",
            criterion=criterion["code"],
            answer=None if answer is None else answer.answer,
        )


# What the duplicate checks read of the competing nominations (no need to load whole rows).
DUPLICATE_COLUMNS = (
    Nomination.id,
    Nomination.unit_id,
    Nomination.nominee_kind,
    Nomination.nominee_name,
    Nomination.birth_year,
    Nomination.id_number,
    Nomination.tax_code,
)


def same_round(nomination: Nomination) -> ColumnElement[bool]:
    """Nominations of the nomination's round; of the whole campaign when it has no rounds
    (their round_id is null, as is the nomination's)."""
    if nomination.round_id is None:
        return Nomination.round_id.is_(None)
    return Nomination.round_id == nomination.round_id


def round_words(nomination: Nomination) -> str:
    """'đợt thi đua', or the round's own name ('đợt Sơ kết 2023') in a campaign with rounds."""
    return f"đợt {nomination.round.name}" if nomination.round else "đợt thi đua"


def competing(nomination: Nomination) -> Select:
    """The other nominations of the campaign round holding or having held a slot: drafts,
    withdrawn and rejected ones free the nominee. The same person may be proposed again in a
    later round (the final review after the preliminary one)."""
    return select(*DUPLICATE_COLUMNS).where(
        Nomination.campaign_id == nomination.campaign_id,
        same_round(nomination),
        Nomination.id != nomination.id,
        Nomination.state.in_(SLOT_STATES),
    )


def same_number(a, b) -> bool:
    """The same CCCD or the same tax code: one nominee, whatever the names say."""
    return bool((a.id_number and a.id_number == b.id_number) or (a.tax_code and a.tax_code == b.tax_code))


def told_apart_by_numbers(a, b) -> bool:
    """Both carry a CCCD, or both a tax code, and these differ: two people sharing a name."""
    return bool(
        (a.id_number and b.id_number and a.id_number != b.id_number)
        or (a.tax_code and b.tax_code and a.tax_code != b.tax_code)
    )


def same_name_and_birth_year(a, b) -> bool:
    """Two individuals with the folded name and the birth year alike, which no numbers tell apart."""
    return (
        a.nominee_kind == b.nominee_kind == "individual"
        and a.birth_year is not None
        and a.birth_year == b.birth_year
        and fold(a.nominee_name) == fold(b.nominee_name)
        and not told_apart_by_numbers(a, b)
    )


def refused_as_duplicates(a, b) -> bool:
    return same_number(a, b) or same_name_and_birth_year(a, b)


def _duplicates(nomination: Nomination) -> None:
    """The same nominee proposed twice in one campaign round, under any award form: by CCCD or tax
    code, or, for individuals, by the folded name with the same birth year."""
    keys = []
    if nomination.id_number:
        keys.append(Nomination.id_number == nomination.id_number)
    if nomination.tax_code:
        keys.append(Nomination.tax_code == nomination.tax_code)
    if nomination.nominee_kind == "individual" and nomination.birth_year is not None:
        keys.append(and_(Nomination.nominee_kind == "individual", Nomination.birth_year == nomination.birth_year))
    if not keys:
        return
    others = db.session.execute(competing(nomination).where(or_(*keys))).all()
    if any(same_number(nomination, other) for other in others):
        raise unprocessable(
            "duplicate_nominee",
            f"Đối tượng này (trùng số CCCD hoặc mã số thuế) đã được đề nghị trong {round_words(nomination)}.",
            rule="duplicate",
            match="id_number_or_tax_code",
        )
    if any(same_name_and_birth_year(nomination, other) for other in others):
        raise unprocessable(
            "duplicate_nominee",
            f"Đối tượng cùng họ tên và năm sinh {nomination.birth_year} đã được đề nghị trong "
            f"{round_words(nomination)}. "
            "Nếu là hai người khác nhau, cả hai hồ sơ cần ghi số CCCD để phân biệt.",
            rule="duplicate",
            match="name_and_birth_year",
        )


def _quota(nomination: Nomination) -> None:
    """A pool's limits hold per round in a campaign with rounds: a slot held in the preliminary
    review leaves the final review's quota whole."""
    # The pool row lock makes two proposers racing for the last slot take turns.
    pool = db.session.scalars(
        select(Pool).where(Pool.id == nomination.pool_id).with_for_update()
    ).one()
    holders = (
        select(func.count())
        .select_from(Nomination)
        .where(
            Nomination.pool_id == pool.id,
            same_round(nomination),
            Nomination.id != nomination.id,
            Nomination.state.in_(SLOT_STATES),
        )
    )
    owner = pool.unit.name if pool.unit is not None else f"Nhóm '{pool.name}'"
    limits = rule_versions.pool_rules(nomination)
    category = pool.category(nomination.category)
    category_limit = limits.category_limits.get(nomination.category)
    if category is not None and category_limit is not None:
        used = db.session.scalar(holders.where(Nomination.category == category.code))
        if used >= category_limit:
            raise _quota_error(nomination, owner, pool, category.code, f"suất '{category.name}'", used, category_limit)
    limit = limits.limit_for(nomination.nominee_kind)
    if limit is not None:
        used = db.session.scalar(holders.where(Nomination.nominee_kind == nomination.nominee_kind))
        if used >= limit:
            word = KIND_WORDS[nomination.nominee_kind]
            raise _quota_error(nomination, owner, pool, nomination.nominee_kind, f"suất {word}", used, limit)


def _quota_error(nomination: Nomination, owner: str, pool: Pool, category: str, what: str, used: int, limit: int):
    return unprocessable(
        "quota_exceeded",
        f"{owner} đã dùng {used}/{limit} {what} của {round_words(nomination)}.",
        rule="quota",
        pool=pool.code,
        category=category,
        used=used,
        limit=limit,
    )
