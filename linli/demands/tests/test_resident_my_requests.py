"""Finding one's requests: the full tracking link in every message, and by mobile with a one-time code."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from linli.demands.models import Demand
from linli.demands.public import SESSION_KEY
from linli.demands.tests.factories import submit
from linli.notifications.models import Notification


@pytest.fixture(autouse=True)
def _no_limits(settings):
    settings.RATE_LIMITS = {}


def test_the_receipt_carries_the_full_link_with_the_tracking_number(world, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.org/"
    d = submit(world, resident=None, item="1103", description="路灯坏了", contact_mobile="13912345678",
               user=world.users["community_a"], channel="phone")
    sms = Notification.objects.get(template="demand_received")
    link = f"https://linli.example.org/track/?n={d.tracking_number}"
    assert link in sms.body
    assert sms.link == link


def test_the_tracking_link_fills_in_the_number(world, client):
    page = client.get(reverse("demands:track"), {"n": "abcd-2345"})
    assert page.context["form"]["tracking_number"].value() == "ABCD2345"


def test_a_logged_in_resident_sees_my_demands_in_words_they_understand(world, login):
    d = submit(world, item="0102", description="送饭")
    Demand.objects.filter(pk=d.pk).update(state="triaged")
    client = login(world.users["resident_a1"])
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("core:home")).content.decode()
    assert "我的需求" in page and d.tracking_display in page and "已安排处理" in page


def _code(mobile_masked: str) -> str:
    sms = Notification.objects.filter(template="track_code").latest("id")
    assert sms.address_masked == mobile_masked
    return re.search(r"\b(\d{6})\b", sms.body).group(1)


def test_requests_are_found_by_mobile_with_a_one_time_code(world, client):
    d = submit(world, resident=None, item="1103", description="路灯坏了", contact_mobile="13912345678",
               user=world.users["community_a"], channel="phone")
    other = submit(world, resident=None, item="1103", description="井盖松了", contact_mobile="13700000000",
                   user=world.users["community_a"], channel="phone")
    url = reverse("demands:track_mobile")
    client.post(url, {"do": "send", "mobile": "139 1234 5678"})
    code = _code("139****5678")
    wrong = client.post(url, {"do": "check", "code": "000000" if code != "000000" else "111111"})
    assert wrong.context["code_form"].errors["code"] and "found" not in wrong.context
    page = client.post(url, {"do": "check", "code": code}, follow=True)
    assert [x.pk for x in page.context["found"]] == [d.pk]
    assert other.pk not in client.session[SESSION_KEY]
    assert client.get(reverse("demands:track_detail", args=[d.tracking_number])).status_code == 200
    assert client.get(reverse("demands:track_detail", args=[other.tracking_number])).status_code == 404


def test_a_code_is_good_for_five_guesses_and_ten_minutes(world, client):
    url = reverse("demands:track_mobile")
    with time_machine.travel("2026-03-02 08:00 +0800", tick=False) as clock:
        client.post(url, {"do": "send", "mobile": "13912345678"})
        code = _code("139****5678")
        clock.shift(601)
        late = client.post(url, {"do": "check", "code": code})
        assert "found" not in late.context
        client.post(url, {"do": "send", "mobile": "13912345678"})
        code = _code("139****5678")
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            client.post(url, {"do": "check", "code": wrong})
        spent = client.post(url, {"do": "check", "code": code})
        assert "found" not in spent.context


def test_my_demands_include_what_the_resident_reported_about_a_public_place(world, login):
    client = login(world.users["resident_a1"])
    client.post(reverse("demands:serve"), {"item": "1103", "description": "楼下路灯坏了", "public_area": "on"})
    d = Demand.objects.get()
    assert (d.resident, d.consent, d.created_by) == (None, "public_area", world.users["resident_a1"])
    assert [x.pk for x in client.get(reverse("demands:track")).context["mine"]] == [d.pk]
