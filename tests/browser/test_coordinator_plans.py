"""A community worker on a phone: from the dispatch board to the recurring plans, a refused plan
keeps what was typed, a monthly visit for seniors living alone is created, generated and paused;
then a task after a no-show is broadcast to several volunteers at once. In a real Chromium."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from linli.demands.tests.factories import submit
from linli.dispatch.models import Offer, RecurringPlan, Task
from linli.dispatch.services import task_create_for_demand
from linli.regions.models import Region
from linli.supply.tests.factories import make_volunteer
from linli.testing import PASSWORD, build_world
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TZ = dt.timezone(dt.timedelta(hours=8))


def _log_in(page, url, username):
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")


def test_a_coordinator_makes_generates_and_pauses_a_plan_on_a_phone(live_server, phone):
    world = build_world()
    Region.objects.filter(pk=world.grid_a1.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))
    page = phone
    _log_in(page, f"{live_server.url}/dispatch/board/", "community_a")
    page.wait_for_url(re.compile(r"/dispatch/board/$"))
    page.locator("a[href^='/dispatch/plans/']").click()
    page.wait_for_url(re.compile(r"/dispatch/plans/\?month="))

    form = page.locator("#plan-form")
    form.locator("select[name=item]").select_option("0101")
    form.locator("select[name=rule]").select_option("weekly")
    form.locator("input[name=start_time]").fill("08:30")
    form.locator("input[name=end_time]").fill("09:30")
    form.locator("select[name=target_tag]").select_option("elderly-living-alone")
    form.locator("button[name=create]").click()
    page.wait_for_load_state()
    assert page.locator("#plan-form .error").count() == 1  # weekly, but no weekday
    assert page.locator("#plan-form input[name=start_time]").input_value() == "08:30"
    assert RecurringPlan.objects.count() == 0
    form.locator("select[name=rule]").select_option("daily")
    form.locator("button[name=create]").click()
    page.wait_for_load_state()
    plan = RecurringPlan.objects.get()
    assert (plan.rule, plan.start_time, plan.target_tag.code) == ("daily", dt.time(8, 30), "elderly-living-alone")
    row = page.locator(f"[data-plan='{plan.pk}']")
    assert row.locator(".coverage strong.overdue").inner_text() == "0 / 1 (0%)"  # 张秀英, not visited yet
    page.screenshot(path=str(SCREENSHOTS / "coordinator_plans.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    row.locator("button[name=generate]").click()
    page.wait_for_load_state()
    assert Task.objects.filter(plan=plan).count() == 14
    page.locator(f"[data-plan='{plan.pk}'] button[name=pause]").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.active is False
    assert page.locator(f"[data-plan='{plan.pk}'] button[name=resume]").count() == 1


def test_a_coordinator_broadcasts_a_task_on_a_phone(live_server, phone):
    world = build_world()
    tomorrow = (dt.datetime.now(TZ) + dt.timedelta(days=1)).date()
    volunteers = [make_volunteer(region=world.grid_a1, name=f"志愿{i}", skills=["meal_delivery"],
                                 lat=f"{30.870 + 0.001 * (i + 1):.6f}",
                                 weekly=[(tomorrow.weekday(), dt.time(8, 0), dt.time(18, 0))]) for i in range(4)]
    demand = submit(world, item="0102", description="想请人中午送饭")
    demand.lat, demand.lon = Decimal("30.870000"), Decimal("120.090000")
    start = dt.datetime.combine(tomorrow, dt.time(11, 0), TZ)
    task = task_create_for_demand(user=world.users["community_a"], demand=demand, start=start,
                                  end=start + dt.timedelta(hours=1))
    page = phone
    _log_in(page, f"{live_server.url}/dispatch/tasks/{task.pk}/", "community_a")
    page.wait_for_url(re.compile(rf"/dispatch/tasks/{task.pk}/$"))
    page.locator("#broadcast input[name=count]").fill("3")
    page.locator("#broadcast button[name=broadcast]").click()
    page.wait_for_load_state()
    assert sorted(Offer.objects.filter(task=task, state="pending").values_list("volunteer_id", flat=True)) == sorted(
        v.pk for v in volunteers[:3])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "coordinator_broadcast.png"), full_page=True)
