"""The campaign page: plan, window, stage limits and the quota dashboard (table and chart data)
of the pools the user may read; the chart library served from the app itself."""

from __future__ import annotations

import json

from sqlalchemy import select
from test_pages_support import Browser, Page

from tdkt.models import Pool, db

from factories import campaign, nomination_in, step


def pool(code: str) -> Pool:
    return db.session.scalars(select(Pool).filter_by(campaign_id=campaign().id, code=code)).one()


def quota_rows(page: Page, pool_id: int) -> dict[str, tuple[int, int | None]]:
    """category -> (used, limit) as the table shows them."""
    table = page.find(id=f"quota-{pool_id}")
    assert table, f"no quota table of pool {pool_id}"
    start = page.elements.index(table[0])
    rows = {}
    for e in page.elements[start + 1 :]:
        if e["tag"] == "table":
            break
        if e["tag"] == "tr" and "data-category" in e["attrs"]:
            limit = e["attrs"]["data-limit"]
            rows[e["attrs"]["data-category"]] = (int(e["attrs"]["data-used"]), int(limit) if limit else None)
    return rows


def shown_pools(page: Page) -> set[str]:
    return {e["attrs"]["data-pool-code"] for e in page.elements if "data-pool-code" in e["attrs"]}


def chart_data(page: Page) -> dict[int, dict]:
    script = page.find(id="quota-data")
    assert script, "no chart data"
    return {p["pool_id"]: p for p in json.loads("".join(script[0]["text"]))}


def submit_in(pool_code: str, category: str, proposer: str = "xa.vinhhiep", **fields):
    kind = "collective" if category.startswith("collective") else "individual"
    extra = {"contribution_vnd": None} if kind == "collective" else {}
    return nomination_in(
        "submitted", proposer, pool_id=pool(pool_code).id, category=category, nominee_kind=kind, **extra | fields
    )


def test_the_campaign_page_shows_plan_window_limits_and_used_slots(app):
    submit_in("VC-VHIEP", "individual_citizen")
    submit_in("VC-VHIEP", "collective_hamlet")
    returned = submit_in("VC-VHIEP", "individual_cadre")
    returned = step(step(returned, "vpdp", "start_appraisal"), "vpdp", "return_for_revision", {"comment": "Bổ sung"})
    nomination_in("draft", pool_id=pool("VC-VHIEP").id)  # a draft holds no slot
    db.session.commit()
    c = campaign()
    page = Browser(app, "xa.vinhhiep").get(f"/campaigns/{c.id}")
    assert page.status == 200
    assert c.name in page.html
    assert page.text("c-window") == f"{c.submission_opens_on:%d/%m/%Y} – {c.submission_closes_on:%d/%m/%Y}"
    assert page.find(**{"data-stage": "appraisal"})[0]["text"] == [str(c.appraisal_days)]
    assert quota_rows(page, pool("VC-VHIEP").id) == {
        "collective_hamlet": (1, 1),
        "collective_other": (0, 1),
        "individual_cadre": (1, 1),  # returned, it keeps its slot
        "individual_citizen": (1, 3),
        "collective": (1, 2),
        "individual": (2, 4),
    }


def test_a_proposer_reads_its_own_pools_and_the_office_every_pool(app):
    submit_in("VC-LHOA", "individual_citizen", proposer="xa.laihoa")
    db.session.commit()
    url = f"/campaigns/{campaign().id}"
    own = Browser(app, "xa.vinhhiep").get(url)
    assert shown_pools(own) == {"VC-VHIEP", "CQ-DT"}  # its commune's and the shared one
    assert not own.find(id=f"quota-{pool('VC-LHOA').id}")
    office = Browser(app, "vpdp").get(url)
    assert shown_pools(office) == {p.code for p in campaign().pools}
    assert quota_rows(office, pool("VC-LHOA").id)["individual_citizen"] == (1, 3)
    assert set(chart_data(office)) == {p.id for p in campaign().pools}
    assert "Chưa mở" in office.html  # the town's pool waits for the town's recognition


def test_another_provinces_campaign_is_not_found(app):
    hanam = campaign("HN-NTM-2021-2025")
    page = Browser(app, "xa.vinhhiep").get(f"/campaigns/{hanam.id}")
    assert page.status == 404
    assert hanam.name not in page.html
    assert Browser(app, "xa.vinhhiep").get("/campaigns/99999999999999999999").status == 404


def test_the_chart_draws_the_table_numbers(app):
    submit_in("VC-VHIEP", "individual_citizen")
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").get(f"/campaigns/{campaign().id}")
    own = pool("VC-VHIEP")
    chart = chart_data(page)[own.id]
    rows = quota_rows(page, own.id)
    assert chart["used"] == [used for used, _ in rows.values()]
    assert chart["limit"] == [limit for _, limit in rows.values()]
    assert chart["labels"][:1] == ["Tập thể ấp, khóm"] and chart["labels"][-1] == "Tổng cá nhân"
    canvas = page.find(**{"data-quota-chart": str(own.id)})
    assert canvas and canvas[0]["attrs"]["role"] == "img"


def test_the_page_matches_the_quota_api(app, api):
    submit_in("VC-VHIEP", "individual_citizen")
    submit_in("CQ-DT", "individual_cadre", contribution_vnd=None)
    db.session.commit()
    c = campaign()
    items = api("xa.vinhhiep").get(f"/api/v1/campaigns/{c.id}/quota").get_json()["items"]
    page = Browser(app, "xa.vinhhiep").get(f"/campaigns/{c.id}")
    shown = {
        (pool_id, category, used, limit)
        for pool_id in chart_data(page)
        for category, (used, limit) in quota_rows(page, pool_id).items()
    }
    assert shown == {(i["pool_id"], i["category"], i["used"], i["limit"]) for i in items}
    assert {"pool_id": pool("CQ-DT").id, "category": "individual_cadre", "used": 1, "limit": None} in items
    assert {"pool_id": pool("VC-VHIEP").id, "category": "individual_citizen", "used": 1, "limit": 3} in items
    assert {"pool_id": pool("VC-VHIEP").id, "category": "individual", "used": 1, "limit": 4} in items


def test_the_chart_library_and_its_licence_are_served_by_the_app(app):
    browser = Browser(app, "xa.vinhhiep")
    page = browser.get(f"/campaigns/{campaign().id}")
    scripts = [e["attrs"]["src"] for e in page.elements if e["tag"] == "script" and "src" in e["attrs"]]
    assert "/static/vendor/chartjs/chart.umd.js" in scripts and "/static/campaign_quota.js" in scripts
    assert all(s.startswith("/static/") for s in scripts)  # no CDN
    library = browser.get("/static/vendor/chartjs/chart.umd.js")
    assert library.status == 200 and "Chart.js v4" in library.html
    assert "javascript" in library.response.content_type
    assert browser.get("/static/vendor/chartjs/LICENSE.md").status == 200
    assert browser.get("/static/campaign_quota.js").status == 200


def test_the_campaign_page_has_the_documents_panel(app):
    nomination_in("submitted")
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    page = browser.get(f"/campaigns/{campaign().id}")
    assert page.find(id="campaign-documents") and page.find(id="documents")
    downloads = [e["attrs"]["href"] for e in page.find() if e["tag"] == "a"
                 and e["attrs"].get("href", "").startswith(f"/campaigns/{campaign().id}/documents/")]
    assert any("/documents/danh_sach" in url for url in downloads), downloads
    assert browser.get(downloads[0]).status == 200


# --- the proposer's remaining slots and the nomination form ------------------------------------


def slots(page: Page, pool_id: int) -> dict[str, str]:
    """category -> "Còn r/l ..." as "Việc của tôi" shows them for one pool."""
    found = page.find(**{"data-pool-id": str(pool_id)})
    if not found:
        return {}
    start = page.elements.index(found[0])
    shown = {}
    for e in page.elements[start + 1 :]:
        if e["tag"] == "ul":
            break
        if "data-category" in e["attrs"]:
            shown[e["attrs"]["data-category"]] = "".join(e["text"]).strip()
    return shown


def test_home_page_counts_down_the_proposers_own_slots(app):
    own = pool("VC-VHIEP").id
    browser = Browser(app, "xa.vinhhiep")
    fresh = slots(browser.get("/"), own)
    assert fresh["collective"] == "Còn 2/2 suất tập thể"
    assert fresh["individual_citizen"] == "Còn 3/3 suất 'Người dân, hộ gia đình, doanh nghiệp'"
    submit_in("VC-VHIEP", "collective_hamlet")
    citizens = [submit_in("VC-VHIEP", "individual_citizen") for _ in range(2)]
    db.session.commit()
    shown = slots(browser.get("/"), own)
    assert shown["collective"] == "Còn 1/2 suất tập thể"
    assert shown["collective_hamlet"] == "Còn 0/1 suất 'Tập thể ấp, khóm'"
    assert shown["individual_citizen"] == "Còn 1/3 suất 'Người dân, hộ gia đình, doanh nghiệp'"
    assert shown["individual"] == "Còn 2/4 suất cá nhân"
    submit_in("VC-VHIEP", "individual_citizen")  # the last citizen slot
    db.session.commit()
    assert slots(browser.get("/"), own)["individual_citizen"].startswith("Còn 0/3 ")
    step(citizens[0], "xa.vinhhiep", "withdraw", {"comment": "Đơn vị rút"})  # a withdrawal frees it
    db.session.commit()
    assert slots(browser.get("/"), own)["individual_citizen"].startswith("Còn 1/3 ")


def test_home_page_shows_no_other_units_slots(app):
    submit_in("VC-LHOA", "collective_hamlet", proposer="xa.laihoa")
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").get("/")
    assert not slots(page, pool("VC-LHOA").id)
    assert set(slots(page, pool("CQ-DT").id)) == {"collective", "individual"}  # no limit per category
    assert f'href="/campaigns/{campaign().id}"' in page.html
    office = Browser(app, "vpdp").get("/")
    assert f'href="/campaigns/{campaign().id}"' in office.html
    assert not office.find(**{"data-pool-id": str(pool("VC-VHIEP").id)})  # not a proposer


def category_pools(page: Page) -> dict[str, set[str]]:
    """category option -> the pools it is offered in, as the form carries them."""
    select = next(e for e in page.elements if e["tag"] == "select" and e["attrs"].get("name") == "category")
    found = {}
    for e in page.elements[page.elements.index(select) + 1 :]:
        if e["tag"] == "select":
            break
        if e["tag"] == "option":
            found[e["attrs"]["value"]] = set(e["attrs"].get("data-pools", "").split())
    return found


def test_the_form_offers_only_what_still_fits(app):
    own, shared = str(pool("VC-VHIEP").id), str(pool("CQ-DT").id)
    browser = Browser(app, "xa.vinhhiep")
    before = category_pools(browser.get("/nominations/new"))
    assert before["collective_hamlet"] == {own} and before["collective_other"] == {own, shared}
    submit_in("VC-VHIEP", "collective_hamlet")
    db.session.commit()
    after = category_pools(browser.get("/nominations/new"))
    assert "collective_hamlet" not in after  # its only pool's category is used up
    assert after["collective_other"] == {own, shared}
    submit_in("VC-VHIEP", "collective_other")  # 2/2 collectives: none more in the commune's pool
    db.session.commit()
    assert category_pools(browser.get("/nominations/new"))["collective_other"] == {shared}
    assert own in browser.get("/nominations/new").options("pool_id")  # individuals still fit


def test_editing_keeps_the_nominations_own_category(app):
    held = submit_in("VC-VHIEP", "collective_hamlet")
    returned = step(step(held, "vpdp", "start_appraisal"), "vpdp", "return_for_revision", {"comment": "Bổ sung"})
    db.session.commit()
    browser = Browser(app, "xa.vinhhiep")
    assert "collective_hamlet" not in category_pools(browser.get("/nominations/new"))
    edit = browser.get(f"/nominations/{returned.id}/edit")
    assert category_pools(edit)["collective_hamlet"] == {str(pool("VC-VHIEP").id)}
    assert edit.value("category") == "collective_hamlet"


def test_a_unit_with_every_slot_used_is_told_so(app):
    for code in ("VC-VHIEP", "CQ-DT"):
        used_up = pool(code)
        used_up.limit_collective = used_up.limit_individual = 0
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").get("/nominations/new")
    assert page.status == 200
    assert list(page.options("pool_id").values()) == ["— Đơn vị đã dùng hết chỉ tiêu của đợt thi đua —"]
    assert category_pools(page) == {}


def test_the_nomination_page_links_its_campaign(app):
    n = nomination_in("submitted")
    db.session.commit()
    page = Browser(app, "xa.vinhhiep").get(f"/nominations/{n.id}")
    link = page.find(id="n-campaign")
    assert link and link[0]["attrs"]["href"] == f"/campaigns/{n.campaign_id}"
    assert Browser(app, "xa.vinhhiep").get(link[0]["attrs"]["href"]).status == 200


def test_only_an_admin_is_offered_the_rules_page(app):
    url = f"/campaigns/{campaign().id}"
    admin = Browser(app, "admin").get(url)
    link = admin.find(id="edit-rules")
    assert link and link[0]["attrs"]["href"] == f"/admin/campaigns/{campaign().id}"
    assert Browser(app, "admin").get(link[0]["attrs"]["href"]).status == 200
    for username in ("xa.vinhhiep", "vpdp", "kiemtra"):
        assert not Browser(app, username).get(url).find(id="edit-rules"), username
