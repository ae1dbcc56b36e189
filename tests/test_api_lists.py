"""Lists and tokens: order, keyset pages, comma filters, accent-free search, each role's task
queue, token revocation and expiry, and the failed-login rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tdkt.models import ApiToken, AuditEvent, Nomination, Unit, db, utcnow

from factories import nomination_in
from matrix_support import API, assert_error, call, walk

PASSWORD = "demo-2026!"


def ids(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


@pytest.fixture
def drafts(app):
    """Eight drafts of Xã Vĩnh Hiệp; three of them created at the very same earlier instant,
    so the order and the pages must fall back on the id."""
    made = [nomination_in("draft", nominee_name=f"Người số {i}").id for i in range(8)]
    same = utcnow() - timedelta(minutes=5)
    db.session.execute(update(Nomination).where(Nomination.id.in_(made[2:5])).values(created_at=same))
    db.session.commit()
    return made


def newest_first(nomination_ids) -> list[int]:
    rows = db.session.execute(
        select(Nomination.id, Nomination.created_at).where(Nomination.id.in_(nomination_ids))
    ).all()
    return [i for i, _ in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)]


def test_nominations_are_newest_first_then_highest_id(drafts, api):
    listed = ids(walk(api("xa.vinhhiep"), f"{API}/nominations"))
    assert listed == newest_first(drafts)
    # The three created at one instant come last (the earliest instant), by id descending.
    assert listed[-3:] == sorted(drafts[2:5], reverse=True)


def test_every_page_size_walks_the_list_once(drafts, api):
    for limit in (1, 2, 3, 7, 8, 200):
        _walk_in_pages(api("xa.vinhhiep"), drafts, limit)


def _walk_in_pages(client, drafts: list[int], limit: int) -> None:
    pages = []
    cursor = None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        body = call(client, "GET", f"{API}/nominations", query_string=params).get_json()
        assert 1 <= len(body["items"]) <= limit
        pages.append(ids(body["items"]))
        cursor = body["next_cursor"]
        if cursor is None:
            break
    flat = [i for page in pages for i in page]
    assert flat == newest_first(drafts)
    assert len(pages) == -(-len(drafts) // limit), limit


def test_a_nomination_created_while_paging_neither_repeats_nor_hides_another(drafts, api):
    client = api("xa.vinhhiep")
    first = call(client, "GET", f"{API}/nominations", query_string={"limit": 3}).get_json()
    nomination_in("draft", nominee_name="Người đến sau")
    db.session.commit()
    rest = walk(client, f"{API}/nominations", limit=3, cursor=first["next_cursor"])
    assert ids(first["items"]) + ids(rest) == newest_first(drafts)


def test_filters_take_several_comma_separated_values(app, api):
    vh = {s: nomination_in(s, nominee_name=f"Vĩnh Hiệp {s}").id for s in ("draft", "submitted", "returned", "approved")}
    lh = {s: nomination_in(s, "xa.laihoa", nominee_name=f"Lai Hòa {s}").id for s in ("submitted", "council_review")}
    db.session.commit()
    admin = api("admin")
    units = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(["VC-VHIEP", "VC-LHOA"]))).all())

    def listed(**params) -> set[int]:
        return set(ids(walk(admin, f"{API}/nominations", **params)))

    assert listed(state="submitted,returned") == {vh["submitted"], vh["returned"], lh["submitted"]}
    assert listed(state="draft, approved ,council_review") == {vh["draft"], vh["approved"], lh["council_review"]}
    assert listed(unit_id=f"{units['VC-VHIEP']},{units['VC-LHOA']}") == set(vh.values()) | set(lh.values())
    assert listed(unit_id=str(units["VC-LHOA"]), state="submitted,draft") == {lh["submitted"]}
    both_campaigns = listed(campaign_id=f"{nomination_campaign(vh['draft'])},999999")
    assert both_campaigns == set(vh.values()) | set(lh.values())
    tasks = set(ids(walk(api("vpdp"), f"{API}/tasks", state="submitted,council_review")))
    assert tasks == {vh["submitted"], lh["submitted"]}


def nomination_campaign(nomination_id: int) -> int:
    return db.session.scalar(select(Nomination.campaign_id).where(Nomination.id == nomination_id))


# q, finds "Nguyễn Văn A", finds "Trần Thị Bích" (both of Xã Vĩnh Hiệp)
SEARCHES = [
    ("nguyen van a", True, False),
    ("NGUYỄN VĂN A", True, False),
    ("Nguyên Vân Â", True, False),
    ("nguyễn   văn\ta", True, False),
    ("van a nguyen", True, False),
    ("tran thi bich", False, True),
    ("vinh hiep", True, True),
    ("nguyen van b", False, False),
    ("lai hoa", False, False),
]


def test_q_ignores_accents_case_and_spacing(app, api):
    target = nomination_in("draft", nominee_name="Nguyễn Văn A").id
    other = nomination_in("draft", nominee_name="Trần Thị Bích").id
    db.session.commit()
    for q, target_found, other_found in SEARCHES:
        listed = set(ids(walk(api("xa.vinhhiep"), f"{API}/nominations", q=q)))
        assert (target in listed, other in listed) == (target_found, other_found), q


def test_q_folds_dd_to_d_and_matches_the_unit_name(app, api):
    dang = nomination_in("draft", nominee_name="Đặng Thị Đào").id
    dang_plain = nomination_in("draft", nominee_name="Dang Van Dao").id
    lai_hoa = nomination_in("draft", "xa.laihoa", nominee_name="Lâm Văn Sơn").id
    db.session.commit()
    admin = api("admin")
    assert dang in ids(walk(admin, f"{API}/nominations", q="dang thi dao"))
    assert set(ids(walk(admin, f"{API}/nominations", q="đặng"))) >= {dang}
    assert lai_hoa in ids(walk(admin, f"{API}/nominations", q="xa lai hoa"))
    assert dang_plain not in ids(walk(admin, f"{API}/nominations", q="xã lai hòa"))
    assert ids(walk(admin, f"{API}/nominations", q="%")) == []
    assert ids(walk(admin, f"{API}/nominations", q="_")) == []


# -- tasks -----------------------------------------------------------------------------------

TASK_STATES = ["draft", "submitted", "in_appraisal", "returned", "council_review", "awaiting_signature", "approved"]
# API.md: what waits for one of the caller's roles; in appraisal only for its assignee (vpdp).
QUEUES = {
    "xa.vinhhiep": {"draft", "returned"},
    "xa.laihoa": set(),
    "vpdp": {"submitted", "in_appraisal"},
    "vpdp2": {"submitted"},
    "noivu": {"council_review"},
    "chutich": {"awaiting_signature"},
    "phochutich": {"awaiting_signature"},
    "kiemtra": set(),
    "admin": set(),
}


def test_each_role_sees_its_own_queue(app, api):
    by_state = {s: nomination_in(s, nominee_name=f"Hồ sơ {s}").id for s in TASK_STATES}
    db.session.commit()
    for username, states in QUEUES.items():
        listed = walk(api(username), f"{API}/tasks", limit=1)
        assert set(ids(listed)) == {by_state[s] for s in states}, username
        assert all(item["holder_role"] is not None for item in listed)


def test_tasks_are_ordered_by_due_date_then_stage_entry(app, api):
    made = [nomination_in("submitted", nominee_name=f"Chờ thẩm định {i}").id for i in range(4)]
    db.session.commit()
    rows = db.session.execute(
        select(Nomination.id, Nomination.stage_due_on, Nomination.stage_entered_at).where(Nomination.id.in_(made))
    ).all()
    far = utcnow().date() + timedelta(days=10**5)
    expected = [r.id for r in sorted(rows, key=lambda r: (r.stage_due_on or far, r.stage_entered_at, r.id))]
    listed = [i for i in ids(walk(api("vpdp2"), f"{API}/tasks", limit=1)) if i in made]
    assert listed == expected


# -- tokens ------------------------------------------------------------------------------------


def token_for(client, username: str, remote_addr: str = "127.0.0.1"):
    return client.post(
        f"{API}/auth/token",
        json={"username": username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": remote_addr},
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_revoked_token_is_refused_and_only_that_one(client):
    first = token_for(client, "vpdp").get_json()["token"]
    second = token_for(client, "vpdp").get_json()["token"]
    assert client.get(f"{API}/me", headers=bearer(first)).status_code == 200
    assert client.delete(f"{API}/auth/token", headers=bearer(first)).status_code == 204
    for call_ in (
        lambda: client.get(f"{API}/me", headers=bearer(first)),
        lambda: client.get(f"{API}/nominations", headers=bearer(first)),
        lambda: client.delete(f"{API}/auth/token", headers=bearer(first)),
    ):
        assert_error(call_(), 401, "unauthenticated")
    assert client.get(f"{API}/me", headers=bearer(second)).status_code == 200
    revoked = db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_not(None))).all()
    assert len(revoked) == 1


def test_an_expired_token_is_refused(client):
    issued = token_for(client, "kiemtra").get_json()
    assert client.get(f"{API}/me", headers=bearer(issued["token"])).status_code == 200
    row = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_error(client.get(f"{API}/me", headers=bearer(issued["token"])), 401, "unauthenticated")


def test_a_missing_or_wrong_token_is_401(client):
    for header in (None, "Bearer", "Bearer ", "Basic dnBkcDpkZW1vLTIwMjYh", "Bearer not-a-token", "bearer  x y"):
        headers = {"Authorization": header} if header is not None else {}
        assert_error(client.get(f"{API}/me", headers=headers), 401, "unauthenticated")


def test_token_lifetime_is_the_configured_one(app, client):
    body = token_for(client, "noivu").get_json()
    row = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    lifetime = row.expires_at - row.created_at
    assert abs(lifetime - timedelta(hours=app.config["TOKEN_TTL_HOURS"])) < timedelta(seconds=5)
    assert body["expires_at"].endswith("+07:00")


# -- the failed-login rate limit ------------------------------------------------------------------


def failed_login(client, username: str, remote_addr: str = "10.0.0.1"):
    return client.post(
        f"{API}/auth/token",
        json={"username": username, "password": "sai-mat-khau"},
        environ_base={"REMOTE_ADDR": remote_addr},
    )


def test_the_sixth_failed_login_is_429_rate_limited(client):
    for _ in range(5):
        assert_error(failed_login(client, "vpdp"), 401, "unauthenticated")
    details = assert_error(failed_login(client, "vpdp"), 429, "rate_limited")
    assert isinstance(details, dict)
    # Now even the right password waits: the limit is on attempts, not on failures alone.
    assert_error(token_for(client, "vpdp", "10.0.0.1"), 429, "rate_limited")
    # Another username from that address, and that username from another address, still may try.
    assert_error(failed_login(client, "vpdp2"), 401, "unauthenticated")
    assert token_for(client, "vpdp", "10.0.0.2").status_code == 200
    failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(failures) >= 6


def test_successful_logins_do_not_count_toward_the_limit(client):
    for _ in range(8):
        assert token_for(client, "chutich", "10.0.0.3").status_code == 200
    for _ in range(5):
        assert_error(failed_login(client, "chutich", "10.0.0.3"), 401, "unauthenticated")
    assert_error(failed_login(client, "chutich", "10.0.0.3"), 429, "rate_limited")
