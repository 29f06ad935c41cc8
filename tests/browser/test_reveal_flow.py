"""A community worker finds a resident on a phone, reveals the ID number with a reason, and the
access log records it: the whole flow in a real Chromium, through the login form and htmx."""

from __future__ import annotations

import re

import pytest

from linli.privacy.models import AccessLog
from linli.testing import PASSWORD, build_world
from tests.browser.conftest import SCREENSHOTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]


# serialized_rollback: the catalog and the tag vocabulary come from data migrations, and a
# transactional test empties the tables when it ends; this restores them before the test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_community_worker_reveals_an_id_number_with_a_reason(live_server, phone):
    world = build_world()
    resident = world.resident_a1
    page = phone

    page.goto(f"{live_server.url}/residents/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "community_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/residents/$"))

    row = page.locator("tr", has_text=resident.name)
    masked = row.locator("td.mono").first.inner_text().strip()
    assert re.fullmatch(r"3\*{16}[\dX]", masked), masked
    assert masked == resident.id_number_masked
    assert resident.id_number not in page.content()

    page.screenshot(path=str(SCREENSHOTS / "resident_list.png"), full_page=True)

    row.locator("a", has_text=resident.name).click()
    page.wait_for_url(re.compile(rf"/residents/{resident.pk}/$"))
    # The default language is Chinese: the labels a worker reads are translated, not English.
    assert page.locator("h2", has_text="身份证号码与手机号码").count() == 1
    assert page.get_by_text("Identifiers", exact=True).count() == 0
    block = page.locator("#reveal-id_number")
    block.locator("summary").click()
    block.locator("select[name=reason]").select_option("verify_identity")
    block.locator("button[type=submit]").click()

    revealed = page.locator('#reveal-id_number [data-revealed="id_number"]')
    revealed.wait_for()
    assert revealed.inner_text().strip() == resident.id_number
    assert page.url.endswith(f"/residents/{resident.pk}/")  # swapped in place by htmx, no reload
    page.locator("#access-log td", has_text="community_a").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "resident_reveal.png"), full_page=True)

    log = AccessLog.objects.get()
    assert (log.actor, log.resident, log.field, log.reason, log.action) == (
        world.users["community_a"], resident, "id_number", "verify_identity", "reveal",
    )
