"""Check-in and check-out only from an hour before the task to the end of its day, and the record
takes the real service time and day: no "0.0 小时" record dated days ahead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from linli.core.errors import DomainError
from linli.demands.tests.factories import submit
from linli.dispatch.models import Offer, Task
from linli.dispatch.services import (
    booking_check_in,
    booking_check_out,
    offer_accept,
    task_create_for_demand,
)
from linli.records.models import ServiceRecord
from linli.supply.tests.factories import make_volunteer
from linli.testing import make_user

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 26, 14, 0, tzinfo=TZ)  # Thursday, two days after the clock
pytestmark = pytest.mark.clock("2026-11-24T08:00:00+08:00")


def _booking(world):
    demand = submit(world, item="0102", description="每天中午送饭")
    demand.lat, demand.lon = Decimal("30.870000"), Decimal("120.090000")
    task = task_create_for_demand(user=world.users["community_a"], demand=demand, start=START,
                                  end=START + dt.timedelta(hours=1))
    volunteer = make_volunteer(region=world.grid_a1, user=make_user("小李"), name="小李", skills=("meal_delivery",),
                               lat="30.870000")
    Task.objects.filter(pk=task.pk).update(state="offered")
    offer = Offer.objects.create(task=task, volunteer=volunteer, distance_m=0, cost=0, method="batch",
                                 expires_at=START)
    return offer_accept(offer=offer, user=volunteer.user), volunteer


def _code(call):
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_check_in_days_ahead_is_refused_and_nothing_is_recorded(world):
    booking, volunteer = _booking(world)
    assert _code(lambda: booking_check_in(booking=booking, user=volunteer.user)) == "check_in_not_open"
    booking.refresh_from_db()
    assert (booking.checked_in_at, ServiceRecord.objects.count()) == (None, 0)


def test_check_in_opens_an_hour_before_the_start(world):
    booking, volunteer = _booking(world)
    with time_machine.travel(START - dt.timedelta(minutes=61), tick=False):
        assert _code(lambda: booking_check_in(booking=booking, user=volunteer.user)) == "check_in_not_open"
    with time_machine.travel(START - dt.timedelta(minutes=60), tick=False):
        assert booking_check_in(booking=booking, user=volunteer.user).checked_in_at == START - dt.timedelta(minutes=60)


def test_the_window_is_configurable(world, settings):
    settings.DISPATCH_CHECK_IN_EARLY_MINUTES = 15
    booking, volunteer = _booking(world)
    with time_machine.travel(START - dt.timedelta(minutes=16), tick=False):
        assert _code(lambda: booking_check_in(booking=booking, user=volunteer.user)) == "check_in_not_open"


def test_check_in_and_out_close_at_the_end_of_the_task_day(world):
    booking, volunteer = _booking(world)
    midnight = dt.datetime(2026, 11, 27, 0, 0, tzinfo=TZ)
    with time_machine.travel(midnight, tick=False):
        assert _code(lambda: booking_check_in(booking=booking, user=volunteer.user)) == "check_window_closed"
    with time_machine.travel(START, tick=False):
        booking_check_in(booking=booking, user=volunteer.user)
    with time_machine.travel(midnight, tick=False):
        assert _code(lambda: booking_check_out(booking=booking, user=volunteer.user)) == "check_window_closed"
    assert ServiceRecord.objects.count() == 0


def test_the_record_takes_the_real_time_and_day_of_the_service(world):
    booking, volunteer = _booking(world)
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        booking_check_in(booking=booking, user=volunteer.user)
    with time_machine.travel(START + dt.timedelta(minutes=50), tick=False):
        booking_check_out(booking=booking, user=volunteer.user)
    record = ServiceRecord.objects.get()
    assert (record.date, record.minutes) == (dt.date(2026, 11, 26), 45)
