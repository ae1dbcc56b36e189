"""The Hà Nam attestations in the browser: the proposer answers each criterion that applies
to the dossier yes or no with its evidence (CSRF checked), saved as the API saves them; a
"Có" without evidence is refused in Vietnamese and nothing changes; the nomination page shows
the answers to everyone who reads it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_pages_support import Browser

from tdkt.models import (
    AuditEvent,
    AwardForm,
    Nomination,
    NominationAttestation,
    Pool,
    PoolCategory,
    RoleAssignment,
    Unit,
    User,
    db,
)
from tdkt.workflow import nominations
from tdkt.workflow.attestations import EVIDENCE_MAX_LENGTH
from tdkt.workflow.auth import hash_password

from conftest import DEMO_PASSWORD, Api
from factories import actor, campaign, open_now, step

NTM = "xa_ntm_nang_cao_kieu_mau"
NO_DEBT = "xa_khong_no_dong_xdcb"
NTM_NAME = "Xã đạt chuẩn nông thôn mới nâng cao hoặc nông thôn mới kiểu mẫu giai đoạn 2021 - 2025"


def _unit(code: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(code=code)).one()


def _add_user(username: str, unit_code: str, role: str) -> None:
    unit = _unit(unit_code)
    db.session.add(User(
        username=username, full_name=username, email=f"{username}@hn.invalid", unit=unit,
        password_hash=hash_password(DEMO_PASSWORD),
        assignments=[RoleAssignment(role=role, scope_unit=unit, capacity="chairman" if role == "signer" else None)],
    ))


@pytest.fixture
def commune_draft(app, monkeypatch):
    """A Hà Nam commune's draft for the commune's own collective award (two criteria apply),
    with CSRF protection on as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    hanam = campaign("HN-NTM-2021-2025")
    open_now(hanam, 1, 30)
    pool = Pool(code="HN-LN-NT", name="Xã Nhân Thịnh", unit=_unit("HN-LN-NT"))
    pool.categories = [PoolCategory(code="collective_commune", name="Xã", nominee_kind="collective")]
    hanam.pools.append(pool)
    _add_user("hn.xa", "HN-LN-NT", "proposer")
    _add_user("hn.td", "HN-LN", "appraiser")
    db.session.flush()
    form = next(f for f in hanam.award_forms if f.code == "GK-HN-LN")
    n = nominations.create(actor("hn.xa"), {
        "campaign_id": hanam.id, "award_form_id": form.id, "pool_id": hanam.pools[-1].id,
        "nominee_kind": "collective", "nominee_type": "collective", "category": "collective_commune",
        "nominee_name": "Nhân dân và cán bộ xã Nhân Thịnh", "achievement_summary": "Đạt chuẩn NTM kiểu mẫu.",
    })
    db.session.commit()
    return n


def _login(app, username: str) -> Browser:
    browser = Browser(app)
    token = browser.get("/login").value("csrf_token")
    assert browser.post("/login", {"username": username, "password": DEMO_PASSWORD, "csrf_token": token}).status == 302
    return browser


def _answers(n) -> dict[str, tuple[bool, str | None]]:
    rows = db.session.scalars(select(NominationAttestation).filter_by(nomination_id=n.id))
    return {r.criterion_code: (r.answer, r.evidence) for r in rows}


def _form(page, **answers) -> dict:
    """The page's own form (token, version, criteria in order) with the given answers:
    {index: (answer, evidence)}."""
    data = {"csrf_token": page.value("csrf_token"), "version": page.value("version")}
    for i in range(2):
        data[f"answers-{i}-criterion"] = page.value(f"answers-{i}-criterion")
    for i, (answer, evidence) in answers.items():
        data[f"answers-{int(i[1:])}-answer"] = answer
        data[f"answers-{int(i[1:])}-evidence"] = evidence
    return data


def _edits() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="edit"))


def test_the_proposer_answers_the_criteria_in_the_browser(app, commune_draft):
    n = commune_draft
    browser = _login(app, "hn.xa")
    detail = browser.get(f"/nominations/{n.id}")
    rows = [e["attrs"] for e in detail.elements if e["tag"] == "tr" and "data-criterion" in e["attrs"]]
    assert [(r["data-criterion"], r["data-answer"]) for r in rows] == [(NTM, ""), (NO_DEBT, "")]
    assert "attest" in detail.actions()

    page = browser.get(f"/nominations/{n.id}/attestations")
    assert page.status == 200
    assert [e["attrs"]["data-criterion"] for e in page.find(**{"class": "attestation"})] == [NTM, NO_DEBT]
    assert NTM_NAME in page.html
    version, edits = n.version, _edits()

    # "Có" needs its evidence: refused on that criterion's field, in Vietnamese, nothing saved.
    refused = browser.post(f"/nominations/{n.id}/attestations", _form(page, a0=("yes", "  "), a1=("no", "")))
    assert refused.status == 422
    assert refused.errors() == {"answers-0-evidence": f"Tiêu chí '{NTM_NAME}': cần ghi căn cứ, minh chứng"}
    assert refused.value("answers-1-answer") == "no"  # what was chosen stays
    db.session.expire_all()
    assert _answers(n) == {} and n.version == version and _edits() == edits

    # Without the form's token nothing is saved either.
    no_token = _form(page, a0=("yes", "QĐ 1234/QĐ-UBND ngày 10/10/2024"))
    del no_token["csrf_token"]
    assert browser.post(f"/nominations/{n.id}/attestations", no_token).status == 400
    db.session.expire_all()
    assert _answers(n) == {}

    saved = browser.post(f"/nominations/{n.id}/attestations", _form(
        page, a0=("yes", "QĐ 1234/QĐ-UBND ngày 10/10/2024"), a1=("no", "")))
    assert saved.status == 302 and saved.response.headers["Location"].endswith(f"/nominations/{n.id}#attestations")
    db.session.expire_all()
    assert _answers(n) == {NTM: (True, "QĐ 1234/QĐ-UBND ngày 10/10/2024"), NO_DEBT: (False, None)}
    assert n.version == version + 1
    event = db.session.scalars(select(AuditEvent).filter_by(action="edit").order_by(AuditEvent.id.desc())).first()
    assert event.actor.username == "hn.xa" and event.nomination_id == n.id
    assert event.changes == {
        f"attestations.{NTM}": [[None, None], [True, "QĐ 1234/QĐ-UBND ngày 10/10/2024"]],
        f"attestations.{NO_DEBT}": [[None, None], [False, None]],
    }
    shown = browser.get(f"/nominations/{n.id}")
    rows = [e for e in shown.elements if e["tag"] == "tr" and "data-criterion" in e["attrs"]]
    assert [(r["attrs"]["data-answer"], " ".join("".join(r["text"]).split())) for r in rows] == [
        ("yes", f"{NTM_NAME} Có QĐ 1234/QĐ-UBND ngày 10/10/2024"),
        ("no", "Không nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới Không —"),
    ]
    # The form opens with the saved answers; a blank answer leaves the criterion as it was.
    again = browser.get(f"/nominations/{n.id}/attestations")
    assert (again.value("answers-0-answer"), again.value("answers-0-evidence")) == ("yes", "QĐ 1234/QĐ-UBND ngày 10/10/2024")
    data = _form(again, a1=("yes", "Báo cáo của UBND huyện ngày 01/11/2024"))
    assert browser.post(f"/nominations/{n.id}/attestations", data).status == 302
    db.session.expire_all()
    assert _answers(n)[NTM] == (True, "QĐ 1234/QĐ-UBND ngày 10/10/2024")
    assert step(n, "hn.xa", "submit").state == "submitted"


def test_a_stale_form_is_refused_and_the_answers_stay_typed(app, commune_draft):
    n = commune_draft
    browser = _login(app, "hn.xa")
    page = browser.get(f"/nominations/{n.id}/attestations")
    nominations.update(actor("hn.xa"), n.id, {"version": n.version, "position": "Xã"})
    db.session.commit()
    stale = browser.post(f"/nominations/{n.id}/attestations", _form(page, a0=("yes", "QĐ 1234")))
    assert stale.status == 409
    assert stale.message() == "Hồ sơ đã được người khác thay đổi, vui lòng tải lại."
    assert stale.value("answers-0-evidence") == "QĐ 1234"
    db.session.expire_all()
    assert _answers(n) == {}


def test_once_submitted_the_answers_are_read_only(app, commune_draft):
    n = commune_draft
    browser = _login(app, "hn.xa")
    page = browser.get(f"/nominations/{n.id}/attestations")
    browser.post(f"/nominations/{n.id}/attestations", _form(
        page, a0=("yes", "QĐ 1234/QĐ-UBND"), a1=("yes", "Báo cáo quyết toán 2024")))
    db.session.expire_all()
    submitted = step(n, "hn.xa", "submit")
    db.session.commit()
    assert browser.get(f"/nominations/{n.id}/attestations").status == 409
    late = browser.post(f"/nominations/{n.id}/attestations", _form(page, a0=("no", "")))
    assert late.status == 409
    shown = browser.get(f"/nominations/{n.id}")
    assert "attest" not in shown.actions()
    appraiser = _login(app, "hn.td")
    assert appraiser.get(f"/nominations/{submitted.id}/attestations").status == 403
    office_view = appraiser.get(f"/nominations/{submitted.id}")
    assert "Báo cáo quyết toán 2024" in office_view.text("attestations")
    db.session.expire_all()
    assert _answers(n)[NTM] == (True, "QĐ 1234/QĐ-UBND")


def test_the_proposer_chooses_the_award_form_and_sees_its_chain(app, commune_draft):
    """The form offers the campaign's award forms; a Bằng khen of the province is filed from
    the browser, and its page shows the two levels and the criteria to answer."""
    hanam = commune_draft.campaign
    bang_khen = db.session.scalars(select(AwardForm).filter_by(code="BK-CT-HN")).one()
    browser = _login(app, "hn.xa")
    form = browser.get("/nominations/new")
    assert form.options("award_form_id") == {str(f.id): f.name for f in hanam.award_forms}
    assert form.value("award_form_id") == str(hanam.award_forms[0].id)
    data = {
        "csrf_token": form.value("csrf_token"), "campaign_id": str(hanam.id), "award_form_id": str(bang_khen.id),
        "pool_id": str(hanam.pools[-1].id), "nominee_kind": "collective", "nominee_type": "collective",
        "category": "collective_commune", "gender": "", "nominee_name": "Nhân dân và cán bộ xã Nhân Thịnh",
        "achievement_summary": "Đạt chuẩn nông thôn mới kiểu mẫu năm 2024.",
    }
    vinh_chau_form = db.session.scalars(select(AwardForm).filter_by(code="GK-CT-VC")).one()
    refused = browser.post("/nominations/new", data | {"award_form_id": str(vinh_chau_form.id)})
    assert refused.status == 422
    assert refused.errors() == {"award_form_id": "Hình thức khen thưởng không thuộc đợt thi đua này"}
    created = browser.post("/nominations/new", data)
    assert created.status == 302
    # The commune's draft of the fixture, and the one filed here: nothing of the refused form.
    _, n = db.session.scalars(select(Nomination).filter_by(nominee_name="Nhân dân và cán bộ xã Nhân Thịnh")
                              .order_by(Nomination.id)).all()
    assert n.award_form_id == bang_khen.id
    page = browser.get(f"/nominations/{n.id}")
    assert [e["attrs"]["data-status"] for e in page.elements if "data-status" in e["attrs"]] == ["current", "later"]
    assert [e["attrs"]["data-criterion"] for e in page.elements if e["tag"] == "tr" and "data-criterion" in e["attrs"]] == [
        NTM, NO_DEBT]
    assert browser.get(f"/nominations/{n.id}/edit").value("award_form_id") == str(bang_khen.id)


def test_a_criterion_answered_twice_is_refused_through_the_api_and_the_page(app, client, commune_draft):
    """One answer per criterion: two in one request are refused on that criterion, in Vietnamese,
    nothing saved (it was a uniqueness error, a 500)."""
    n = commune_draft
    version, edits = n.version, _edits()
    twice = [{"criterion": NTM, "answer": True, "evidence": "QĐ 1"}, {"criterion": NTM, "answer": False}]
    response = Api(client, "hn.xa").put(
        f"/api/v1/nominations/{n.id}/attestations", json={"version": n.version, "answers": twice}
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"]["fields"] == {
        f"criterion.{NTM}": f"Tiêu chí '{NTM}' được trả lời hai lần"
    }
    browser = _login(app, "hn.xa")
    page = browser.get(f"/nominations/{n.id}/attestations")
    data = _form(page, a0=("yes", "QĐ 1"), a1=("no", "")) | {"answers-1-criterion": NTM}
    refused = browser.post(f"/nominations/{n.id}/attestations", data)
    assert refused.status == 422
    assert f"Tiêu chí '{NTM}' được trả lời hai lần" in refused.errors().values()
    db.session.expire_all()
    assert _answers(n) == {} and n.version == version and _edits() == edits


def test_bad_answers_on_the_page_are_refused_in_vietnamese(app, commune_draft):
    n = commune_draft
    browser = _login(app, "hn.xa")
    page = browser.get(f"/nominations/{n.id}/attestations")
    refused = browser.post(f"/nominations/{n.id}/attestations", _form(
        page, a0=("có lẽ", "QĐ 1"), a1=("no", "x" * (EVIDENCE_MAX_LENGTH + 1))))
    assert refused.status == 422
    errors = refused.errors()
    assert set(errors) == {"answers-0-answer", "answers-1-evidence"}
    assert "Not a valid" not in " ".join(errors.values()) and "must be" not in " ".join(errors.values())
    assert errors["answers-0-answer"] == "Lựa chọn không hợp lệ."
    assert str(EVIDENCE_MAX_LENGTH) in errors["answers-1-evidence"]
    db.session.expire_all()
    assert _answers(n) == {}


def test_the_api_reads_the_answers_back_under_the_key_it_takes_them(app, client, commune_draft):
    n = commune_draft
    proposer = Api(client, "hn.xa")
    url = f"/api/v1/nominations/{n.id}/attestations"
    written = proposer.put(url, json={"version": n.version, "answers": [
        {"criterion": NTM, "answer": True, "evidence": "QĐ 1234/QĐ-UBND"}]})
    assert written.status_code == 200, written.get_json()
    read = proposer.get(url).get_json()
    assert read == written.get_json()
    assert set(read) == {"version", "answers"}
    assert read["answers"][0] == {"criterion": NTM, "name": NTM_NAME, "answer": True, "evidence": "QĐ 1234/QĐ-UBND"}
    assert read["answers"][1] == {"criterion": NO_DEBT, "name": read["answers"][1]["name"], "answer": None,
                                  "evidence": None}
