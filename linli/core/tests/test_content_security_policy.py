"""Every page carries the Content-Security-Policy, and no page needs what the policy blocks: no
inline script, ``<style>``, ``style=``, ``on…=`` or ``hx-on`` attribute, ``javascript:`` link, nor
anything loaded from another site. The pages are found by following the links of each persona's
home page, two steps deep."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client

PERSONAS = ["community_a", "social_a", "grid_a1", "street", "org_admin_a", "volunteer_a", "resident_a1", "platform"]
EXTRA = ["/serve/", "/track/", "/accounts/login/", "/no-such-page/", "/api/docs", "/admin/", "/demands/new/"]
SKIP = ("logout", "export", "download", "/i18n/", ".xlsx", ".pdf", "/static/")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith(("on", "hx-on")) or name == "style":
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and value:
                if value.strip().lower().startswith("javascript:"):
                    self.problems.append(f"<{tag} {name}=javascript:…>")
                elif name == "src" or (tag == "link" and name == "href"):
                    if urlsplit(value).netloc:
                        self.problems.append(f"<{tag} {name}={value}> from another site")
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_SCRIPT_TYPES:
            self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        self._in_inline_script = False if tag == "script" else self._in_inline_script

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>{data.strip()[:40]}…")


def _crawl(client: Client, start: list[str], depth: int = 2, limit: int = 40) -> tuple[dict[str, list[str]], set[str]]:
    """The problems found on each HTML page, and the HTML pages seen."""
    seen, html, problems, frontier = set(), set(), {}, list(start)
    for _ in range(depth + 1):
        following = []
        for url in frontier:
            if url in seen or len(seen) >= limit:
                continue
            seen.add(url)
            response = client.get(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            html.add(url)
            if response.get("Content-Security-Policy") != settings.CONTENT_SECURITY_POLICY:
                problems.setdefault(url, []).append("no Content-Security-Policy header")
            audit = _Audit()
            audit.feed(response.content.decode())
            if audit.problems:
                problems[url] = audit.problems
            for link in audit.links:
                link = urldefrag(link).url
                if link.startswith("/") and not link.startswith("//") and not any(s in link for s in SKIP):
                    following.append(link)
        frontier = following
    return problems, html


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_of_each_persona_satisfy_the_policy(world, persona):
    client = Client()
    client.raise_request_exception = False
    client.force_login(world.users[persona])
    problems, pages = _crawl(client, ["/", *EXTRA])
    assert problems == {}
    assert len(pages) >= 10, sorted(pages)


def test_the_public_pages_satisfy_the_policy(world):
    client = Client()
    problems, pages = _crawl(client, ["/serve/", "/track/", "/accounts/login/", "/no-such-page/"], depth=1)
    assert problems == {}
    assert {"/serve/", "/track/", "/accounts/login/", "/no-such-page/"} <= pages


def test_the_demand_suggestions_fill_the_field_without_inline_script(world, login):
    client = login(world.users["community_a"])
    response = client.post("/demands/new/suggest/", {"description": "楼道灯坏了"})
    html = response.content.decode()
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
    assert 'data-fill-target="id_item"' in html
