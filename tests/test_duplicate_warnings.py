"""The name-only duplicate warning: another nomination of the same campaign round with the same
name (case, spaces, diacritics aside) and birth year, no CCCD or tax code to tell them apart.
The office sees it with the codes it may read; proposers never; no false positives on common
names with another birth year or another CCCD."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from test_pages_support import Browser

from tdkt.models import Nomination, RoleAssignment, Unit, User, db
from tdkt.workflow import duplicate_warnings, nominations

from factories import actor, nomination_in, step, user

WARNING = "Có hồ sơ khác trùng họ tên và năm sinh trong đợt này"


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


def test_the_office_is_warned_of_a_name_and_birth_year_match(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Nguyễn Văn Bình", birth_year=1970)
    decomposed = unicodedata.normalize("NFD", "  nguyễn  VĂN bình ")
    other = returned_as("xa.laihoa", nominee_name=decomposed, birth_year=1970)
    db.session.commit()
    for office in ("vpdp", "noivu", "chutich", "kiemtra", "admin"):
        assert warning_codes(office, app, first) == [other.code], office
    assert warning_codes("vpdp", app, other) == [first.code]
    text = Browser(app, "vpdp").get(f"/nominations/{first.id}").text("duplicate-warning")
    assert f"{WARNING} (mã {other.code})." in text


def test_proposers_never_see_it(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Trần Thị Hoa", birth_year=1965)
    other = returned_as("xa.laihoa", nominee_name="Trần Thị Hoa", birth_year=1965)
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
    returned_as("xa.laihoa", nominee_name="Lê Văn Tám", birth_year=1980)
    db.session.commit()
    assert warning_codes("kiemtra.xa", app, first) is None
    same_commune = returned_as("xa.vinhhiep", nominee_name="LÊ VĂN TÁM", birth_year=1980)
    db.session.commit()
    assert warning_codes("kiemtra.xa", app, first) == [same_commune.code]


def test_no_false_positives_on_common_names(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Nguyễn Văn An", birth_year=1975, id_number="084075000001")
    returned_as("xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1976)  # another birth year
    returned_as("xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1975, id_number="084075000002")  # another CCCD
    returned_as("xa.laihoa", nominee_name="Nguyễn Văn Ân", birth_year=1975, id_number="084075000003")  # folds alike
    returned_as("xa.laihoa", nominee_name="Nguyễn Văn Anh", birth_year=1975)  # another name
    draft = nomination_in("draft", "xa.laihoa", nominee_name="Nguyễn Văn An", birth_year=1975)  # holds no slot
    withdrawn = step(nomination_in("draft", "xa.laihoa"), "xa.laihoa", "withdraw", {"comment": "Rút"})
    # A withdrawn nomination no longer competes; a proposer cannot edit it, so rename it here.
    withdrawn.nominee_name, withdrawn.birth_year = "Nguyễn Văn An", 1975
    db.session.commit()
    assert warning_codes("vpdp", app, first) is None
    assert duplicate_warnings.name_matches(user("admin"), first) == []
    assert draft.state == "draft"


def test_a_cccd_on_one_side_only_does_not_settle_it(app):
    first = nomination_in("submitted", "xa.vinhhiep", nominee_name="Phạm Thị Lan", birth_year=1958, id_number="084158000009")
    other = returned_as("xa.laihoa", nominee_name="Phạm Thị Lan", birth_year=1958)
    db.session.commit()
    assert warning_codes("vpdp", app, first) == [other.code]
