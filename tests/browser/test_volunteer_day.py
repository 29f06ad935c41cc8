"""A volunteer on a phone sees an offer that says where, when, what and how far, accepts it, and
checks in and out only around the task's time: in a real Chromium."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.demands.tests.factories import submit
from linli.dispatch.models import Booking, Offer
from linli.dispatch.services import dispatch_batch, task_create_for_demand
from linli.privacy.models import AccessLog
from linli.records.models import ServiceRecord
from linli.supply.tests.factories import make_volunteer
from linli.testing import PASSWORD, build_world, make_user
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TZ = dt.timezone(dt.timedelta(hours=8))


def _login(page, url):
    page.goto(url)
    page.fill("input[name=username]", "wang_volunteer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/dispatch/me/$"))


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

    _login(page, f"{live_server.url}/dispatch/me/")
    assert page.locator("h1").inner_text().startswith("我的任务")
    card = page.locator(f"[data-offer='{offer.pk}']")
    text = card.inner_text()
    assert "老年助餐" in text
    assert f"{start:%m-%d}" in text and "11:00–12:00" in text  # when
    assert world.grid_a1.name in text  # where
    assert "离家 111 米" in text  # how far (the volunteer lives 111 m south)
    assert "请在此前答复" in text
    page.screenshot(path=str(SCREENSHOTS / "volunteer_offer.png"), full_page=True)
    card.locator("button[name=accept]").click()
    page.wait_for_load_state()
    booking = Booking.objects.get()
    assert (booking.volunteer, booking.start) == (volunteer, start)
    row = page.locator(f"[data-booking='{booking.pk}']")
    # tomorrow's task: no check-in button today, only when it opens
    assert row.locator("button[name=check_in]").count() == 0
    assert row.locator(".check-window").inner_text() == f"{start - dt.timedelta(hours=1):%m-%d %H:%M} 起可签到"
    page.screenshot(path=str(SCREENSHOTS / "volunteer_booked.png"), full_page=True)
    # tomorrow morning (the 8-hour session has ended: log in again)
    with time_machine.travel(start - dt.timedelta(minutes=10), tick=False):
        page.context.clear_cookies()
        _login(page, f"{live_server.url}/dispatch/me/")
        # the resident's name since the booking; the number to call only today, after pressing (logged)
        assert world.resident_a1.name in row.locator("[data-contact]").inner_text()
        assert "138****1234" in row.inner_text()
        row.locator("button[name=reveal]").click()
        page.wait_for_load_state()
        assert row.locator("a[data-mobile]").get_attribute("href") == "tel:13800001234"
        assert AccessLog.objects.filter(actor=user, field="mobile", reason="contact").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "volunteer_contact.png"), full_page=True)
        row.locator("button[name=check_in]").click()
        page.wait_for_load_state()
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        page.reload()
        row.locator("button[name=check_out]").click()
        page.wait_for_load_state()
        page.screenshot(path=str(SCREENSHOTS / "volunteer_done.png"), full_page=True)
    booking.refresh_from_db()
    assert (booking.checked_in_at, booking.checked_out_at) == (start - dt.timedelta(minutes=10),
                                                               start + dt.timedelta(minutes=50))
    record = ServiceRecord.objects.get()
    assert (record.date, record.minutes) == (tomorrow, 60)  # the real time, capped at the task's hour
    assert page.locator(f"[data-booking='{booking.pk}'] .state").inner_text() == "已完成"
