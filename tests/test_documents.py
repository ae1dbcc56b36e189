"""Every generated document, reopened with python-docx: no tag left, every field filled, A4 with
NĐ 30 margins, Times New Roman on all four font slots, the Số and date lines, the Nơi nhận list,
signature blocks by capacity, reward money, names with markup intact, same inputs same bytes.
On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

import docx
import pytest
from sqlalchemy import select
from test_documents_support import (
    assert_letterhead,
    assert_recipients,
    assert_signed_ready,
    read,
    signature_block,
)

from tdkt.models import AuditEvent, db
from tdkt.workflow import engine
from tdkt.workflow.clock import local_today
from tdkt.workflow.documents import legal, service
from tdkt.workflow.documents.formatting import month_text
from tdkt.workflow.errors import WorkflowError

from factories import actor, campaign, nomination_in, step

MARKUP_NAME = "Hộ ông Trần Văn Tư & <Bà> \"Út\" 'Nhỏ'"
COLLECTIVE = {
    "nominee_kind": "collective",
    "nominee_type": "collective",
    "category": "collective_hamlet",
    "nominee_name": "Ấp Tân Nam",
    "address": "Ấp Tân Nam, xã Vĩnh Hiệp",
}


def yesterday() -> str:
    return (local_today() - timedelta(days=1)).isoformat()


def signed_together(*nominations, signer: str = "chutich"):
    """One decision for all: a bulk sign, as the Chairman does it."""
    items = [{"id": n.id, "version": n.version} for n in nominations]
    outcomes = engine.fire_many(actor(signer), "sign", {"items": items, "decision_date": yesterday()})
    assert all(o.error is None for o in outcomes), [o.error and o.error.message for o in outcomes]
    db.session.flush()
    return outcomes[0].nomination.decision


@pytest.fixture
def awarded(app):
    """A collective, a person and a household awarded by one decision of the Chairman."""
    waiting = [
        nomination_in("awaiting_signature", **COLLECTIVE),
        nomination_in("awaiting_signature", gender="male", position="Trưởng ấp Tân Nam"),
        nomination_in("awaiting_signature", nominee_type="household", nominee_name=MARKUP_NAME),
    ]
    decision = signed_together(*waiting)
    return decision, waiting


def as_user(username: str):
    return actor(username)


def make(kind: str, target: str, ident: int, username: str, **options) -> bytes:
    who = as_user(username)
    opts = service.Options(**options)
    produce = {
        "nomination": service.nomination_document,
        "campaign": service.campaign_document,
        "meeting": service.meeting_document,
        "decision": service.decision_document,
    }[target]
    return produce(who, ident, kind, opts).data


def test_the_decision_as_the_chairman_signs_it(awarded):
    decision, (collective, person, household) = awarded
    reading = read(make("quyet_dinh", "decision", decision.id, "chutich"))
    assert_signed_ready(reading)
    assert_letterhead(reading)
    assert_recipients(reading)
    [number] = reading.numbers()
    assert number["number"] == f"{decision.number:02d}" and number["symbol"] == "QĐ-UBND"
    [when] = reading.dates()
    assert when["place"] == "Vĩnh Châu"
    assert (when["day"], when["month"], when["year"]) == (
        f"{decision.date.day:02d}",
        month_text(decision.date.month),
        str(decision.date.year),
    )
    assert signature_block(reading, "Võ Văn Hùng")[-1] == "CHỦ TỊCH"
    assert "KT. CHỦ TỊCH" not in reading.lines
    text = reading.text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ VĨNH CHÂU" in reading.lines
    for basis in legal.in_force(decision.date):
        assert f"Căn cứ {basis.citation};" in reading.lines
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in reading.lines
    assert not any("98/2023" in line for line in reading.lines)
    assert "cho 01 tập thể và 02 cá nhân (có danh sách kèm theo)" in text
    # Điều 2: 0.6 and 0.3 × 2,340,000 rounded up to 10,000; a household 1.5 × the individual amount.
    assert "- Mỗi tập thể: 0,6 lần mức lương cơ sở, thành tiền 1.410.000 đồng;" in reading.lines
    assert "- Mỗi cá nhân: 0,3 lần mức lương cơ sở, thành tiền 710.000 đồng;" in reading.lines
    assert (
        "- Mỗi hộ gia đình: 1,5 lần mức tiền thưởng đối với cá nhân (0,3 lần mức lương cơ sở), "
        "thành tiền 1.070.000 đồng;" in reading.lines
    )
    total = 1_410_000 + 710_000 + 1_070_000
    assert "Tổng số tiền thưởng: 3.190.000 đồng (Bằng chữ: Ba triệu một trăm chín mươi nghìn đồng)." in reading.lines
    assert total == 3_190_000
    assert "Nguồn kinh phí: Quỹ Thi đua, khen thưởng thị xã Vĩnh Châu." in reading.lines
    assert any(line.startswith("Điều 3. ") for line in reading.lines)
    # The annex: collectives first, then individuals, each with its money.
    annex = reading.lines[reading.index("DANH SÁCH") :]
    assert annex.index("Ấp Tân Nam") < annex.index(person.nominee_name) < annex.index(MARKUP_NAME)
    assert annex[annex.index(MARKUP_NAME) + 2] == "1.070.000"
    assert any(
        line.startswith(f"(Kèm theo Quyết định số {decision.number:02d}/QĐ-UBND ngày ") for line in annex
    )


def test_a_vice_chairman_signs_for_the_chairman(app):
    waiting = nomination_in("awaiting_signature")
    signed = step(waiting, "phochutich", "sign", {"decision_date": None})
    reading = read(make("quyet_dinh", "decision", signed.decision_id, "phochutich"))
    assert_signed_ready(reading)
    assert signature_block(reading, "Đặng Thanh Bình") == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    certificate = read(make("giay_khen", "nomination", signed.id, "xa.vinhhiep"))
    assert signature_block(certificate, "Đặng Thanh Bình")[-2:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_the_copy_for_signature_leaves_number_and_day_blank(app):
    nomination_in("awaiting_signature")
    reading = read(make("quyet_dinh", "campaign", campaign().id, "noivu", capacity="vice_chairman"))
    assert_signed_ready(reading)
    today = local_today()
    assert "Số:     /QĐ-UBND" in reading.lines
    assert f"Vĩnh Châu, ngày     tháng {month_text(today.month)} năm {today.year}" in reading.lines
    assert signature_block(reading, "Đặng Thanh Bình") == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert any(line.startswith("(Kèm theo Quyết định số     /QĐ-UBND ngày     tháng ") for line in reading.lines)


def test_money_and_salary_follow_the_signing_day(awarded):
    """(The legal basis is recorded when the decision is signed: test_documents_legal_basis.py.)"""
    decision, _ = awarded
    decision.date = date(2025, 5, 10)  # a paper decision recorded late, under the previous decree
    db.session.flush()
    reading = read(make("quyet_dinh", "decision", decision.id, "chutich"))
    lines = reading.lines
    assert "Vĩnh Châu, ngày 10 tháng 5 năm 2025" in lines
    decision.date = date(2024, 3, 1)  # the base salary was 1,800,000 then
    db.session.flush()
    lines = read(make("quyet_dinh", "decision", decision.id, "chutich")).lines
    assert "- Mỗi cá nhân: 0,3 lần mức lương cơ sở, thành tiền 540.000 đồng;" in lines
    assert "Vĩnh Châu, ngày 01 tháng 3 năm 2024" in lines
    assert [b.code for b in legal.in_force(date(2023, 6, 1))] == ["LUAT-TCCQDP-2015", "LUAT-TDKT-2003", "ND-91-2017"]
    assert [b.code for b in legal.in_force(date(2025, 7, 1))] == ["LUAT-TCCQDP-2025", "LUAT-TDKT-2022", "ND-152-2025"]


def test_every_document_is_signed_ready(awarded):
    decision, (collective, person, household) = awarded
    meeting_id = person.council_meeting_id
    campaign_id = campaign().id
    documents = {
        "bao_cao_tap_the": make("bao_cao_thanh_tich", "nomination", collective.id, "xa.vinhhiep"),
        "bao_cao_ca_nhan": make("bao_cao_thanh_tich", "nomination", person.id, "xa.vinhhiep"),
        "to_trinh_unit": make("to_trinh", "campaign", campaign_id, "xa.vinhhiep", issuer="unit"),
        "to_trinh_office": make("to_trinh", "campaign", campaign_id, "vpdp", issuer="office"),
        "to_trinh_council": make("to_trinh", "campaign", campaign_id, "noivu", issuer="council"),
        "danh_sach": make("danh_sach", "campaign", campaign_id, "vpdp", issuer="office"),
        "bien_ban": make("bien_ban", "meeting", meeting_id, "noivu"),
        "giay_khen": make("giay_khen", "decision", decision.id, "chutich"),
        "giay_khen_phoi": make("giay_khen", "decision", decision.id, "chutich", layout="phoi"),
    }
    landscape = {"danh_sach", "giay_khen", "giay_khen_phoi"}
    readings = {}
    for name, data in documents.items():
        readings[name] = reading = read(data)
        assert_signed_ready(reading, landscape=name in landscape)
        for line in reading.lines:
            assert "()" not in line and " ," not in line, (name, line)
    for name in ("to_trinh_unit", "to_trinh_office", "to_trinh_council", "bien_ban"):
        assert_letterhead(readings[name])
        assert len(readings[name].numbers()) == 1 and len(readings[name].dates()) == 1, name
    for name in ("to_trinh_unit", "to_trinh_office", "to_trinh_council"):
        assert_recipients(readings[name])
        assert "Số:     /TTr-" in readings[name].text
    assert signature_block(readings["to_trinh_unit"], "Lý Văn Thành") == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert signature_block(readings["to_trinh_office"], "Lâm Quốc Khánh") == ["CHÁNH VĂN PHÒNG"]
    assert signature_block(readings["to_trinh_council"], "Nguyễn Thị Thu Hà") == [
        "TM. HỘI ĐỒNG",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
    ]
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân thị xã Vĩnh Châu." in readings["to_trinh_council"].lines

    minutes = readings["bien_ban"]
    assert minutes.numbers()[0]["number"] == "01" and minutes.numbers()[0]["symbol"] == "BB-HĐTĐKT"
    assert "THƯ KÝ" in minutes.lines and "CHỦ TRÌ" in minutes.lines
    assert signature_block(minutes, "Phạm Quốc Việt") == ["THƯ KÝ"]
    assert signature_block(minutes, "Nguyễn Thị Thu Hà") == ["CHỦ TRÌ"]
    assert any("tổng số thành viên Hội đồng 09 người; có mặt 08 người; vắng 01 người" in line for line in minutes.lines)
    assert minutes.lines.count("8/09") == 3 and minutes.lines.count("Đạt") == 3

    table = readings["danh_sach"]
    assert table.index("I. TẬP THỂ (01)") < table.index("Ấp Tân Nam") < table.index("II. CÁ NHÂN (02)")
    assert "Tổng cộng: 01 tập thể và 02 cá nhân." in table.lines

    report = readings["bao_cao_ca_nhan"]
    assert "- Giới tính: Nam." in report.lines and "- Chức vụ: Trưởng ấp Tân Nam." in report.lines
    assert "Tổng giá trị đóng góp quy đổi: 60.000.000 đồng (Sáu mươi triệu đồng)." in report.lines
    assert signature_block(report, person.nominee_name)[-2:] == ["NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)"]

    certificates = readings["giay_khen"]
    breaks = certificates.xml.count('w:type="page"')
    assert breaks == 2 and certificates.lines.count("GIẤY KHEN") == 3
    assert f"Ông {person.nominee_name}" in certificates.lines
    assert f"Quyết định số {decision.number:02d}/QĐ-UBND, ngày {decision.date:%d/%m/%Y}" in certificates.lines
    assert [line for line in certificates.lines if line.startswith("Số vào sổ: ")] == [
        "Số vào sổ: 01/GK",
        "Số vào sổ: 02/GK",
        "Số vào sổ: 03/GK",
    ]
    assert readings["giay_khen_phoi"].xml.count("w:framePr") == 9 * 3


def test_names_with_markup_and_diacritics_survive_every_kind(awarded):
    decision, (_, _, household) = awarded
    for data in (
        make("bao_cao_thanh_tich", "nomination", household.id, "xa.vinhhiep"),
        make("to_trinh", "nomination", household.id, "xa.vinhhiep"),
        make("danh_sach", "campaign", campaign().id, "xa.vinhhiep"),
        make("quyet_dinh", "decision", decision.id, "kiemtra"),
        make("giay_khen", "nomination", household.id, "xa.vinhhiep"),
    ):
        reading = read(data)
        assert any(MARKUP_NAME in line for line in reading.lines)
        assert "&amp;lt;" not in reading.xml and "&lt;Bà&gt;" in reading.xml


def test_same_inputs_give_the_same_bytes_and_the_hash_is_audited(awarded):
    decision, _ = awarded
    who = as_user("chutich")
    first = service.decision_document(who, decision.id, "quyet_dinh")
    second = service.decision_document(who, decision.id, "quyet_dinh")
    assert first.data == second.data
    assert first.sha256 == hashlib.sha256(first.data).hexdigest() == second.sha256
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document").order_by(AuditEvent.id.desc()).limit(2)
    ).all()
    for event in events:
        assert event.actor_id == who.user.id
        assert (event.object_type, event.object_id) == ("decision", decision.id)
        assert event.details == {
            "kind": "quyet_dinh",
            "format": "docx",
            "sha256": first.sha256,
            "template_kind": "quyet_dinh",
            "template_version": first.template_version,
        }
    # Another reader's certificates (only its own awardees) are another file, equally stable.
    mine = service.decision_document(as_user("xa.vinhhiep"), decision.id, "giay_khen")
    again = service.decision_document(as_user("xa.vinhhiep"), decision.id, "giay_khen")
    assert mine.sha256 == again.sha256


def test_register_numbers_do_not_depend_on_who_prints_first(awarded):
    decision, (collective, person, household) = awarded
    single = read(make("giay_khen", "nomination", household.id, "xa.vinhhiep"))
    assert "Số vào sổ: 03/GK" in single.lines
    whole = read(make("giay_khen", "decision", decision.id, "chutich"))
    assert [line for line in whole.lines if line.startswith("Số vào sổ")] == [
        "Số vào sổ: 01/GK",
        "Số vào sổ: 02/GK",
        "Số vào sổ: 03/GK",
    ]
    other = signed_together(nomination_in("awaiting_signature"))
    assert other.id != decision.id
    assert "Số vào sổ: 04/GK" in read(make("giay_khen", "decision", other.id, "chutich")).lines


def test_print_offsets_move_every_frame(awarded):
    from tdkt.workflow.documents import certificates

    decision, _ = awarded
    before = read(make("giay_khen", "decision", decision.id, "chutich", layout="phoi"))
    certificates.set_offsets(as_user("admin"), decision.issuer_unit, 5.0, -3.0)
    after = read(make("giay_khen", "decision", decision.id, "chutich", layout="phoi"))

    def frames(reading):
        from docx.oxml.ns import qn

        return [
            (int(f.get(qn("w:x"))), int(f.get(qn("w:y"))))
            for f in reading.document.element.body.iter(qn("w:framePr"))
        ]

    shifted = [(x + round(5 * 1440 / 25.4), y - round(3 * 1440 / 25.4)) for x, y in frames(before)]
    assert frames(after) == shifted
    with pytest.raises(WorkflowError) as refused:
        certificates.set_offsets(as_user("chutich"), decision.issuer_unit, 1.0, 1.0)
    assert refused.value.status == 403


def test_an_edited_template_is_used_next_and_issued_documents_keep_theirs(awarded, tmp_path):
    from tdkt.workflow.documents import templates

    decision, _ = awarded
    issued = make("quyet_dinh", "decision", decision.id, "chutich")
    # An office worker opens the template in Word, edits a paragraph and saves it.
    edited = docx.Document(io.BytesIO(templates.latest("quyet_dinh").content))
    paragraph = next(p for p in edited.paragraphs if p.text.startswith("Điều 3."))
    paragraph.runs[0].text = "Điều 3. Văn phòng HĐND và UBND thị xã & các đơn vị có liên quan thi hành Quyết định này./."
    buffer = io.BytesIO()
    edited.save(buffer)
    new = templates.upload(as_user("admin"), "quyet_dinh", buffer.getvalue(), "quyet_dinh_sua.docx", "Sửa Điều 3")
    assert new.version == 2
    assert make("quyet_dinh", "decision", decision.id, "chutich") == issued
    nomination_in("awaiting_signature")
    draft = read(make("quyet_dinh", "campaign", campaign().id, "noivu"))
    assert_signed_ready(draft)
    assert "Điều 3. Văn phòng HĐND và UBND thị xã & các đơn vị có liên quan thi hành Quyết định này./." in draft.lines
    upload_event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "document_template").order_by(AuditEvent.id.desc())
    ).first()
    assert upload_event.details["version"] == 2 and upload_event.details["sha256"] == new.sha256

    typo = docx.Document(io.BytesIO(templates.latest("quyet_dinh").content))
    typo.add_paragraph("{{ nominee_nmae }}")
    buffer = io.BytesIO()
    typo.save(buffer)
    for who, data, status in (
        ("admin", buffer.getvalue(), 422),
        ("admin", b"not a word file", 422),
        ("noivu", issued, 403),
    ):
        with pytest.raises(WorkflowError) as refused:
            templates.upload(as_user(who), "quyet_dinh", data, "x.docx")
        assert refused.value.status == status


def test_reports_need_an_achievement_and_letters_name_their_signer(app):
    from tdkt.models import Unit

    bare = nomination_in("draft", achievement_summary=None)
    with pytest.raises(WorkflowError) as refused:
        make("bao_cao_thanh_tich", "nomination", bare.id, "xa.vinhhiep")
    assert (refused.value.status, refused.value.code) == (409, "incomplete_nomination")
    # A unit whose signer nobody recorded cannot get a signed-ready letter.
    other = nomination_in("submitted", proposer="xa.laihoa")
    lai_hoa = db.session.scalars(select(Unit).filter_by(code="VC-LHOA")).one()
    from tdkt.models.documents import DocumentIssuer

    db.session.delete(db.session.scalars(select(DocumentIssuer).filter_by(unit_id=lai_hoa.id)).one())
    db.session.flush()
    with pytest.raises(WorkflowError) as refused:
        make("to_trinh", "nomination", other.id, "xa.laihoa")
    assert (refused.value.status, refused.value.code) == (409, "missing_reference_data")
    assert "Xã Lai Hòa" in refused.value.message


def test_a_submission_number_fills_the_letter(app):
    n = nomination_in("draft")
    n = step(n, "xa.vinhhiep", "submit", {"submission_number": "07/TTr-UBND", "submission_date": yesterday()})
    reading = read(make("to_trinh", "nomination", n.id, "xa.vinhhiep"))
    day = local_today() - timedelta(days=1)
    assert "Số: 07/TTr-UBND" in reading.lines
    assert f"Vĩnh Hiệp, ngày {day.day:02d} tháng {month_text(day.month)} năm {day.year}" in reading.lines


def test_the_documents_panel_lists_what_can_be_made_now(awarded):
    from tdkt.workflow.documents import catalog

    decision, (collective, person, household) = awarded
    waiting = nomination_in("awaiting_signature")
    proposer, secretary = as_user("xa.vinhhiep").user, as_user("noivu").user
    assert [a.kind for a in catalog.for_nomination(proposer, waiting)] == ["bao_cao_thanh_tich", "to_trinh"]
    approved = catalog.for_nomination(proposer, person)
    assert [(a.kind, a.params) for a in approved][-2:] == [("giay_khen", {}), ("giay_khen", {"layout": "phoi"})]
    assert {a.params["issuer"] for a in catalog.for_campaign(proposer, campaign())} == {"unit"}
    office = catalog.for_campaign(secretary, campaign())
    assert {a.params.get("issuer") for a in office if a.kind == "danh_sach"} == {"office", "council"}
    drafts = [a.params["capacity"] for a in office if a.kind == "quyet_dinh"]
    assert drafts == ["chairman", "vice_chairman"]
    meeting = person.council_meeting
    assert catalog.for_meeting(proposer, meeting) == []
    assert [a.kind for a in catalog.for_meeting(secretary, meeting)] == ["bien_ban"]
    # Everything listed for the proposer can indeed be made, with the parameters given.
    for entry in catalog.for_decision(proposer, decision):
        options = service.Options(**entry.params)
        assert service.decision_document(as_user("xa.vinhhiep"), decision.id, entry.kind, options).data
    for entry in catalog.for_campaign(proposer, campaign()):
        options = service.Options(**entry.params)
        assert service.campaign_document(as_user("xa.vinhhiep"), campaign().id, entry.kind, options).data
