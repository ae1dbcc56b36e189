"""The web workspace in a real browser: people log in, fill the forms, tick the queues.

Debian's chromium through Playwright against the app served on a free local port (see
browser_support). Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tdkt.workflow.clock import local_today

from browser_support import (  # noqa: F401  (fixtures)
    PHONE,
    Person,
    browser_fixture,
    live_server_fixture,
    nomination_id,
    people_fixture,
)
from conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

OWN_POOL = "Chỉ tiêu của Xã Vĩnh Hiệp"
CITIZEN = "Người dân, hộ gia đình, doanh nghiệp"
APPROVED = "Đã có quyết định khen thưởng"


def create_nomination(person: Person, fields: dict[str, str]) -> tuple[int, str]:
    """Open "Lập hồ sơ mới" from the workspace, fill the form, save; the new id and code."""
    page = person.page
    person.nav("Việc của tôi")
    page.get_by_role("link", name="Lập hồ sơ mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lập hồ sơ đề nghị khen thưởng")
    form = page.locator("#nomination-form")
    form.get_by_label("Nhóm chỉ tiêu", exact=True).select_option(label=fields["pool"])
    form.get_by_role("radio", name=fields["kind"], exact=True).check()
    form.get_by_label("Kiểu đối tượng", exact=True).select_option(label=fields["type"])
    form.get_by_label("Nhóm đối tượng", exact=True).select_option(label=fields["category"])
    form.get_by_label("Tên đối tượng", exact=True).fill(fields["name"])
    if "gender" in fields:
        form.get_by_label("Giới tính", exact=True).select_option(label=fields["gender"])
    for label in ("Năm sinh", "Chức vụ", "Địa chỉ", "Số CCCD"):
        if label in fields:
            form.get_by_label(label, exact=True).fill(fields[label])
    money = form.get_by_label("Giá trị đóng góp (VND)", exact=True)
    money.fill(fields["money"])
    form.get_by_label("Tóm tắt thành tích", exact=True).fill(fields["summary"])
    # Leaving the amount groups its thousands, as the office writes money.
    expect(money).to_have_value(f"{int(fields['money']):,}".replace(",", "."))
    form.get_by_role("button", name="Lập hồ sơ").click()
    flash = page.locator(".flash-success")
    expect(flash).to_contain_text("Đã lập hồ sơ")
    expect(page.locator("#n-state")).to_have_text("Dự thảo")
    code = flash.inner_text().removeprefix("Đã lập hồ sơ ").rstrip(".")
    return nomination_id(page), code


def tick(page: Page, code: str) -> None:
    page.get_by_label(f"Chọn {code}", exact=True).check()


def bulk_action(page: Page, trigger: str) -> Locator:
    """The action's panel under the queue table, opened if it is folded."""
    panel = page.locator(f"#bulk-{trigger}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    return panel


def expect_results(page: Page, outcome: str, ids: list[int], state: str) -> None:
    expect(page.locator("#results-section h2")).to_have_text(f"Kết quả: {outcome}")
    for nid in ids:
        row = page.locator(f'#results tr[data-nomination-id="{nid}"]')
        expect(row).to_have_attribute("data-ok", "true")
        expect(row).to_contain_text(state)


def test_demo_path_from_proposal_to_decision(people, live_server):
    today = local_today()
    proposer = people.as_user("xa.vinhhiep")
    proposer.screenshot("proposer-home")

    # The proposer creates two nominations through the form ...
    first = create_nomination(
        proposer,
        {
            "pool": OWN_POOL, "kind": "Cá nhân", "type": "Cá nhân", "category": CITIZEN,
            "name": "Nguyễn Thị Hồng Nhung", "gender": "Nữ", "Năm sinh": "1972",
            "Chức vụ": "Nông dân", "Địa chỉ": "Ấp Biển Trên, xã Vĩnh Hiệp",
            "Số CCCD": "094172004321", "money": "60000000",
            "summary": "Hiến 600 m² đất mở rộng đường liên ấp; vận động bà con góp ngày công.",
        },
    )
    second = create_nomination(
        proposer,
        {
            "pool": OWN_POOL, "kind": "Cá nhân", "type": "Hộ gia đình", "category": CITIZEN,
            "name": "Hộ ông Trần Văn Bảy", "Địa chỉ": "Ấp Biển Dưới, xã Vĩnh Hiệp",
            "money": "75000000",
            "summary": "Đóng góp 75 triệu đồng và 120 ngày công xây cầu giao thông nông thôn.",
        },
    )
    (first_id, first_code), (second_id, second_code) = first, second
    ids = [first_id, second_id]

    # ... and submits both at once from the unit's submit queue, with its Tờ trình.
    page = proposer.page
    proposer.nav("Trình hồ sơ của đơn vị")
    tick(page, first_code)
    tick(page, second_code)
    panel = bulk_action(page, "submit")
    panel.get_by_label("Số Tờ trình", exact=True).fill("15/TTr-UBND")
    panel.get_by_label("Ngày Tờ trình", exact=True).fill(today.isoformat())
    panel.get_by_role("button", name="Trình hồ sơ các hồ sơ đã chọn").click()
    expect_results(page, "Đã thực hiện 2/2 hồ sơ.", ids, "Đã trình, chờ thẩm định")

    # The appraiser finds both in "Việc của tôi".
    appraiser = people.as_user("vpdp")
    page = appraiser.page
    for nid in ids:
        expect(page.locator(f'#tasks tr[data-nomination-id="{nid}"]')).to_contain_text("Đã trình, chờ thẩm định")
    appraiser.screenshot("appraiser-home")

    # The first one from its own page: claim it, then pass it with the appraisal opinion.
    page.locator("#tasks").get_by_role("link", name=first_code).click()
    page.locator("#actions").get_by_role("link", name="Nhận thẩm định").click()
    page.get_by_role("button", name="Nhận thẩm định").click()
    expect(page.locator(".flash-success")).to_have_text("Đã thực hiện: Nhận thẩm định.")
    expect(page.locator("#n-state")).to_have_text("Đang thẩm định")
    page.locator("#actions").get_by_role("link", name="Chuyển Hội đồng TĐKT").click()
    page.get_by_label("Ý kiến thẩm định").fill("Hồ sơ đủ điều kiện, giá trị đóng góp đã xác minh.")
    page.get_by_role("button", name="Chuyển Hội đồng TĐKT").click()
    expect(page.locator("#n-state")).to_have_text("Chờ Hội đồng TĐKT xét")

    # The second one from the appraisal queue: tick, claim, tick, pass.
    appraiser.nav("Thẩm định hồ sơ")
    tick(page, second_code)
    bulk_action(page, "start_appraisal").get_by_role("button", name="Nhận thẩm định các hồ sơ đã chọn").click()
    expect_results(page, "Đã thực hiện 1/1 hồ sơ.", [second_id], "Đang thẩm định")
    # The page after an action offers only the actions of before; opening the queue again
    # offers those of the claimed item (see the report on queues.py).
    appraiser.nav("Thẩm định hồ sơ")
    tick(page, second_code)
    panel = bulk_action(page, "pass_appraisal")
    panel.get_by_label("Ý kiến thẩm định").fill("Đủ điều kiện theo Kế hoạch.")
    panel.get_by_role("button", name="Chuyển Hội đồng TĐKT các hồ sơ đã chọn").click()
    expect_results(page, "Đã thực hiện 1/1 hồ sơ.", [second_id], "Chờ Hội đồng TĐKT xét")

    # The council secretary records the meeting, the votes per nomination, and submits both.
    council = people.as_user("noivu")
    page = council.page
    for nid in ids:
        expect(page.locator(f'#tasks tr[data-nomination-id="{nid}"]')).to_be_visible()
    council.screenshot("council-home")
    council.nav("Hội đồng Thi đua – Khen thưởng xét")
    for code in (first_code, second_code):
        tick(page, code)
        page.get_by_label(f"Số phiếu đồng ý cho {code}").fill("8")
    panel = bulk_action(page, "submit_for_signature")
    panel.get_by_label("Ngày họp Hội đồng", exact=True).fill((today - timedelta(days=1)).isoformat())
    panel.get_by_label("Số biên bản", exact=True).fill("03/BB-HĐTĐKT")
    panel.get_by_label("Tổng số thành viên", exact=True).fill("9")
    panel.get_by_label("Số thành viên có mặt", exact=True).fill("8")
    panel.get_by_role("button", name="Trình Chủ tịch ký các hồ sơ đã chọn").click()
    expect_results(page, "Đã thực hiện 2/2 hồ sơ.", ids, "Trình Chủ tịch ký")

    # The Chairman signs both under one decision, with the number the register proposes.
    chairman = people.as_user("chutich")
    page = chairman.page
    for nid in ids:
        expect(page.locator(f'#tasks tr[data-nomination-id="{nid}"]')).to_contain_text("Trình Chủ tịch ký")
    chairman.screenshot("chairman-home")
    chairman.nav("Trình ký quyết định khen thưởng")
    tick(page, first_code)
    tick(page, second_code)
    panel = bulk_action(page, "sign")
    expect(panel.get_by_label("Ngày quyết định", exact=True)).to_have_value(today.isoformat())
    number = panel.get_by_label("Số quyết định", exact=True).input_value()
    assert number.isdigit(), number
    panel.get_by_role("button", name="Ký quyết định các hồ sơ đã chọn").click()
    expect_results(page, "Đã thực hiện 2/2 hồ sơ.", ids, APPROVED)
    chairman.screenshot("chairman-signed")

    # The proposer sees the outcome in the list and on the nomination, with the decision.
    page = proposer.page
    proposer.nav("Hồ sơ")
    for nid in ids:
        expect(page.locator(f'#nominations tr[data-nomination-id="{nid}"]')).to_contain_text(APPROVED)
    page.locator("#nominations").get_by_role("link", name=first_code).click()
    expect(page.locator("#n-state")).to_have_text(APPROVED)
    reference = re.compile(rf"Số 0*{number}/QĐ-UBND ngày {today:%d/%m/%Y}")
    expect(page.locator("#n-decision")).to_have_text(reference)
    expect(page.locator("#history tr[data-event-id]")).to_have_count(6)
    proposer.screenshot("proposer-decision")
    page.locator("#n-decision").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"Quyết định số 0*{number}/QĐ-UBND"))
    awarded = page.locator("#awarded")
    expect(awarded.locator(f'tr[data-nomination-id="{first_id}"]')).to_contain_text("Nguyễn Thị Hồng Nhung")
    expect(awarded.locator(f'tr[data-nomination-id="{second_id}"]')).to_contain_text("Hộ ông Trần Văn Bảy")

    people.traffic.assert_clean(live_server)


def test_wrong_password_shows_a_vietnamese_error(people, live_server):
    person = people.open()
    page = person.page
    person.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("xa.vinhtan")
    page.get_by_label("Mật khẩu").fill("mat-khau-sai")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Đăng nhập").click()
    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_have_text(
        "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."
    )
    expect(page.locator("#current-user")).to_have_count(0)
    person.screenshot("login-wrong-password")

    # The form shown again carries a fresh token: the right password now gets in.
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#current-user")).to_have_attribute("data-username", "xa.vinhtan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    people.traffic.assert_clean(live_server)


def test_a_form_posted_without_its_csrf_token_is_refused(people, live_server):
    """The other tests' forms pass because the browser sends the token, not because the check is off."""
    person = people.open()
    answer = person.context.request.post(
        f"{live_server.url}/login", form={"username": "xa.vinhhiep", "password": DEMO_PASSWORD}
    )
    assert answer.status == 400
    assert "mã bảo vệ" in answer.text()


def test_pages_load_nothing_from_another_host(people, live_server):
    """Every request of every page goes to the live server: styles and scripts are vendored."""
    visitor = people.open()
    visitor.goto("/login")
    proposer = people.as_user("xa.vinhhiep")
    for link in ("Hồ sơ", "Trình hồ sơ của đơn vị", "Quyết định", "Phiên họp Hội đồng", "Việc của tôi"):
        proposer.nav(link)
        expect(proposer.page.get_by_role("heading", level=1)).to_be_visible()
    proposer.page.get_by_role("link", name="Lập hồ sơ mới").click()
    form = proposer.page.locator("#nomination-form")
    expect(form).to_be_visible()
    # app.js offers only the chosen campaign's award forms: one of another campaign is hidden.
    form.evaluate("""form => {
        const other = new Option("Hình thức của đợt khác", "999999");
        other.dataset.campaign = "999999";
        form.querySelector("#award_form_id").add(other);
        form.dispatchEvent(new Event("change"));
    }""")
    expect(form.locator('#award_form_id option[value="999999"]')).to_have_js_property("disabled", True)
    offered = form.locator("#award_form_id option:not([disabled])")
    expect(offered).not_to_have_count(0)
    campaign_id = form.locator("#campaign_id").input_value()
    assert set(offered.evaluate_all("options => options.map(o => o.dataset.campaign)")) == {campaign_id}
    for username, label in (("kiemtra", "auditor"), ("admin", "admin")):
        person = people.as_user(username)
        person.screenshot(f"{label}-home")
    person.nav("Quản trị")
    expect(person.page.get_by_role("heading", level=1)).to_be_visible()

    requested = people.traffic.requests
    for asset in ("/static/app.css", "/static/app.js"):
        assert f"{live_server.url}{asset}" in requested, requested
    people.traffic.assert_clean(live_server)


OVERFLOW = """
(width) => {
  // Elements sticking out of the viewport sideways, unless a container scrolls them itself.
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll") return true;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || (r.left >= -1 && r.right <= width + 1)) continue;
    if (!scrolls(el)) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
      offenders.push(`${name} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: offenders.slice(0, 10),
  };
}
"""


LONG_OPTIONS = """
() => document.querySelectorAll("select").forEach((select) => {
  select.add(new Option("Nguyễn Thị Thanh Hương, Phó Chánh Văn phòng Điều phối nông thôn mới thị xã Vĩnh Châu".repeat(3)));
})
"""


def assert_fits_phone(person: Person, screenshot: str | None = None) -> None:
    # Measured before app.css has loaded, a select is as wide as its longest option.
    person.page.wait_for_load_state("load")
    layout = person.page.evaluate(OVERFLOW, PHONE["width"])
    where = person.page.url
    assert layout["offenders"] == [], (where, layout)
    # A mobile browser zooms out a page wider than the screen: its layout viewport grows.
    assert layout["innerWidth"] == PHONE["width"], (where, layout)
    assert layout["scrollWidth"] <= PHONE["width"], (where, layout)
    if screenshot:
        person.screenshot(screenshot)


def assert_navigation_reachable(person: Person) -> None:
    """Every link of the header is on screen (wrapped, not cut off) and big enough to tap."""
    links = person.page.locator("header.topbar a, header.topbar button")
    assert links.count() >= 5
    for i in range(links.count()):
        link = links.nth(i)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (link.inner_text(), box)
        assert box["height"] >= 16, (link.inner_text(), box)


def test_workspace_and_nomination_pages_fit_a_phone(people, live_server):
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    proposer = people.open(**phone)
    proposer.goto("/login")
    assert_fits_phone(proposer)
    proposer.log_in("xa.laihoa")
    page = proposer.page
    assert_fits_phone(proposer, "phone-proposer-home")
    assert_navigation_reachable(proposer)

    # The navigation works by touch: "Hồ sơ" opens the list.
    page.locator("nav.mainnav").get_by_role("link", name="Hồ sơ", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ đề nghị khen thưởng")
    assert_fits_phone(proposer)

    # The form can be filled on the phone; the new nomination's page fits too.
    nid, code = create_nomination(
        proposer,
        {
            "pool": "Chỉ tiêu của Xã Lai Hòa", "kind": "Cá nhân", "type": "Cá nhân",
            "category": CITIZEN, "name": "Lâm Thị Sà Phương", "gender": "Nữ", "Năm sinh": "1980",
            "Địa chỉ": "Ấp Xung Thum, xã Lai Hòa", "money": "52000000",
            "summary": "Góp tiền và ngày công làm đường bê tông nội đồng dài 1,2 km.",
        },
    )
    assert_fits_phone(proposer, "phone-nomination")
    page.get_by_role("link", name="Sửa hồ sơ").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sửa hồ sơ")
    assert_fits_phone(proposer, "phone-nomination-form")

    # The submit queue's table stays inside its own container; the phone submits from it.
    proposer.nav("Trình hồ sơ của đơn vị")
    # The table's headings fold away on a phone; "Chọn tất cả" stays, visible and tappable.
    select_all = page.locator("#queue-items").get_by_label("Chọn tất cả", exact=True)
    expect(page.locator("#queue-items th.select-all")).to_contain_text("Chọn tất cả")
    select_all.tap()
    rows = page.locator('#queue-items input[name="ids"]')
    assert rows.count() >= 1 and all(rows.nth(i).is_checked() for i in range(rows.count()))
    select_all.tap()
    assert not any(rows.nth(i).is_checked() for i in range(rows.count()))
    tick(page, code)
    panel = bulk_action(page, "submit")
    panel.get_by_label("Số Tờ trình", exact=True).fill("07/TTr-UBND")
    panel.get_by_label("Ngày Tờ trình", exact=True).fill(local_today().isoformat())
    assert_fits_phone(proposer, "phone-submit-queue")
    panel.get_by_role("button", name="Trình hồ sơ các hồ sơ đã chọn").tap()
    expect_results(page, "Đã thực hiện 1/1 hồ sơ.", [nid], "Đã trình, chờ thẩm định")
    assert_fits_phone(proposer)

    # The appraiser's workspace, queue and the nomination on a phone.
    appraiser = people.open(**phone)
    appraiser.log_in("vpdp")
    expect(appraiser.page.locator(f'#tasks tr[data-nomination-id="{nid}"]')).to_be_visible()
    assert_fits_phone(appraiser, "phone-appraiser-home")
    assert_navigation_reachable(appraiser)
    appraiser.nav("Thẩm định hồ sơ")
    expect(appraiser.page.locator(f'#queue-items tr[data-nomination-id="{nid}"]')).to_be_visible()
    assert_fits_phone(appraiser, "phone-appraisal-queue")
    # However long an option (a meeting's minutes, a person's full title), no select widens the page.
    bulk_action(appraiser.page, "start_appraisal")
    appraiser.page.evaluate(LONG_OPTIONS)
    assert_fits_phone(appraiser)
    appraiser.goto(f"/nominations/{nid}")
    expect(appraiser.page.locator("#n-state")).to_have_text("Đã trình, chờ thẩm định")
    assert_fits_phone(appraiser)

    people.traffic.assert_clean(live_server)


# The campaign page: its quota bars drawn by the vendored Chart.js, nothing from another host.
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
