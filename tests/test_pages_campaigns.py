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
    assert ({"pool_id": pool("CQ-DT").id, "category": "individual_cadre", "used": 1, "limit": None}) in items


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


def test_the_documents_panel_appears_only_when_its_page_exists(app):
    page = Browser(app, "xa.vinhhiep").get(f"/campaigns/{campaign().id}")
    documents = "/campaigns/<int:campaign_id>/documents" in {r.rule for r in app.url_map.iter_rules()}
    assert bool(page.find(id="campaign-documents")) == documents
    if documents:
        assert f'href="/campaigns/{campaign().id}/documents"' in page.html
