"""The duplicate warning for the office: another nomination of the same campaign round with the
same name (case, spaces, diacritics aside) which the rules let through because the birth years
differ or one is missing, with no CCCD or tax code to tell the two apart; for collectives, the
same name twice from one unit. The office sees it with the codes it may read; proposers never;
no false positives on common names with another CCCD, none where the rules refuse anyway."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select
from test_pages_support import Browser

from tdkt.models import Nomination, RoleAssignment, Unit, User, db
from tdkt.workflow import duplicate_warnings, nominations
from tdkt.workflow.errors import WorkflowError

from factories import actor, nomination_in, step, user

OFFICE = ("vpdp", "noivu", "chutich", "kiemtra", "admin")
COLLECTIVE = {"nominee_kind": "collective", "nominee_type": "collective", "category": "collective_hamlet",
              "birth_year": None, "contribution_vnd": None}


def returned_as(proposer: str, **fields) -> Nomination:
    """A nomination of another nominee, submitted, returned and then edited by its proposer to
    `fields`: it holds a slot without having been checked again."""
    n = nomination_in("returned", proposer)
    return nominations.update(actor(proposer), n.id, {"version": n.version} | fields)


def warning_codes(username: str, app, n: Nomination) -> list[str] | None:
    page = Browser(app, username).get(f"/nominations/{n.id}")
    assert page.status == 200
    found = page.find(id="duplicate-warning")
    if not found:
        return None
    start = page.elements.index(found[0])
    return ["".join(e["text"]) for e in page.elements[start:] if "data-duplicate-id" in e["attrs"]]


def test_the_office_is_warned_of_a_common_name_with_another_birth_year(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Nguyễn Văn Bình", birth_year=1970)
    decomposed = unicodedata.normalize("NFD", "  nguyễn  VĂN bình ")
    other = nomination_in("submitted", "xa.laihoa", nominee_name=decomposed, birth_year=1971)
    db.session.commit()
    for office in OFFICE:
        assert warning_codes(office, app, first) == [other.code], office
    assert warning_codes("vpdp", app, other) == [first.code]
    page = Browser(app, "vpdp").get(f"/nominations/{first.id}")
    assert page.text("duplicate-warning") == (
        f"Cảnh báo trùng đối tượng Có hồ sơ khác cùng tên đối tượng trong đợt này (mã {other.code}), có thể là "
        "cùng một đối tượng: năm sinh khác nhau hoặc chưa ghi, và không có số CCCD hoặc mã số thuế ở cả hai "
        "hồ sơ để phân biệt. Vui lòng kiểm tra trước khi thẩm định."
    )


def test_a_missing_birth_year_is_warned_of(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Đỗ Thị Mai", birth_year=1962)
    undated = nomination_in("submitted", "xa.laihoa", nominee_name="ĐỖ THỊ MAI", birth_year=None)
    also_undated = nomination_in("in_appraisal", "xa.laihoa", nominee_name="Đỗ Thị Mai", birth_year=None)
    db.session.commit()
    assert warning_codes("vpdp", app, first) == [undated.code, also_undated.code]
    assert warning_codes("vpdp", app, undated) == [first.code, also_undated.code]


def test_proposers_never_see_it(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Trần Thị Hoa", birth_year=1965)
    other = nomination_in("submitted", "xa.laihoa", nominee_name="Trần Thị Hoa", birth_year=1966)
    db.session.commit()
    for proposer, n, hidden in (("xa.vinhhiep", first, other), ("xa.laihoa", other, first)):
        page = Browser(app, proposer).get(f"/nominations/{n.id}")
        assert not page.find(id="duplicate-warning")
        assert hidden.code not in page.html


def test_only_codes_the_viewer_may_read_are_listed(app):
    """An auditor of one commune reads that commune's dossiers only: the other commune's match
    is neither named nor hinted at."""
    vinh_hiep = db.session.scalars(select(Unit).filter_by(code="VC-VHIEP")).one()
    db.session.add(User(
        username="kiemtra.xa", full_name="Kiểm tra xã", email="kiemtra.xa@demo.invalid", unit=vinh_hiep,
        password_hash=user("kiemtra").password_hash,
        assignments=[RoleAssignment(role="auditor", scope_unit=vinh_hiep)],
    ))
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Lê Văn Tám", birth_year=1980)
    nomination_in("submitted", "xa.laihoa", nominee_name="Lê Văn Tám", birth_year=1981)
    db.session.commit()
    assert warning_codes("kiemtra.xa", app, first) is None
    same_commune = nomination_in("submitted", "xa.vinhhiep", nominee_name="LÊ VĂN TÁM", birth_year=None)
    db.session.commit()
    assert warning_codes("kiemtra.xa", app, first) == [same_commune.code]


def test_no_false_positives_on_common_names(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Nguyễn Văn An", birth_year=1975, id_number="084075000001")
    nomination_in("submitted", "xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1976, id_number="084076000002")  # another CCCD
    nomination_in("submitted", "xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1975, id_number="084075000003")  # another CCCD, same year
    nomination_in("submitted", "xa.laihoa", nominee_name="Nguyễn Văn Anh", birth_year=1975)  # another name
    draft = nomination_in("draft", "xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1975)  # holds no slot
    withdrawn = nomination_in("withdrawn", "xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1940)
    rejected = nomination_in("rejected", "xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1941)
    db.session.commit()
    assert warning_codes("vpdp", app, first) is None
    assert duplicate_warnings.name_matches(user("admin"), first) == []
    assert (draft.state, withdrawn.state, rejected.state) == ("draft", "withdrawn", "rejected")
    # Withdrawn and rejected dossiers compete no more: no warning on their pages either.
    assert warning_codes("vpdp", app, withdrawn) is None


def test_a_cccd_on_one_side_only_does_not_settle_it(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Phạm Thị Lan", birth_year=1958, id_number="084158000009")
    other = nomination_in("submitted", "xa.laihoa", nominee_name="Phạm Thị Lan", birth_year=1959)
    db.session.commit()
    assert warning_codes("vpdp", app, first) == [other.code]


def test_no_warning_where_the_rules_refuse(app):
    """A returned dossier edited into the same name and birth year: the rules stop the pair at
    the next check, so the page does not warn of it as a mere possibility."""
    first = nomination_in("in_appraisal", "xa.vinhhiep", nominee_name="Võ Văn Kiệt", birth_year=1972)
    returned_as("xa.laihoa", nominee_name="Võ Văn Kiệt", birth_year=1972)
    db.session.commit()
    assert warning_codes("vpdp", app, first) is None
    with pytest.raises(WorkflowError) as refused:
        step(first, "vpdp", "pass_appraisal", {"comment": "Đạt"})
    assert refused.value.code == "duplicate_nominee"


def test_collectives_are_compared_within_the_proposing_unit(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Ấp Vĩnh Thành", **COLLECTIVE)
    again = nomination_in("submitted", "xa.vinhhiep", nominee_name="ấp  vĩnh thành", **COLLECTIVE)
    nomination_in("submitted", "xa.laihoa", nominee_name="Ấp Vĩnh Thành", **COLLECTIVE)  # another commune's hamlet
    nomination_in("submitted", "xa.vinhhiep", nominee_name="Vĩnh Thành", birth_year=1990)  # a person, not the hamlet
    db.session.commit()
    assert warning_codes("vpdp", app, first) == [again.code]
    assert warning_codes("vpdp", app, again) == [first.code]
    page = Browser(app, "vpdp").get(f"/nominations/{first.id}")
    assert page.text("duplicate-warning") == (
        f"Cảnh báo trùng đối tượng Đơn vị đã đề nghị tập thể cùng tên trong đợt này ở hồ sơ khác (mã {again.code}), "
        "có thể là cùng một tập thể được đề nghị hai lần. Vui lòng kiểm tra trước khi thẩm định."
    )


def test_collectives_with_different_tax_codes_are_two(app):
    organisation = COLLECTIVE | {"nominee_type": "organisation", "category": "collective_other", "contribution_vnd": 60_000_000}
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Hợp tác xã Vĩnh Hiệp", tax_code="2200111111", **organisation)
    nomination_in("submitted", "xa.vinhhiep", nominee_name="Hợp tác xã Vĩnh Hiệp", tax_code="2200222222", **organisation)
    db.session.commit()
    assert warning_codes("vpdp", app, first) is None
