"""In a real Chromium the pages run under their Content-Security-Policy without a single
violation, and what used to be inline script still works: a suggested service fills the field."""

from __future__ import annotations

import re

import pytest

from linli.testing import PASSWORD, build_world
from tests.browser.conftest import needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));"""


def test_pages_run_under_the_policy_and_a_suggestion_fills_the_service(live_server, phone):
    world = build_world()
    page = phone
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    for path in ("/serve/", "/track/"):
        response = page.goto(f"{live_server.url}{path}")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("window.__csp") == []
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "community_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/$"))
    assert page.evaluate("window.__csp") == []
    page.goto(f"{live_server.url}/demands/new/?resident={world.resident_a1.pk}")
    page.fill("#id_description", "楼道灯坏了，晚上看不见")
    button = page.locator("#suggestions button.suggestion").first
    button.wait_for()
    code = button.get_attribute("data-fill-value")
    button.click()
    assert page.locator("#id_item").input_value() == code
    assert page.evaluate("window.__csp") == []
    assert console == []
