"""Helpers for the page tests: a logged-in browser-like client and a small HTML reader.

(No tests here; the name only puts it among the page tests' files.)
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from flask import g
from werkzeug.datastructures import MultiDict

from conftest import DEMO_PASSWORD

VOID = {"input", "br", "meta", "link", "img", "hr", "source", "col", "area", "base", "wbr"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.elements: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)


class Page:
    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        # Downloads (zip, PDF) are read too: undecodable bytes must not stop the checks.
        self.html = response.get_data().decode("utf-8", "replace")
        reader = _Reader()
        reader.feed(self.html)
        self.elements = reader.elements

    def find(self, **attrs) -> list[dict]:
        return [e for e in self.elements if all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def text(self, element_id: str) -> str:
        found = self.find(id=element_id)
        assert found, f"no element #{element_id}"
        return " ".join("".join(found[0]["text"]).split())

    def errors(self) -> dict[str, str]:
        """Field-level messages: <p class="error" id="<field>-error">."""
        return {
            e["attrs"]["id"][: -len("-error")]: "".join(e["text"]).strip()
            for e in self.elements
            if e["tag"] == "p" and e["attrs"].get("class") == "error" and e["attrs"].get("id", "").endswith("-error")
        }

    def message(self) -> str:
        found = self.find(id="form-message")
        return "".join(found[0]["text"]).strip() if found else ""

    def value(self, name: str) -> str | None:
        for e in self.elements:
            if e["attrs"].get("name") != name:
                continue
            if e["tag"] == "textarea":
                text = "".join(e["text"])
                # HTML drops one newline right after <textarea>; WTForms writes "\r\n" there.
                return text.removeprefix("\r\n") if text.startswith("\r\n") else text.removeprefix("\n")
            if e["tag"] == "input" and e["attrs"].get("type") in ("radio", "checkbox"):
                if "checked" in e["attrs"]:
                    return e["attrs"].get("value")
                continue
            if e["tag"] == "input":
                return e["attrs"].get("value", "")
            if e["tag"] == "select":
                return self._selected(e)
        return None

    def _selected(self, select: dict) -> str | None:
        start = self.elements.index(select)
        for e in self.elements[start + 1 :]:
            if e["tag"] == "select":
                break
            if e["tag"] == "option" and "selected" in e["attrs"]:
                return e["attrs"].get("value")
        return None

    def options(self, name: str) -> dict[str, str]:
        """value -> label of a select's options."""
        select = next(e for e in self.elements if e["tag"] == "select" and e["attrs"].get("name") == name)
        found = {}
        for e in self.elements[self.elements.index(select) + 1 :]:
            if e["tag"] == "select":
                break
            if e["tag"] == "option":
                found[e["attrs"].get("value", "")] = "".join(e["text"]).strip()
        return found

    def actions(self) -> list[str]:
        """The data-action of every button and link on the page but the header's logout."""
        return [
            e["attrs"]["data-action"]
            for e in self.elements
            if e["tag"] in ("a", "button") and e["attrs"].get("data-action") not in (None, "logout")
        ]

    def rows(self, table_id: str) -> list[dict]:
        table = self.find(id=table_id)
        assert table, f"no table #{table_id}"
        start = self.elements.index(table[0])
        rows = []
        for e in self.elements[start + 1 :]:
            if e["tag"] == "table":
                break
            if e["tag"] == "tr" and "data-nomination-id" in e["attrs"]:
                rows.append(e["attrs"] | {"text": " ".join("".join(e["text"]).split())})
        return rows


def fresh_request_globals() -> None:
    """The `app` fixture keeps one app context open for the whole test, so every request of
    every test client shares its `g`; a real request starts with an empty one (Flask-Login
    caches the logged-in user there)."""
    for name in list(g):
        g.pop(name)


class Browser:
    """One person at one browser: a test client with its own cookie jar."""

    def __init__(self, app, username: str | None = None, password: str = DEMO_PASSWORD):
        self.app = app
        self.client = app.test_client()
        if username is not None:
            page = self.post("/login", {"username": username, "password": password})
            assert page.status == 302, page.message()

    def get(self, url: str, **kw) -> Page:
        fresh_request_globals()
        return Page(self.client.get(url, **kw))

    def post(self, url: str, data: dict | list, **kw) -> Page:
        """`data` is a dict, or a list of (name, value) pairs for repeated names."""
        fresh_request_globals()
        return Page(self.client.post(url, data=MultiDict(data), **kw))


def redirect_id(page: Page) -> int:
    """The id of the nomination a 302 leads to."""
    assert page.status == 302, (page.status, page.message(), page.errors())
    match = re.search(r"/nominations/(\d+)$", page.response.headers["Location"])
    assert match, page.response.headers["Location"]
    return int(match.group(1))


def visible_text(page: Page) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page.html))
