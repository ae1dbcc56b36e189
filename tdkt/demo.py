"""The demo data of API.md: Vĩnh Châu town (2021), its special NTM campaign, the Hà Nam plan,
and one user per role. Idempotent: what exists (by code or username) is left as it is."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from .models import (
    AwardForm,
    Campaign,
    CampaignRound,
    ChainLevel,
    EligibilityCriterion,
    Pool,
    PoolCategory,
    RoleAssignment,
    Unit,
    User,
    db,
)
from .models.attachments import AttachmentRequirement
from .workflow.auth import hash_password
from .workflow.clock import local_today
from .workflow.documents import seed as documents_seed

# code, name, kind, parent, recognised, recognition decision
UNITS = [
    ("ST", "Tỉnh Sóc Trăng", "province", None, None),
    ("VC", "Thị xã Vĩnh Châu", "town", "ST", None),
    ("VC-VHIEP", "Xã Vĩnh Hiệp", "commune", "VC", ("1815/QĐ-UBND", date(2021, 8, 6))),
    ("VC-LHOA", "Xã Lai Hòa", "commune", "VC", ("2410/QĐ-UBND", date(2021, 10, 12))),
    ("VC-VTAN", "Xã Vĩnh Tân", "commune", "VC", None),
    ("VC-LACHOA", "Xã Lạc Hòa", "commune", "VC", None),
    ("VC-HDONG", "Xã Hòa Đông", "commune", "VC", None),
    ("VC-VHAI", "Xã Vĩnh Hải", "commune", "VC", None),
    ("VC-P1", "Phường 1", "ward", "VC", None),
    ("VC-P2", "Phường 2", "ward", "VC", None),
    ("VC-VPHUOC", "Phường Vĩnh Phước", "ward", "VC", None),
    ("VC-KHOA", "Phường Khánh Hòa", "ward", "VC", None),
    ("VC-PKT", "Phòng Kinh tế (Văn phòng Điều phối NTM)", "department", "VC", None),
    ("VC-PNV", "Phòng Nội vụ (Thường trực Hội đồng TĐKT)", "department", "VC", None),
    ("VC-PVHTT", "Phòng Văn hóa và Thông tin", "department", "VC", None),
    ("VC-MTTQ", "Ủy ban MTTQ Việt Nam thị xã", "organisation", "VC", None),
]
HAMLETS = {
    "VC-VHIEP": ("Ấp Tân Nam", "Ấp Tân Thành"),
    "VC-LHOA": ("Ấp Lai Hòa", "Ấp Xung Thum"),
    "VC-VTAN": ("Ấp Vĩnh Thành", "Ấp Trà Sết"),
    "VC-LACHOA": ("Ấp Âu Thọ A", "Ấp Âu Thọ B"),
    "VC-HDONG": ("Ấp Hòa Thành", "Ấp Hòa Phú"),
    "VC-VHAI": ("Ấp Huỳnh Ký", "Ấp Kosla"),
}
HA_NAM_UNITS = [
    ("HN", "Tỉnh Hà Nam", "province", None, None),
    ("HN-SNV", "Sở Nội vụ tỉnh Hà Nam", "department", "HN", None),
    ("HN-LN", "Huyện Lý Nhân", "town", "HN", None),
    ("HN-LN-NT", "Xã Nhân Thịnh", "commune", "HN-LN", ("112/QĐ-UBND", date(2020, 1, 15))),
]

# username, full name, member of, [(role, scope, capacity)]
USERS = [
    ("xa.vinhhiep", "Trần Thị Mỹ Linh", "VC-VHIEP", [("proposer", "VC-VHIEP", None)]),
    ("xa.laihoa", "Lâm Văn Sơn", "VC-LHOA", [("proposer", "VC-LHOA", None)]),
    ("xa.vinhtan", "Thạch Thị Sa Rươne", "VC-VTAN", [("proposer", "VC-VTAN", None)]),
    ("phong.vanhoa", "Nguyễn Hoàng Phúc", "VC-PVHTT", [("proposer", "VC-PVHTT", None)]),
    ("vpdp", "Lê Minh Tâm", "VC-PKT", [("appraiser", "VC", None)]),
    ("vpdp2", "Huỳnh Thị Kim Ngân", "VC-PKT", [("appraiser", "VC", None)]),
    ("noivu", "Phạm Quốc Việt", "VC-PNV", [("council_secretary", "VC", None)]),
    ("chutich", "Võ Văn Hùng", "VC", [("signer", "VC", "chairman")]),
    ("phochutich", "Đặng Thanh Bình", "VC", [("signer", "VC", "vice_chairman")]),
    ("kiemtra", "Sơn Thị Bích Trâm", "VC-MTTQ", [("auditor", "VC", None)]),
    ("admin", "Quản trị hệ thống", "ST", [("admin", "ST", None)]),
]

COMMUNE_CATEGORIES = [
    ("collective_hamlet", "Tập thể ấp, khóm", "collective", 1),
    ("collective_other", "Tập thể khác", "collective", 1),
    ("individual_cadre", "Cán bộ xã, người hoạt động ở ấp, đoàn thể", "individual", 1),
    ("individual_citizen", "Người dân, hộ gia đình, doanh nghiệp", "individual", 3),
]
SHARED_CATEGORIES = [
    ("collective_other", "Tập thể", "collective", None),
    ("individual_cadre", "Cán bộ, công chức", "individual", None),
    ("individual_citizen", "Người dân, hộ gia đình, doanh nghiệp", "individual", None),
]
TOWN_CATEGORIES = [
    ("collective_hamlet", "Tập thể ấp, khóm", "collective", 2),
    ("collective_commune", "Tập thể xã, phường", "collective", 2),
    ("collective_town", "Tập thể cấp thị xã", "collective", 2),
    ("individual_town_cadre", "Cán bộ cấp thị xã", "individual", 2),
    ("individual_cadre", "Cán bộ xã, người hoạt động ở ấp", "individual", 2),
    ("individual_citizen", "Người dân, hộ gia đình, doanh nghiệp", "individual", 6),
]


# Seed 000: citizens, households and enterprises qualify by a contribution of at least
# 50,000,000 VND (money, work, land or assets, converted).
# code, name, category, nominee type, minimum
VINH_CHAU_CONTRIBUTIONS = [
    ("min_contribution_citizen", "Người dân đóng góp từ 50.000.000 đồng", "individual_citizen", None, 50_000_000),
    ("min_contribution_household", "Hộ gia đình đóng góp từ 50.000.000 đồng", None, "household", 50_000_000),
    (
        "min_contribution_organisation",
        "Doanh nghiệp, tổ chức kinh tế đóng góp từ 50.000.000 đồng",
        None,
        "organisation",
        50_000_000,
    ),
]
# Seed 001, section VI.1: a preliminary review (sơ kết) in 2023 and the final review (tổng kết)
# in 2025, each taking dossiers in its own window (the plan gives the years; the days are the
# demo's). code, name, opens, closes
HA_NAM_ROUNDS = [
    ("SO-KET-2023", "Sơ kết 2023", date(2023, 3, 1), date(2023, 4, 30)),
    ("TONG-KET-2025", "Tổng kết 2025", date(2025, 6, 1), date(2025, 10, 31)),
]

# Seed 001, section V.1: yes/no attestations per subject group (category), with evidence.
# code, name, category
HA_NAM_ATTESTATIONS = [
    (
        "huyen_ntm_nang_cao",
        "Huyện đạt chuẩn nông thôn mới nâng cao; thị xã, thành phố hoàn thành nhiệm vụ xây dựng "
        "nông thôn mới giai đoạn 2021 - 2025",
        "collective_district",
    ),
    ("huyen_khong_no_dong_xdcb", "Không nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới", "collective_district"),
    (
        "xa_ntm_nang_cao_kieu_mau",
        "Xã đạt chuẩn nông thôn mới nâng cao hoặc nông thôn mới kiểu mẫu giai đoạn 2021 - 2025",
        "collective_commune",
    ),
    ("xa_khong_no_dong_xdcb", "Không nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới", "collective_commune"),
    ("dn_ocop_3_sao", "Có sản phẩm OCOP được xếp hạng từ 3 sao trở lên", "collective_enterprise"),
    ("cb_khong_vi_pham_ky_luat", "Không vi phạm kỷ luật trong giai đoạn 2021 - 2025", "individual_cadre"),
]


def _unit(code: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


def ensure_unit(code, name, kind, parent_code, recognition, **extra) -> Unit:
    unit = db.session.scalars(select(Unit).filter_by(code=code)).first()
    if unit is not None:
        return unit
    parent = _unit(parent_code) if parent_code else None
    unit = Unit(code=code, name=name, kind=kind, parent=parent, recognized=recognition is not None, **extra)
    if recognition:
        unit.recognition_decision_number, unit.recognition_decision_date = recognition
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def ensure_user(username, full_name, unit_code, roles, password_hash) -> User:
    user = db.session.scalars(select(User).filter_by(username=username)).first()
    if user is not None:
        return user
    user = User(
        username=username,
        full_name=full_name,
        email=f"{username}@demo.invalid",
        unit=_unit(unit_code),
        password_hash=password_hash,
    )
    user.assignments = [
        RoleAssignment(role=role, scope_unit=_unit(scope), capacity=capacity)
        for role, scope, capacity in roles
    ]
    db.session.add(user)
    return user


def _award_form(code, name, levels, pass_share=50) -> AwardForm:
    form = db.session.scalars(select(AwardForm).filter_by(code=code)).first()
    if form is not None:
        return form
    form = AwardForm(code=code, name=name, pass_share_percent=pass_share)
    form.levels = [
        ChainLevel(
            position=i,
            name=level_name,
            office_unit=_unit(office),
            appraising_unit=_unit(appraising) if appraising else None,
            council_unit=_unit(council) if council else None,
        )
        for i, (level_name, office, appraising, council) in enumerate(levels, start=1)
    ]
    db.session.add(form)
    return form


def _pool(code, name, unit, members, categories, limits, is_open=True, opens_on_recognition=False) -> Pool:
    pool = Pool(
        code=code,
        name=name,
        unit=unit,
        is_open=is_open,
        opens_on_recognition=opens_on_recognition,
        limit_collective=limits[0],
        limit_individual=limits[1],
        members=members,
    )
    pool.categories = [
        PoolCategory(code=c, name=n, nominee_kind=k, limit=lim) for c, n, k, lim in categories
    ]
    return pool


def seed_vinh_chau(password_hash: str) -> None:
    for code, name, kind, parent, recognition in UNITS:
        extra = {}
        if code == "VC":
            extra = {"abbreviation": "UBND", "place_name": "Vĩnh Châu"}
        ensure_unit(code, name, kind, parent, recognition, **extra)
    for commune, names in HAMLETS.items():
        for i, name in enumerate(names, start=1):
            ensure_unit(f"{commune}-A{i}", name, "hamlet", commune, None)
    for username, full_name, unit_code, roles in USERS:
        ensure_user(username, full_name, unit_code, roles, password_hash)

    form = _award_form(
        "GK-CT-VC",
        "Giấy khen của Chủ tịch UBND thị xã Vĩnh Châu",
        [("UBND thị xã Vĩnh Châu", "VC", "VC-PKT", "VC-PNV")],
    )
    if db.session.scalars(select(Campaign).filter_by(code="VC-NTM-2021")).first():
        return
    today = local_today()
    campaign = Campaign(
        code="VC-NTM-2021",
        name=(
            "Đợt thi đua đặc biệt thị xã Vĩnh Châu hoàn thành Chương trình mục tiêu quốc gia "
            "về xây dựng nông thôn mới"
        ),
        owner_unit=_unit("VC"),
        plan_number="/KH-UBND",
        plan_date=date(2021, 12, 1),
        period_starts_on=date(2021, 12, 1),
        period_ends_on=date(2022, 3, 31),
        submission_opens_on=today - timedelta(days=30),
        submission_closes_on=today + timedelta(days=180),
        award_forms=[form],
    )
    localities = [_unit(code) for code, _, kind, _, _ in UNITS if kind in ("commune", "ward")]
    shared_members = [_unit(c) for c in ("VC-PKT", "VC-PNV", "VC-PVHTT", "VC-MTTQ")] + localities
    campaign.pools = [
        _pool(u.code, f"Chỉ tiêu của {u.name}", u, [], COMMUNE_CATEGORIES, (2, 4)) for u in localities
    ] + [
        _pool("CQ-DT", "Cơ quan, đoàn thể thị xã", None, shared_members, SHARED_CATEGORIES, (2, 4)),
        _pool(
            "TX-HT",
            "Thị xã hoàn thành nhiệm vụ xây dựng nông thôn mới",
            _unit("VC"),
            [],
            TOWN_CATEGORIES,
            (6, 10),
            is_open=False,
            opens_on_recognition=True,  # when the town completes NTM (DESIGN §4)
        ),
    ]
    db.session.add(campaign)


def seed_ha_nam() -> None:
    for code, name, kind, parent, recognition in HA_NAM_UNITS:
        ensure_unit(code, name, kind, parent, recognition)
    district = [("Huyện Lý Nhân", "HN-LN", None, None)]
    province = [("UBND tỉnh Hà Nam", "HN", "HN-SNV", "HN-SNV")]
    forms = [
        _award_form("GK-HN-LN", "Giấy khen của Chủ tịch UBND huyện", district),
        _award_form("BK-CT-HN", "Bằng khen của Chủ tịch UBND tỉnh Hà Nam", district + province, 80),
        _award_form("BK-TTG", "Bằng khen của Thủ tướng Chính phủ", district + province, 90),
        _award_form("HCLD", "Huân chương Lao động", district + province, 90),
    ]
    if db.session.scalars(select(Campaign).filter_by(code="HN-NTM-2021-2025")).first():
        return
    db.session.add(
        Campaign(
            code="HN-NTM-2021-2025",
            name="Phong trào thi đua “Chung sức xây dựng nông thôn mới” tỉnh Hà Nam giai đoạn 2021 - 2025",
            owner_unit=_unit("HN"),
            period_starts_on=date(2021, 1, 1),
            period_ends_on=date(2025, 12, 31),
            submission_opens_on=HA_NAM_ROUNDS[0][2],
            submission_closes_on=HA_NAM_ROUNDS[-1][3],
            award_forms=forms,
        )
    )


def seed_rounds() -> None:
    """The Hà Nam plan's review rounds, added once to a campaign that has none; its overall
    window then spans them (it stays closed: both rounds are past)."""
    campaign = db.session.scalars(select(Campaign).filter_by(code="HN-NTM-2021-2025")).one()
    if campaign.rounds:
        return
    campaign.rounds = [
        CampaignRound(code=code, name=name, submission_opens_on=opens, submission_closes_on=closes, position=i)
        for i, (code, name, opens, closes) in enumerate(HA_NAM_ROUNDS, start=1)
    ]
    campaign.submission_opens_on = min(r.submission_opens_on for r in campaign.rounds)
    campaign.submission_closes_on = max(r.submission_closes_on for r in campaign.rounds)


def seed_criteria() -> None:
    """The campaigns' eligibility criteria, each added once (by campaign and code)."""
    wanted = {
        "VC-NTM-2021": [
            {"code": code, "kind": "min_contribution", "name": name, "category": category,
             "nominee_type": nominee_type, "min_vnd": minimum}
            for code, name, category, nominee_type, minimum in VINH_CHAU_CONTRIBUTIONS
        ],
        "HN-NTM-2021-2025": [
            {"code": code, "kind": "attestation", "name": name, "category": category}
            for code, name, category in HA_NAM_ATTESTATIONS
        ],
    }
    for campaign_code, criteria in wanted.items():
        campaign = db.session.scalars(select(Campaign).filter_by(code=campaign_code)).one()
        known = {c.code for c in campaign.criteria}
        for position, fields in enumerate(criteria, start=1):
            if fields["code"] not in known:
                campaign.criteria.append(EligibilityCriterion(position=position, **fields))


def seed_documents() -> None:
    """Legal basis, base salary, reward coefficients, templates and the demo's letterheads."""
    documents_seed.seed_demo()


# The papers the Hà Nam forms that reach the province require; the demo campaign requires none.
# (award form, category or None for every category, kind)
HA_NAM_CHECKLIST = [
    (form, category, kind)
    for form in ("BK-TTG", "HCLD")
    for category, kind in ((None, "bao_cao_thanh_tich"), ("collective", "quyet_dinh_cong_nhan"))
]


def seed_attachment_checklists() -> None:
    for form_code, category, kind in HA_NAM_CHECKLIST:
        form = db.session.scalars(select(AwardForm).filter_by(code=form_code)).one()
        wanted = {"award_form_id": form.id, "category": category, "kind": kind}
        if not db.session.scalars(select(AttachmentRequirement).filter_by(**wanted)).first():
            db.session.add(AttachmentRequirement(**wanted))


def seed(password: str) -> None:
    password_hash = hash_password(password)
    seed_vinh_chau(password_hash)
    seed_ha_nam()
    db.session.flush()
    seed_rounds()
    seed_criteria()
    seed_documents()
    seed_attachment_checklists()
    db.session.flush()
