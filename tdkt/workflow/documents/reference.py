"""The reference data documents cite, as rows an admin can correct: the legal basis of
decisions, the base salary, reward coefficients per award form. `ensure()` adds what is
missing and leaves existing rows as they are.

The coefficients are the sample figures of shared/reference/domain-notes.md (Giấy khen 0.3
individual / 0.6 collective, Bằng khen of a provincial Chairman 1.5 / 3.0, of the Prime
Minister 3.5 / 7.0, a household 1.5 times the individual amount); they are to be checked
against the decree in force, which is why they are data and not code.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...models import AwardForm, db
from ...models.documents import BaseSalary, LegalBasis, RewardCoefficient

# code, citation (after "Căn cứ"), position, valid from, valid until
LEGAL_BASES = [
    (
        "LUAT-TCCQDP-2015",
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung "
        "một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
        "22 tháng 11 năm 2019",
        10,
        None,
        date(2025, 6, 30),
    ),
    (
        "LUAT-TCCQDP-2025",
        "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
        10,
        date(2025, 7, 1),
        None,
    ),
    (
        "LUAT-TDKT-2003",
        "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
        "điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013",
        20,
        None,
        date(2023, 12, 31),
    ),
    (
        "LUAT-TDKT-2022",
        "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        20,
        date(2024, 1, 1),
        None,
    ),
    (
        "ND-91-2017",
        "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết "
        "thi hành một số điều của Luật Thi đua, khen thưởng",
        30,
        None,
        date(2023, 12, 31),
    ),
    (
        "ND-98-2023",
        "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
        "thi hành một số điều của Luật Thi đua, khen thưởng",
        30,
        date(2024, 1, 1),
        date(2025, 6, 30),
    ),
    (
        "ND-152-2025",
        "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật "
        "Thi đua, khen thưởng",
        30,
        date(2025, 7, 1),
        None,
    ),
]

# amount, valid from, source
BASE_SALARIES = [
    (1_490_000, date(2019, 7, 1), "Nghị định số 38/2019/NĐ-CP"),
    (1_800_000, date(2023, 7, 1), "Nghị định số 24/2023/NĐ-CP"),
    (2_340_000, date(2024, 7, 1), "Nghị định số 73/2024/NĐ-CP"),
]

# The decree eras the coefficients belong to: article cited, valid from, valid until.
ERAS = [
    ("Nghị định số 98/2023/NĐ-CP, mức tiền thưởng Bằng khen, Giấy khen", date(2024, 1, 1), date(2025, 6, 30)),
    ("Điều 54 Nghị định số 152/2025/NĐ-CP", date(2025, 7, 1), None),
]
# award form code -> (individual, collective) coefficients in thousandths
COEFFICIENTS = {
    "GK-CT-VC": (300, 600),
    "GK-HN-LN": (300, 600),
    "BK-CT-HN": (1500, 3000),
    "BK-TTG": (3500, 7000),
}
HOUSEHOLD_MULTIPLIER = 1500


def ensure_legal_bases() -> None:
    known = set(db.session.scalars(select(LegalBasis.code)))
    for code, citation, position, valid_from, valid_until in LEGAL_BASES:
        if code not in known:
            db.session.add(
                LegalBasis(
                    code=code,
                    citation=citation,
                    position=position,
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
            )


def ensure_base_salaries() -> None:
    known = set(db.session.scalars(select(BaseSalary.valid_from)))
    for amount, valid_from, source in BASE_SALARIES:
        if valid_from not in known:
            db.session.add(BaseSalary(amount_vnd=amount, valid_from=valid_from, source=source))


def ensure_coefficients() -> None:
    forms = {f.code: f for f in db.session.scalars(select(AwardForm))}
    known = {
        (row.award_form_id, row.recipient, row.valid_from)
        for row in db.session.execute(
            select(RewardCoefficient.award_form_id, RewardCoefficient.recipient, RewardCoefficient.valid_from)
        )
    }
    for code, (individual, collective) in COEFFICIENTS.items():
        form = forms.get(code)
        if form is None:
            continue
        rows = [
            ("individual", individual, 1000),
            ("collective", collective, 1000),
            ("household", individual, HOUSEHOLD_MULTIPLIER),
        ]
        for article, valid_from, valid_until in ERAS:
            for recipient, coefficient, multiplier in rows:
                if (form.id, recipient, valid_from) in known:
                    continue
                db.session.add(
                    RewardCoefficient(
                        award_form_id=form.id,
                        recipient=recipient,
                        coefficient_milli=coefficient,
                        multiplier_milli=multiplier,
                        article=article,
                        valid_from=valid_from,
                        valid_until=valid_until,
                    )
                )


def ensure() -> None:
    ensure_legal_bases()
    ensure_base_salaries()
    ensure_coefficients()
    db.session.flush()
