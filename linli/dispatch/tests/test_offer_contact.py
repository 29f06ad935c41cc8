"""An offer says where, when, what and how far, but not who: the resident's name comes with the
booking, and the number to call only to the booked volunteer, on the task's day, logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from linli.core.errors import DomainError
from linli.demands.tests.factories import submit
from linli.dispatch.models import Offer, Task
from linli.dispatch.services import booking_contact_reveal, offer_accept, task_create_for_demand
from linli.privacy.models import AccessLog
from linli.supply.tests.factories import make_volunteer
from linli.testing import make_user

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 26, 14, 0, tzinfo=TZ)  # two days after the clock
pytestmark = pytest.mark.clock("2026-11-24T08:00:00+08:00")


@pytest.fixture
def offered(world):
    demand = submit(world, item="0102", description="每天中午送饭")
    demand.lat, demand.lon = Decimal("30.870000"), Decimal("120.090000")
    task = task_create_for_demand(user=world.users["community_a"], demand=demand, start=START,
                                  end=START + dt.timedelta(hours=1))
    volunteer = make_volunteer(region=world.grid_a1, user=make_user("小李"), name="小李", skills=("meal_delivery",))
    Task.objects.filter(pk=task.pk).update(state="offered")
    offer = Offer.objects.create(task=task, volunteer=volunteer, distance_m=1234, cost=0, method="batch",
                                 expires_at=START - dt.timedelta(hours=12))
    return offer, volunteer


def test_the_offer_says_where_when_what_and_how_far_but_not_who(world, offered, login):
    offer, volunteer = offered
    page = login(volunteer.user).get("/dispatch/me/").content.decode()
    card = page.split(f'data-offer="{offer.pk}"', 1)[1].split("</li>", 1)[0]
    assert "老年助餐" in card and "11-26" in card and "14:00–15:00" in card
    assert world.micro_a1.name in card
    assert "离家 1.2 公里" in card
    assert world.resident_a1.name not in page and "1234" not in card.replace("1.2", "")


def test_after_accepting_the_name_shows_and_the_number_stays_masked_until_the_day(world, offered, login):
    offer, volunteer = offered
    booking = offer_accept(offer=offer, user=volunteer.user)
    page = login(volunteer.user).get("/dispatch/me/").content.decode()
    assert world.resident_a1.name in page and "138****1234" in page and "13800001234" not in page
    assert "服务当天可查看电话" in page and 'name="reveal"' not in page
    with pytest.raises(DomainError) as caught:
        booking_contact_reveal(booking=booking, user=volunteer.user)
    assert caught.value.code == "contact_not_today"
    assert AccessLog.objects.count() == 0


def test_on_the_day_the_booked_volunteer_reveals_the_number_and_it_is_logged(world, offered, login):
    offer, volunteer = offered
    booking = offer_accept(offer=offer, user=volunteer.user)
    client = login(volunteer.user)
    with time_machine.travel(START - dt.timedelta(hours=3), tick=False):
        client.force_login(volunteer.user)
        assert 'name="reveal"' in client.get("/dispatch/me/").content.decode()
        page = client.post(f"/dispatch/bookings/{booking.pk}/contact/").content.decode()
    assert 'href="tel:13800001234"' in page
    log = AccessLog.objects.get()
    assert (log.actor, log.resident, log.field, log.reason, log.action) == (
        volunteer.user, world.resident_a1, "mobile", "contact", "reveal")
    assert log.detail.startswith(f"booking {booking.pk} demand ")
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=TZ), tick=False):
        with pytest.raises(DomainError) as caught:
            booking_contact_reveal(booking=booking, user=volunteer.user)
    assert caught.value.code == "contact_not_today"


def test_nobody_else_reveals_the_number(world, offered, login):
    offer, volunteer = offered
    booking = offer_accept(offer=offer, user=volunteer.user)
    other = make_volunteer(region=world.grid_a1, user=make_user("小王"), name="小王")
    with time_machine.travel(START, tick=False):
        client = login(other.user)
        assert client.post(f"/dispatch/bookings/{booking.pk}/contact/").status_code == 404
        with pytest.raises(DomainError):
            booking_contact_reveal(booking=booking, user=other.user)
    assert AccessLog.objects.count() == 0
