"""A volunteer on a phone sees an offer, accepts it, checks in and checks out: in a real Chromium."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.demands.tests.factories import submit
from linli.dispatch.models import Booking, Offer
from linli.dispatch.services import dispatch_batch, task_create_for_demand
from linli.supply.tests.factories import make_volunteer
from linli.testing import PASSWORD, build_world, make_user
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TZ = dt.timezone(dt.timedelta(hours=8))


def test_a_volunteer_accepts_an_offer_and_checks_in_and_out(live_server, phone):
    world = build_world()
    user = make_user("wang_volunteer")
    Membership.objects.create(user=user, role=Role.VOLUNTEER, region=world.community_a)
    tomorrow = (dt.datetime.now(TZ) + dt.timedelta(days=1)).date()
    volunteer = make_volunteer(region=world.grid_a1, user=user, name="王志愿", skills=["meal_delivery"],
                               weekly=[(tomorrow.weekday(), dt.time(8, 0), dt.time(18, 0))])
    demand = submit(world, item="0102", description="想请人中午送饭")
    demand.lat, demand.lon = Decimal("30.871000"), Decimal("120.090000")
    start = dt.datetime.combine(tomorrow, dt.time(11, 0), TZ)
    task_create_for_demand(user=world.users["community_a"], demand=demand, start=start, end=start + dt.timedelta(hours=1))
    dispatch_batch(user=world.users["community_a"], region=world.community_a, day=tomorrow)
    offer = Offer.objects.get()
    page = phone

    page.goto(f"{live_server.url}/dispatch/me/")
    page.fill("input[name=username]", "wang_volunteer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/dispatch/me/$"))
    assert page.locator("h1").inner_text().startswith("我的任务")
    card = page.locator(f"[data-offer='{offer.pk}']")
    assert "老年助餐" in card.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "volunteer_offer.png"), full_page=True)
    card.locator("button[name=accept]").click()
    page.wait_for_load_state()
    booking = Booking.objects.get()
    assert (booking.volunteer, booking.start) == (volunteer, start)
    page.locator(f"[data-booking='{booking.pk}'] button[name=check_in]").click()
    page.wait_for_load_state()
    page.locator(f"[data-booking='{booking.pk}'] button[name=check_out]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "volunteer_done.png"), full_page=True)
    booking.refresh_from_db()
    assert booking.checked_in_at is not None and booking.checked_out_at is not None
    assert page.locator(f"[data-booking='{booking.pk}'] .state").inner_text() == "已完成"
