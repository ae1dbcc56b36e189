"""Fixtures for the browser tests: the app served for real, Debian's chromium driving it.

The live server is the seeded app on a committed SQLite database (no rolled-back transaction:
the browser's requests run in the server's threads), with CSRF protection on, so that forms
carry their tokens as they do in production. One server and one chromium per xdist worker;
every test opens its own browser contexts (one per person) and only asserts about the
nominations it creates, so the tests do not depend on their order.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tdkt.models import db

from conftest import DEMO_PASSWORD, build_app, service_unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
# Long enough for a slow CI machine, short enough that a missing element fails in seconds.
TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class LiveServer:
    url: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


class _QuietHandler(WSGIRequestHandler):
    """Logs only refused and failed requests, so that a failure report is not buried under
    every page and asset the browser fetched."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)


@pytest.fixture(scope="session", name="live_server")
def live_server_fixture(tmp_path_factory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("browser-instance")
    app = build_app(
        f"sqlite:///{instance / 'browser.sqlite3'}", str(instance), WTF_CSRF_ENABLED=True
    )
    # Port 0: the OS picks a free one.
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session", name="browser")
def browser_fixture() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        service_unavailable("chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as exc:  # any launch failure means no browser on this machine
        playwright.stop()
        service_unavailable("chromium", exc)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@dataclass
class Traffic:
    """What the pages of one test asked for and what went wrong in them."""

    requests: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def foreign(self, server: LiveServer) -> list[str]:
        """Requests to anything but the live server (data: URLs never leave the page)."""
        return [
            url
            for url in self.requests
            if not url.startswith("data:") and urlsplit(url).netloc != server.host
        ]

    def assert_clean(self, server: LiveServer) -> None:
        assert self.requests, "no request was recorded"
        assert self.foreign(server) == []
        assert self.server_errors == []
        assert self.page_errors == []


class Person:
    """One person at one browser window: a context of its own (cookies), one page."""

    def __init__(self, context: BrowserContext, server: LiveServer):
        self.context = context
        self.server = server
        self.page: Page = context.new_page()

    def goto(self, path: str) -> Response | None:
        return self.page.goto(self.server.url + path)

    def log_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """Type the credentials into the login form and press the button, as a person does."""
        self.goto("/login")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        expect(self.page.locator("#current-user")).to_have_attribute("data-username", username)
        # The header is in the DOM before the stylesheet has loaded; layout checks need both.
        self.page.wait_for_load_state("load")

    def nav(self, name: str) -> None:
        """Follow a link of the main navigation by its visible name."""
        self.page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


class People:
    """Opens a context per person for one test and records every request of every page."""

    def __init__(self, browser: Browser, server: LiveServer):
        self.browser = browser
        self.server = server
        self.traffic = Traffic()
        self.contexts: list[BrowserContext] = []

    def open(self, **context_options) -> Person:
        context = self.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.traffic.requests.append(request.url))
        context.on("response", self.traffic.on_response)
        context.on("weberror", lambda error: self.traffic.page_errors.append(str(error.error)))
        self.contexts.append(context)
        return Person(context, self.server)

    def as_user(self, username: str, **context_options) -> Person:
        person = self.open(**context_options)
        person.log_in(username)
        return person

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(name="people")
def people_fixture(browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server)
    try:
        yield crowd
    finally:
        crowd.close()


def nomination_id(page: Page) -> int:
    """The id of the nomination whose page is open."""
    match = re.search(r"/nominations/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))
