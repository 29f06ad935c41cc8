"""Check-out never half-happens: the booking checked out, the task done and the pending service
record are written together or not at all, and checking out again after a fault completes it.

The faults are real: the process dies (an exception) or the database connection is killed
(``pg_terminate_backend`` on PostgreSQL) between the booking's update and the record's creation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from linli.core.errors import DomainError
from linli.demands.tests.factories import submit
from linli.dispatch.models import Booking, Offer, Task
from linli.dispatch.services import (
    booking_check_in,
    booking_check_out,
    offer_accept,
    task_create_for_demand,
)
from linli.records import services as records
from linli.records.models import ServiceRecord
from linli.supply.tests.factories import make_volunteer
from linli.testing import build_world, make_user, terminate_backend

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="terminating a backend needs PostgreSQL")


class Crash(Exception):
    pass


def _checked_in(world):
    """A volunteer checked in to a task that started half an hour ago."""
    now = timezone.now()
    demand = submit(world, item="0102", description="每天中午送饭")
    demand.lat, demand.lon = Decimal("30.870000"), Decimal("120.090000")
    task = task_create_for_demand(user=world.users["community_a"], demand=demand, start=now - dt.timedelta(minutes=30),
                                  end=now + dt.timedelta(minutes=30))
    volunteer = make_volunteer(region=world.grid_a1, user=make_user("小李"), name="小李", skills=("meal_delivery",),
                               lat="30.870000")
    Task.objects.filter(pk=task.pk).update(state="offered")
    offer = Offer.objects.create(task=task, volunteer=volunteer, distance_m=0, cost=0, method="batch",
                                 expires_at=now + dt.timedelta(hours=1))
    booking = offer_accept(offer=offer, user=volunteer.user)
    return booking_check_in(booking=booking, user=volunteer.user), volunteer


def _state(booking):
    booking.refresh_from_db()
    return (booking.checked_out_at is not None, Task.objects.get(pk=booking.task_id).state,
            ServiceRecord.objects.filter(booking=booking).count())


def test_a_crash_before_the_record_leaves_the_check_out_undone_and_checking_out_again_completes_it(world, monkeypatch):
    booking, volunteer = _checked_in(world)

    def crash(_booking):
        raise Crash("the server died between the check-out and the record")

    monkeypatch.setattr(records, "record_from_booking", crash)
    with pytest.raises(Crash):
        booking_check_out(booking=booking, user=volunteer.user)
    assert _state(booking) == (False, "booked", 0)  # untouched

    monkeypatch.undo()
    booking_check_out(booking=booking, user=volunteer.user)
    assert _state(booking) == (True, "done", 1)  # whole
    record = ServiceRecord.objects.get(booking=booking)
    assert (record.volunteer_id, record.state, record.minutes) == (volunteer.pk, "pending", 1)
    with pytest.raises(DomainError) as caught:
        booking_check_out(booking=booking, user=volunteer.user)
    assert caught.value.code == "already_checked_out"
    assert ServiceRecord.objects.filter(booking=booking).count() == 1


def test_a_check_out_left_half_done_by_the_old_code_is_completed_by_checking_out_again(world):
    booking, volunteer = _checked_in(world)
    Booking.objects.filter(pk=booking.pk).update(checked_out_at=timezone.now())  # what the old code left
    Task.objects.filter(pk=booking.task_id).update(state="done")

    booking_check_out(booking=booking, user=volunteer.user)

    assert _state(booking) == (True, "done", 1)


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_killed_between_the_check_out_and_the_record_is_retried_to_the_end(monkeypatch):
    world = build_world()
    booking, volunteer = _checked_in(world)
    make_record, killed = records.record_from_booking, []

    def kill_then_record(b):
        if not killed:  # the first time: the database connection dies here
            killed.append(terminate_backend())
            Booking.objects.filter(pk=b.pk).exists()  # the next statement finds the connection gone
        return make_record(b)

    monkeypatch.setattr(records, "record_from_booking", kill_then_record)
    booking_check_out(booking=booking, user=volunteer.user)

    assert len(killed) == 1
    assert connection.connection.info.backend_pid != killed[0]  # done again on a new connection
    assert _state(booking) == (True, "done", 1)
