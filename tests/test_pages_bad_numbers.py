"""Numbers typed into page URLs and forms: digits other than 0–9 ("²", "١٢"), which
str.isdigit() accepts, never make a 500; the page ignores them or says what is wrong."""

from __future__ import annotations

import pytest
from test_pages_support import Browser

from tdkt.models import db

from factories import nomination_in

ODD_DIGITS = ("²", "١٢", "٣")


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_list_limits_and_record_filters_ignore_odd_digits(app, odd):
    nomination_in("submitted")
    db.session.commit()
    browser = Browser(app, "vpdp")
    for url in (f"/nominations?limit={odd}", f"/decisions?campaign_id={odd}", f"/council-meetings?campaign_id={odd}"):
        page = browser.get(url)
        assert page.status == 200, url
    assert len(browser.get(f"/nominations?limit={odd}").rows("nominations")) == 1


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_bulk_rows_with_odd_digits_are_refused_and_nothing_changes(app, odd):
    n = nomination_in("submitted")
    db.session.commit()
    browser = Browser(app, "vpdp")
    page = browser.post("/queues/appraisal", [("trigger", "start_appraisal"), ("ids", odd)])
    assert page.status == 422 and page.message() == "Chưa chọn hồ sơ nào."
    page = browser.post("/queues/appraisal", [("trigger", "start_appraisal"), ("ids", str(n.id)), (f"version-{n.id}", odd)])
    assert page.status == 422
    failed = page.rows("results")[0]
    assert failed["data-ok"] == "false" and "Thiếu phiên bản của hồ sơ" in failed["text"]
    db.session.refresh(n)
    assert n.state == "submitted"


def test_council_votes_in_odd_digits_are_refused(app):
    n = nomination_in("council_review")
    db.session.commit()
    page = Browser(app, "noivu").post("/queues/council", [
        ("trigger", "submit_for_signature"), ("ids", str(n.id)), (f"version-{n.id}", str(n.version)),
        (f"votes_for-{n.id}", "²"),
    ])
    assert page.status == 422
    assert "Số phiếu phải là số nguyên không âm" in page.rows("results")[0]["text"]


def test_ids_beyond_the_columns_in_any_page_route_are_404(app):
    """Generated from app.url_map: the router refuses an id no INTEGER column can hold, so no
    view ever hands it to the database driver."""
    browser = Browser(app, "admin")
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule and not r.rule.startswith("/api/")]
    assert len(rules) >= 20
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(2**31)).replace(f"<{name}>", "x")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            page = browser.get(url) if method == "GET" else browser.post(url, {})
            assert page.status == 404, (method, url, page.status)


@pytest.mark.parametrize(
    ("number", "routed"),
    [(0, True), (999_999_999, True), (2_147_483_639, True), (2**31 - 1, True), (2**31, False),
     (2_147_483_650, False), (2_200_000_000, False), (9_999_999_999, False), (10**20, False)],
)
def test_the_router_takes_exactly_the_integer_columns_range(app, number, routed):
    adapter = app.url_map.bind("localhost")
    assert adapter.test(f"/decisions/{number}", method="GET") is routed
