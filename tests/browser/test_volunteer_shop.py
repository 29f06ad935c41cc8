"""A volunteer on a phone sees their hours and points, redeems an item in the 爱心铺, gets a pickup
code, and the shop keeper hands it over: in a real Chromium."""

from __future__ import annotations

import re

import pytest

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.ledger.models import Ledger
from linli.ledger.services import volunteer_account
from linli.ledger.tests.factories import confirmed, points_rule
from linli.shop.models import Redemption
from linli.shop.tests.factories import stocked_item
from linli.supply.tests.factories import make_volunteer
from linli.testing import PASSWORD, build_world, make_user
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _login(page, url, username):
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")


def test_a_volunteer_redeems_an_item_on_a_phone(live_server, phone):
    world = build_world()
    user = make_user("li_volunteer")
    Membership.objects.create(user=user, role=Role.VOLUNTEER, region=world.community_a)
    volunteer = make_volunteer(region=world.grid_a1, user=user, name="李志愿")
    points_rule(world, per_hour=10)
    confirmed(world, volunteer, minutes=6 * 60)  # 60 points, 6 hours
    item = stocked_item(world, name="食用油 1.8L", price=40, stock=2)
    page = phone

    _login(page, f"{live_server.url}/me/hours/", "li_volunteer")
    page.wait_for_url(re.compile(r"/me/hours/$"))
    assert page.locator("[data-ledger=hours] strong").inner_text() == "6.0"
    assert page.locator("[data-ledger=points] strong").inner_text() == "60"
    page.screenshot(path=str(SCREENSHOTS / "volunteer_wallet.png"), full_page=True)
    page.locator("[data-ledger=points] a").click()
    page.wait_for_url(re.compile(r"/shop/$"))
    row = page.locator(f"[data-item='{item.pk}']")
    assert "食用油" in row.inner_text() and "剩余 2" in row.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the shop page scrolls sideways on a phone ({width}px)"
    row.locator("button[name=redeem]").click()
    page.wait_for_load_state()
    # first a confirmation that says what it costs and where and when to collect: nothing taken yet
    assert page.locator("h1").inner_text() == "确认兑换" and Redemption.objects.count() == 0
    assert page.locator("[data-where]").inner_text() == f"{world.community_a.name}爱心铺"
    assert page.locator("[data-when]").inner_text() == "开放时间请询问爱心铺管理员"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "volunteer_redeem_confirm.png"), full_page=True)
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    redemption = Redemption.objects.get()
    code = page.locator(f"[data-redemption='{redemption.pk}'] [data-code]").inner_text()
    assert code == redemption.pickup_code and "20 积分" in page.locator("#points").inner_text()
    # a second one would need 40 points: the button says no before the server has to
    assert page.locator(f"[data-item='{item.pk}'] button[name=redeem]").is_disabled()
    page.screenshot(path=str(SCREENSHOTS / "volunteer_redeemed.png"), full_page=True)
    assert volunteer_account(volunteer, Ledger.HOURS).balance == 360  # spending points leaves hours alone

    page.context.clear_cookies()
    _login(page, f"{live_server.url}/shop/keeper/", "community_a")
    page.wait_for_url(re.compile(r"/shop/keeper/$"))
    page.fill("#code", code)
    page.click("#pickup button[type=submit]")
    page.wait_for_load_state()
    assert "李志愿" in page.locator(".messages").inner_text()
    redemption.refresh_from_db()
    assert redemption.state == "picked_up"
