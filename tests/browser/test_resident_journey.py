"""A resident on a phone, from the public front page: asks for help for herself, finds the request
again by mobile number with a code, reads what was done and by whom, and gives one verdict."""

from __future__ import annotations

import re

import pytest

from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.notifications.models import Notification
from linli.regions.models import Level
from linli.regions.services import region_create
from linli.testing import build_world
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_resident_goes_from_the_front_page_to_the_answer_and_one_verdict(live_server, phone, settings):
    settings.RATE_LIMITS = {}
    world = build_world()
    building = region_create(parent=world.micro_a1, level=Level.BUILDING, name="5幢", code="330502001001-G01-M1-B05")
    page = phone

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text().strip() == "邻里服务"
    assert page.locator("#landing-staff a").inner_text().strip() == "登录"
    page.screenshot(path=str(SCREENSHOTS / "resident_landing.png"), full_page=True)
    page.click("#landing-actions a.button-primary")
    page.wait_for_url(re.compile(r"/serve/$"))
    page.select_option("select[name=item]", "0102")
    page.fill("textarea[name=description]", "我腿脚不便，想请人每天中午送一份饭")
    assert not page.locator("input[name=public_area]").is_checked()
    page.select_option("select[name=community]", "330502001001")
    page.fill("input[name=address]", "5幢3单元402")
    page.fill("input[name=contact_name]", "赵阿姨")
    page.fill("input[name=contact_mobile]", "13712345678")
    page.screenshot(path=str(SCREENSHOTS / "resident_serve.png"), full_page=True)
    page.click("#serve-form button[type=submit]")
    page.wait_for_url(re.compile(r"/track/[0-9A-Z]{8}/$"))
    demand = Demand.objects.get()
    assert (demand.region, demand.consent, demand.contact_name) == (building, "self", "赵阿姨")
    assert page.locator("[data-state]").inner_text().strip() == "已受理，等待处理"

    demand_transition(demand=demand, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    demand.refresh_from_db()
    demand_transition(demand=demand, user=world.users["org_admin_a"], action="resolve", note="已安排志愿者每天11点送餐上门")

    # A new session, no tracking number at hand: the mobile number and a code.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/track/")
    page.click("#by-mobile")
    page.fill("#mobile-form input[name=mobile]", "13712345678")
    page.click("#mobile-form button[type=submit]")
    page.wait_for_selector("#code-form")
    code = re.search(r"\b(\d{6})\b", Notification.objects.filter(template="track_code").latest("id").body).group(1)
    page.fill("#code-form input[name=code]", code)
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#my-requests")
    page.screenshot(path=str(SCREENSHOTS / "resident_my_requests.png"), full_page=True)
    page.click(f"#my-requests a[href$='/track/{demand.tracking_number}/']")
    page.wait_for_url(re.compile(rf"/track/{demand.tracking_number}/$"))
    assert page.locator("[data-answer-note]").inner_text().strip() == "已安排志愿者每天11点送餐上门"
    assert page.locator("[data-answer-who]").inner_text().strip() == "西林寺邻里互助社"

    page.locator("#rate-form label.star", has_text="非常满意").click()
    page.fill("#rate-form textarea[name=comment]", "送得很准时")
    page.click("#rate-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#rate-form").count() == 0
    assert page.locator("#your-verdict").inner_text().strip() == "非常满意 · 送得很准时"
    page.click("#verdict button[name=confirm]")
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "resident_answer.png"), full_page=True)
    timeline = page.locator("ol.timeline li").all_inner_texts()
    labels = [re.sub(r"^\S+ \S+ ", "", t).strip() for t in timeline]
    assert labels == ["已受理", "已交由服务单位处理", "已办结，请确认", "您已评价", "已完成"]


def test_the_worker_confirms_who_asked_and_calls_back_on_a_phone(live_server, phone, settings):
    from linli.privacy.models import AccessLog
    from linli.testing import PASSWORD

    settings.RATE_LIMITS = {}
    world = build_world()
    page = phone
    page.goto(f"{live_server.url}/serve/")
    page.select_option("select[name=item]", "0102")
    page.fill("textarea[name=description]", "想请人中午送饭")
    page.select_option("select[name=community]", "330502001001")
    page.fill("input[name=contact_name]", "李师傅")
    page.fill("input[name=contact_mobile]", "13900005678")
    page.click("#serve-form button[type=submit]")
    page.wait_for_url(re.compile(r"/track/[0-9A-Z]{8}/$"))
    demand = Demand.objects.get()
    assert demand.resident is None

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "community_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/demands/{demand.pk}/")
    panel = page.locator("#contact-panel")
    assert "李建国" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "worker_contact_panel.png"), full_page=True)
    panel.locator(f"[data-candidate='{world.resident_a2.pk}'] button").click()
    page.wait_for_load_state()
    demand.refresh_from_db()
    assert demand.resident == world.resident_a2
    page.select_option("#contact-reason", "contact")
    page.click("#contact-reveal button[type=submit]")
    page.wait_for_selector("#revealed-mobile")
    assert page.locator("#revealed-mobile").inner_text().strip() == "13900005678"
    assert AccessLog.objects.filter(field="demand.contact_mobile", actor=world.users["community_a"]).count() == 1
