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
