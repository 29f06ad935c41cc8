"""/track/ and /serve/ without an account are rate-limited per client address and per target, so the
mobile behind a tracking number cannot be guessed and nobody can text a stranger's phone on end."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from linli.core.ratelimit import client_ip
from linli.demands.models import Demand
from linli.demands.tests.factories import submit
from linli.notifications.models import Notification

RIGHT = "13912345678"
pytestmark = pytest.mark.clock("2026-11-24T10:00:00+08:00", tick=False)


@pytest.fixture
def demand(world):
    return submit(world, resident=None, item="1103", description="路灯坏了", contact_mobile=RIGHT,
                  user=world.users["community_a"], channel="phone")


def _guess(client, tracking, mobile, ip="203.0.113.7", **headers):
    return client.post(reverse("demands:track"), {"tracking_number": tracking, "mobile": mobile},
                       REMOTE_ADDR=ip, **headers)


def _serve(client, mobile, ip="203.0.113.7", **headers):
    return client.post(reverse("demands:serve"), {
        "item": "1103", "description": "楼道灯坏了", "community": "330502001001", "contact_mobile": mobile,
    }, REMOTE_ADDR=ip, **headers)


def test_after_ten_wrong_guesses_even_the_right_mobile_is_refused_with_429(demand, client):
    statuses = [_guess(client, demand.tracking_number, f"1390000{n:04d}").status_code for n in range(20)]
    assert statuses == [200] * 10 + [429] * 10
    right = _guess(client, demand.tracking_number, RIGHT)
    assert right.status_code == 429
    assert right["Retry-After"] == "3600"
    assert "尝试次数过多，请 60 分钟后再试。" in right.content.decode()
    assert client.get(reverse("demands:track_detail", args=[demand.tracking_number])).status_code == 404


def test_another_address_is_still_limited_for_that_tracking_number(demand, client):
    for n in range(10):
        _guess(client, demand.tracking_display.lower(), f"1390000{n:04d}", ip="203.0.113.7")
    assert _guess(client, demand.tracking_number, RIGHT, ip="198.51.100.20").status_code == 429


def test_the_owner_gets_in_once_the_window_has_passed(demand, client, _clock):
    for n in range(10):
        _guess(client, demand.tracking_number, f"1390000{n:04d}")
    _clock.shift(3600)
    right = _guess(client, demand.tracking_number, RIGHT)
    assert right.status_code == 302
    assert right["Location"] == reverse("demands:track_mobile")  # in: the code is texted to the phone


def test_the_daily_limit_per_tracking_number_outlasts_the_hour(demand, client, _clock):
    for hour in range(3):
        for n in range(10):
            assert _guess(client, demand.tracking_number, f"139{hour}000{n:04d}").status_code == 200
        _clock.shift(3600)
    refused = _guess(client, demand.tracking_number, RIGHT)  # 13:00 in Beijing, 05:00 UTC
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(19 * 3600)  # daily windows end at midnight UTC
    assert "尝试次数过多，请 19 小时后再试。" in refused.content.decode()


def test_one_address_is_limited_across_tracking_numbers(world, client):
    statuses = [_guess(client, f"ABCD{n:04d}", RIGHT).status_code for n in range(31)]
    assert statuses == [200] * 30 + [429]
    assert _guess(client, "ZZZZ0000", RIGHT, ip="198.51.100.20").status_code == 200


def test_a_forged_forwarded_for_header_does_not_change_the_address_in_embedded_mode(world, client, settings):
    assert settings.PROXY_HOPS == 0
    statuses = [_guess(client, f"ABCD{n:04d}", RIGHT, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(31)]
    assert statuses[-1] == 429


def test_behind_the_proxy_the_address_it_appended_counts():
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    from django.test import override_settings

    with override_settings(PROXY_HOPS=0):
        assert client_ip(request) == "127.0.0.1"
    with override_settings(PROXY_HOPS=1):
        assert client_ip(request) == "203.0.113.7"
    with override_settings(PROXY_HOPS=2):
        assert client_ip(request) == "10.9.9.9"
    v6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa:bbbb:cccc:dddd")
    assert client_ip(v6) == "2001:db8:1:2::/64"


def test_five_submissions_text_one_mobile_then_the_page_refuses_and_sends_nothing(world, client):
    statuses = [_serve(client, RIGHT, ip=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [302] * 5
    sent = Notification.objects.count()
    refused = _serve(client, "139 1234 5678", ip="198.51.100.99")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    page = refused.content.decode()
    assert "尝试次数过多，请 60 分钟后再试。" in page and "如有急事，请直接打电话给社区。" in page
    assert (Demand.objects.count(), Notification.objects.count()) == (5, sent)


def test_one_address_may_submit_twenty_times_an_hour(world, client):
    statuses = [_serve(client, f"1391234{n:04d}").status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]
    assert Demand.objects.count() == 20


def test_no_mobile_or_tracking_number_is_kept_in_the_cache(demand, client):
    _serve(client, "13912340000")
    _guess(client, demand.tracking_number, RIGHT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM linli_cache")
        keys = [row[0] for row in cursor.fetchall()]
    # serve: the address (1 window), the mobile (2); track: the address (1), the number (2); the code
    # texted on the right guess: the mobile (2; the address is serve's own key)
    assert len(keys) == 8
    assert not [k for k in keys if "1391234" in k or demand.tracking_number in k or "203.0.113.7" in k]


def test_logged_in_residents_are_not_counted(world, login):
    client = login(world.users["resident_a1"])
    statuses = [client.post(reverse("demands:serve"), {"item": "0102", "description": f"送饭 {n}"}).status_code
                for n in range(21)]
    assert statuses == [302] * 21
