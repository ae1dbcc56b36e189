"""Lists: filters, accent-free search, keyset pages, dates and times as read in Việt Nam,
counts per state in "Việc của tôi"; assets served from the app itself."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from test_pages_support import Browser

from tdkt.models import db
from tdkt.web.pages.present import day, moment, vnd

from factories import nomination_in


def _ids(page, table="nominations") -> list[int]:
    return [int(r["data-nomination-id"]) for r in page.rows(table)]


def test_filters_by_state_and_search_without_accents(app):
    anh = nomination_in("submitted", nominee_name="Nguyễn Văn Ánh")
    binh = nomination_in("draft", nominee_name="Trần Thị Bình")
    dong = nomination_in("submitted", nominee_name="Lê Văn Đông")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    assert _ids(browser.get("/nominations?q=nguyen+van+anh")) == [anh.id]
    assert _ids(browser.get("/nominations?q=ĐÔNG")) == [dong.id]
    assert _ids(browser.get("/nominations?q=dong")) == [dong.id]  # đ folds to d
    assert set(_ids(browser.get("/nominations?q=vinh+hiep"))) == {anh.id, binh.id, dong.id}  # unit names too
    assert set(_ids(browser.get("/nominations?state=submitted"))) == {anh.id, dong.id}
    both = browser.get("/nominations?state=submitted&state=draft&q=van")
    assert set(_ids(both)) == {anh.id, dong.id}
    ticked = [e for e in both.find(name="state") if "checked" in e["attrs"]]
    assert sorted(e["attrs"]["value"] for e in ticked) == ["draft", "submitted"]  # filters stay ticked
    campaign_id = anh.campaign_id
    assert set(_ids(browser.get(f"/nominations?campaign_id={campaign_id}&q=binh"))) == {binh.id}


def test_bad_filter_values_are_reported_and_ignored(app):
    nomination_in("submitted")
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").get("/nominations?state=mystery&campaign_id=999999")
    assert page.status == 200
    assert "&#39;mystery&#39; không phải lựa chọn hợp lệ." in page.html  # the state
    assert "Lựa chọn không hợp lệ." in page.html  # the campaign
    assert len(_ids(page)) == 1


def test_keyset_pages_cover_everything_once(app):
    made = [nomination_in("draft") for _ in range(5)]
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    seen, url = [], "/nominations?limit=2"
    for _ in range(10):
        page = browser.get(url)
        seen += _ids(page)
        following = page.find(id="page-next")
        if not following:
            break
        url = following[0]["attrs"]["href"]
        assert "limit=2" in url and "after=" in url
    assert seen == [n.id for n in reversed(made)]  # newest first, each once
    assert page.find(id="page-first")


def test_a_page_token_from_other_filters_starts_again(app):
    for _ in range(3):
        nomination_in("draft")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    token = browser.get("/nominations?limit=1").find(id="page-next")[0]["attrs"]["href"].split("after=")[1]
    again = browser.get(f"/nominations?limit=1&state=draft&after={token}")
    assert again.status == 200 and not again.find(id="page-first")
    assert browser.get("/nominations?after=rubbish").status == 200


def test_my_work_counts_per_state_and_orders_by_deadline(app):
    older = nomination_in("submitted")
    claimed = nomination_in("in_appraisal")
    nomination_in("draft")  # not the appraiser's work
    db.session.commit()
    page = Browser(app, "vpdp").get("/")
    counts = {e["attrs"]["data-count"]: int("".join(e["text"])) for e in page.find() if "data-count" in e["attrs"]}
    assert counts == {"total": 2, "submitted": 1, "in_appraisal": 1}
    assert _ids(page, "tasks") == [older.id, claimed.id]
    assert page.find(id="tasks")
    headers = re.findall(r"<th>([^<]+)</th>", page.html)
    assert "Hạn xử lý" in headers
    other = Browser(app, "vpdp2").get("/")  # in appraisal with vpdp: not vpdp2's work
    assert _ids(other, "tasks") == [older.id]


def test_dates_times_and_money_read_the_vietnamese_way():
    assert day(date(2026, 3, 5)) == "05/03/2026"
    assert day(None) == "—"
    # 20:30 UTC on 31 December is already New Year's morning in Hà Nội / TP.HCM.
    assert moment(datetime(2026, 12, 31, 20, 30, tzinfo=UTC)) == "01/01/2027 03:30"
    assert vnd(60_000_000) == "60.000.000 đồng"
    assert vnd(0) == "0 đồng"


def test_pages_show_local_times(app):
    n = nomination_in("draft")
    n.created_at = datetime(2026, 6, 1, 18, 5, tzinfo=UTC)
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").get("/nominations")
    assert "02/06/2026 01:05" in page.html


def test_layout_works_on_a_phone_and_uses_no_outside_assets(app):
    browser = Browser(app, "xa.vinhhiep")
    page = browser.get("/")
    assert page.find(name="viewport", content="width=device-width, initial-scale=1")
    sources = [e["attrs"].get("src") or e["attrs"].get("href") for e in page.elements if e["tag"] in ("script", "link")]
    assert sources and all(s.startswith("/static/") for s in sources)
    for source in sources:
        response = browser.client.get(source)
        assert response.status_code == 200 and response.data
    css = browser.client.get("/static/app.css").get_data(as_text=True)
    assert "@media (max-width: 640px)" in css and "http" not in css
    assert '<html lang="vi">' in page.html


def test_deadline_column_says_how_much_time_is_left(app):
    n = nomination_in("submitted")
    n.stage_due_on = n.stage_entered_at.date() - timedelta(days=20)
    db.session.commit()
    page = Browser(app, "vpdp").get("/")
    cell = page.find(**{"data-due-status": "overdue"})
    assert cell and "".join(cell[0]["text"]).startswith("quá hạn ")
