"""A volunteer's home on a phone shows what they need now: the offer waiting for an answer, today's
task, hours and points; not the community's service menu with its codes; the profile is in the menu."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.demands.tests.factories import submit
from linli.dispatch.models import Offer, Task
from linli.dispatch.services import offer_accept, task_create_for_demand
from linli.ledger.tests.factories import confirmed, points_rule
from linli.supply.tests.factories import make_volunteer
from linli.testing import PASSWORD, build_world, make_user
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _task(world, start):
    demand = submit(world, item="0102", description="想请人中午送饭")
    demand.lat, demand.lon = Decimal("30.870000"), Decimal("120.090000")
    return task_create_for_demand(user=world.users["community_a"], demand=demand, start=start,
                                  end=start + dt.timedelta(hours=1))


def _offer(task, volunteer):
    Task.objects.filter(pk=task.pk).update(state="offered")
    return Offer.objects.create(task=task, volunteer=volunteer, distance_m=300, cost=300, method="batch",
                                expires_at=timezone.now() + dt.timedelta(hours=2))


def test_the_volunteer_home_shows_offers_today_hours_and_points(live_server, phone):
    world = build_world()
    user = make_user("zhao_volunteer")
    Membership.objects.create(user=user, role=Role.VOLUNTEER, region=world.community_a)
    volunteer = make_volunteer(region=world.grid_a1, user=user, name="赵志愿", skills=["meal_delivery"])
    points_rule(world, per_hour=10)
    confirmed(world, volunteer, minutes=150)  # 2.5 hours, 25 points
    now = timezone.localtime()
    # today's task (late enough in the day to stay today) and an offer for the day after tomorrow
    today_start = min(now + dt.timedelta(minutes=30), now.replace(hour=22, minute=0, second=0, microsecond=0))
    if today_start <= now:  # after 22:00: start a minute from now, still today
        today_start = now + dt.timedelta(minutes=1)
    booking = offer_accept(offer=_offer(_task(world, today_start), volunteer), user=user)
    later = (now + dt.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    offer = _offer(_task(world, later), volunteer)
    page = phone

    page.goto(f"{live_server.url}/me/hours/")
    page.fill("input[name=username]", "zhao_volunteer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/me/hours/$"))
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(SCREENSHOTS / "volunteer_home.png"), full_page=True)

    waiting = page.locator("#volunteer-now")
    assert "老年助餐" in waiting.locator(f"[data-offer='{offer.pk}']").inner_text()
    assert waiting.locator("a.button").inner_text() == "答复 1 个邀请"
    today = page.locator("#volunteer-today")
    assert today.locator(f"[data-booking='{booking.pk}']").count() == 1
    assert f"{today_start:%H:%M}" in today.inner_text()
    assert page.locator("#volunteer-wallet [data-hours]").inner_text() == "2.5"
    assert page.locator("#volunteer-wallet [data-points]").inner_text() == "25"
    assert page.locator(".menu-list").count() == 0  # not the service menu with codes
    assert page.locator("nav a", has_text="我的资料").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
