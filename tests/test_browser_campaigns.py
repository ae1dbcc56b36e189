"""The campaign page in a real browser: reached from "Việc của tôi", its quota bars drawn by the
vendored Chart.js, nothing loaded from another host, readable on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_support import (  # noqa: F401  (fixtures)
    PHONE,
    browser_fixture,
    live_server_fixture,
    people_fixture,
)

pytestmark = pytest.mark.browser

DRAWN_CHARTS = """
() => Array.from(document.querySelectorAll("canvas[data-quota-chart]")).map((canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  return {
    pool: canvas.dataset.quotaChart,
    drawn: Boolean(chart) && canvas.width > 0 && canvas.height > 0,
    bars: chart ? chart.data.labels.length : 0,
  };
})
"""


def test_the_quota_chart_is_drawn_from_the_vendored_library(people, live_server):
    proposer = people.as_user("xa.vinhhiep", viewport=PHONE, is_mobile=True, has_touch=True)
    page = proposer.page
    page.locator("#campaigns a").first.click()
    expect(page.get_by_role("heading", level=2, name="Chỉ tiêu khen thưởng")).to_be_visible()
    page.wait_for_load_state("load")
    charts = page.evaluate(DRAWN_CHARTS)
    assert len(charts) == 2, charts  # the commune's own pool and the shared one
    assert all(c["drawn"] and c["bars"] == len(page.locator(f'#quota-{c["pool"]} tbody tr').all()) for c in charts), charts
    proposer.screenshot("campaign-quota-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert f"{live_server.url}/static/vendor/chartjs/chart.umd.js" in people.traffic.requests
    people.traffic.assert_clean(live_server)
