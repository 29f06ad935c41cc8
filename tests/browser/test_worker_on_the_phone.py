"""The grid worker on the phone, in Chinese on a phone screen: a caller who is not in the register is
served from the quick recording page; the queue opens with what needs attention first and its total;
the demand's page offers no preselected unit and a merge for a repeat; the inbox groups by kind."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from linli.demands.models import Demand
from linli.demands.tests.factories import submit
from linli.testing import PASSWORD, build_world
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_load_state()


def test_a_worker_serves_a_caller_not_in_the_register_and_works_the_queue(live_server, phone):
    world = build_world()
    first = submit(world, item="0102", description="想请人送饭")
    late = submit(world, item="1001", description="家里需要打扫一下")
    Demand.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    page = phone
    _login(page, live_server.url, "community_a")

    page.goto(f"{live_server.url}/demands/new/")
    page.fill("#resident-q", "赵大妈")
    page.wait_for_selector("#resident-results a[href='#caller']")
    assert page.locator("#resident-results").inner_text().strip().endswith("为未在册的来电人登记")
    page.fill("input[name=caller_name]", "赵大妈")
    page.fill("input[name=caller_mobile]", "13700004321")
    page.fill("input[name=caller_address]", "5幢302")
    page.select_option("select[name=caller_region]", world.grid_a1.code)
    page.select_option("select[name=item]", "0102")
    page.fill("textarea[name=description]", "电话：腿脚不便，想每天中午送饭")
    page.screenshot(path=str(SCREENSHOTS / "record_caller.png"), full_page=True)
    page.click("#record-form button[type=submit]")
    page.wait_for_url(re.compile(r"/demands/\d+/$"))
    recorded = Demand.objects.order_by("-pk").first()
    assert (recorded.contact_name, recorded.resident_id) == ("赵大妈", None)
    unit = page.locator("select[name=assignee_org]").first
    assert unit.evaluate("s => s.options[s.selectedIndex].text") == "请选择"
    page.screenshot(path=str(SCREENSHOTS / "demand_detail_caller.png"), full_page=True)

    page.goto(f"{live_server.url}/demands/")
    assert page.locator("#queue-total").inner_text().strip() == "共 3 件"
    first_row = page.locator("table.demands tbody tr").first
    assert late.tracking_display in first_row.inner_text()  # overdue first
    caller_row = page.locator("table.demands tbody tr", has_text=recorded.tracking_display)
    assert caller_row.locator("td[data-label='居民']").inner_text().strip() == "赵大妈"
    page.screenshot(path=str(SCREENSHOTS / "queue_attention.png"), full_page=True)

    repeat = submit(world, item="0102", description="还是送饭的事")
    page.goto(f"{live_server.url}/demands/{repeat.pk}/")
    page.locator("#duplicates").screenshot(path=str(SCREENSHOTS / "demand_duplicates.png"))
    page.click(f"button.merge:has-text('{first.tracking_display}')")
    page.wait_for_url(re.compile(rf"/demands/{repeat.pk}/$"))
    assert Demand.objects.get(pk=repeat.pk).state == "duplicate"
    page.screenshot(path=str(SCREENSHOTS / "demand_merged.png"), full_page=True)


def test_the_inbox_puts_crisis_first_and_digests_many_of_a_kind(live_server, phone):
    world = build_world()
    worker = world.users["community_a"]
    for i in range(4):
        submit(world, item="1001", description=f"第{i}件：家里需要打扫")
    Demand.objects.update(due_at=timezone.now() + dt.timedelta(hours=1))
    from linli.demands.tasks import sweep

    assert sweep()["reminders"] == 4
    submit(world, item="0108", description="老伴走了以后，觉得活着没意思")  # the social worker hears of it
    page = phone
    _login(page, live_server.url, worker.username)
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("#inbox-unread > li").count() == 1
    assert page.locator("#inbox-unread > li summary").inner_text().startswith("即将超期：4 条未读")
    page.screenshot(path=str(SCREENSHOTS / "inbox_digest.png"), full_page=True)
    page.context.clear_cookies()
    _login(page, live_server.url, "social_a")
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("#inbox-unread > li").first.get_attribute("data-kind") == "demand_crisis"
