"""The coordinator's side: a task from a demand's page, the board, picking from the shortlist,
and a no-show passed to a stand-in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.demands.models import Demand
from linli.demands.tests.factories import submit
from linli.dispatch.models import Booking, Offer, Task
from linli.dispatch.services import booking_no_show, offer_accept, offer_make
from linli.dispatch.tests.test_offers import DAY, NOON, _offered, _task, _volunteer


def test_a_task_is_made_from_the_demand_page_and_opens_its_shortlist(world, login):
    near = _volunteer(world, "near", north_m=200)
    demand = submit(world, item="0102", description="送饭")
    Demand.objects.filter(pk=demand.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))
    client = login(world.users["community_a"])
    assert "to-volunteers" in client.get(f"/demands/{demand.pk}/").content.decode()
    response = client.post(f"/dispatch/demands/{demand.pk}/task/", {"day": DAY.isoformat(), "start": "11:00", "end": "12:00"})
    task = Task.objects.get()
    assert response["Location"] == f"/dispatch/tasks/{task.pk}/"
    assert (task.start, task.item.code, task.skills) == (NOON, "0102", ["meal_delivery"])
    page = client.get(f"/dispatch/tasks/{task.pk}/")
    assert [(pk, name) for pk, name, _c in page.context["candidates"]] == [(near.pk, "near")]


def test_bad_times_on_the_demand_page_make_no_task(world, login):
    demand = submit(world, item="0102", description="送饭")
    client = login(world.users["community_a"])
    client.post(f"/dispatch/demands/{demand.pk}/task/", {"day": DAY.isoformat(), "start": "12:00", "end": "11:00"})
    client.post(f"/dispatch/demands/{demand.pk}/task/", {"day": "tomorrow", "start": "11:00", "end": "12:00"})
    assert Task.objects.count() == 0


def test_the_coordinator_asks_a_chosen_volunteer_who_still_decides(world):
    near, far = _volunteer(world, "near", north_m=200), _volunteer(world, "far", north_m=900)
    task = _task(world)
    offer = offer_make(user=world.users["community_a"], task=task, volunteer_id=far.pk)
    assert (offer.volunteer, offer.method, offer.reasons[0]) == (far, "chosen", "chosen_by_coordinator")
    with pytest.raises(DomainError) as caught:
        offer_make(user=world.users["community_a"], task=task, volunteer_id=near.pk)
    assert caught.value.code == "task_not_open"
    assert Booking.objects.count() == 0  # nothing booked until the volunteer accepts


def test_an_unsuitable_volunteer_cannot_be_chosen(world):
    visitor = _volunteer(world, "visitor", skills=("visit",))
    task = _task(world)
    with pytest.raises(DomainError) as caught:
        offer_make(user=world.users["community_a"], task=task, volunteer_id=visitor.pk)
    assert caught.value.code == "volunteer_unsuitable"


def test_a_no_show_frees_the_time_and_asks_a_stand_in(world, login):
    near, far = _volunteer(world, "near", north_m=200), _volunteer(world, "far", north_m=900)
    past = timezone.now() - dt.timedelta(hours=1)
    task = _task(world, start=past.replace(second=0, microsecond=0))
    # Availability must cover the task: give both volunteers today's whole day.
    from linli.supply.models import WeeklyAvailability

    for v in (near, far):
        WeeklyAvailability.objects.create(volunteer=v, weekday=task.start.astimezone(dt.timezone(dt.timedelta(hours=8))).weekday(),
                                          start=dt.time(0, 0), end=dt.time(23, 55))
    offer = _offered(task, near, distance_m=200, cost=200, expires_at=timezone.now() + dt.timedelta(hours=1))
    booking = offer_accept(offer=offer, user=near.user)
    with pytest.raises(DomainError) as caught:
        booking_no_show(user=world.users["grid_a2"], booking=booking)
    assert caught.value.code == "not_found"
    client = login(world.users["community_a"])
    client.post(f"/dispatch/bookings/{booking.pk}/no-show/")
    booking.refresh_from_db()
    task.refresh_from_db()
    assert (booking.no_show, booking.quanta.count()) == (True, 0)
    stand_in = Offer.objects.get(task=task, state="pending")
    assert (stand_in.volunteer, task.state) == (far, "offered")
    board = client.get("/dispatch/board/", {"day": task.start.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()})
    assert [t.pk for t in board.context["tasks"]] == [task.pk]


def test_the_board_is_for_staff_of_the_area(world, login):
    task = _task(world)
    assert login(world.users["volunteer_a"]).get("/dispatch/board/").status_code == 404
    assert login(world.users["community_b"]).get(f"/dispatch/tasks/{task.pk}/").status_code == 404
    assert [t.pk for t in login(world.users["community_b"]).get("/dispatch/board/", {"day": DAY.isoformat()}).context["tasks"]] == []
