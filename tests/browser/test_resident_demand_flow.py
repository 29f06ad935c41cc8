"""A resident on a phone asks for a service without an account, follows it by tracking number and
mobile number, and rates it once it is resolved: the whole flow in a real Chromium."""

from __future__ import annotations

import re

import pytest

from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.notifications.models import Notification
from linli.testing import build_world
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_resident_submits_follows_and_rates_a_demand_on_a_phone(live_server, phone):
    world = build_world()
    page = phone

    page.goto(f"{live_server.url}/serve/")
    assert page.locator("h1").inner_text().strip() == "我要服务"
    page.select_option("select[name=item]", "1103")
    page.fill("textarea[name=description]", "3栋2单元楼道灯坏了一个星期，老人晚上下楼看不见")
    page.select_option("select[name=community]", "330502001001")
    page.fill("input[name=contact_mobile]", "13912345678")
    page.screenshot(path=str(SCREENSHOTS / "serve_form.png"), full_page=True)
    page.click("#serve-form button[type=submit]")

    page.wait_for_url(re.compile(r"/track/[0-9A-Z]{8}/$"))
    demand = Demand.objects.get()
    assert page.locator("[data-tracking]").inner_text().strip() == demand.tracking_display
    assert page.locator("[data-state]").get_attribute("data-state") == "submitted"

    # The community assigns it and the provider resolves it.
    demand_transition(demand=demand, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    demand.refresh_from_db()
    demand_transition(demand=demand, user=world.users["org_admin_a"], action="resolve", note="已更换灯泡")

    # Later, in a new session, the resident comes back with the tracking number and mobile number.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/track/")
    page.fill("input[name=tracking_number]", demand.tracking_display)
    page.fill("input[name=mobile]", "13912345678")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#code-form")  # the phone proves it's theirs: a code is texted to it
    code = re.search(r"\b(\d{6})\b", Notification.objects.filter(template="track_code").latest("id").body).group(1)
    page.fill("#code-form input[name=code]", code)
    page.click("#code-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/track/{demand.tracking_number}/$"))
    assert page.locator("[data-state]").get_attribute("data-state") == "resolved"

    page.locator("#rate-form label.star").first.click()  # five stars
    page.fill("#rate-form textarea[name=comment]", "修得很快，谢谢")
    page.click("#rate-form button[type=submit]")
    page.wait_for_load_state()
    page.click("#verdict button[name=confirm]")
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "track_rated.png"), full_page=True)

    demand.refresh_from_db()
    assert (demand.state, demand.rating, demand.rating_comment) == ("closed", 5, "修得很快，谢谢")
    assert page.locator("[data-state]").get_attribute("data-state") == "closed"
