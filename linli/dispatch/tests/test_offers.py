"""Offers and bookings: the optimum's offers, accept, decline to the next best, expiry on a set
clock, never two overlapping bookings, check-in before check-out, and the emergency quota."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from linli.core.errors import DomainError
from linli.demands.tests.factories import submit
from linli.dispatch.models import Booking, MobilisationCall, Offer, Task
from linli.dispatch.services import (
    booking_check_in,
    booking_check_out,
    call_accept,
    call_create,
    dispatch_batch,
    offer_accept,
    offer_decline,
    offers_expire,
    task_create_for_demand,
)
from linli.supply.tests.factories import make_volunteer
from linli.testing import build_world, make_user, run_together

TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 24)  # a Tuesday
NOON = dt.datetime(2026, 11, 24, 11, 0, tzinfo=TZ)
WEEKLY = [(1, dt.time(9, 0), dt.time(17, 0))]
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads sharing row locks need PostgreSQL")
# The tests name Tuesday 24 November 2026 and run on that morning, whatever the calendar says.
pytestmark = pytest.mark.clock("2026-11-24T08:00:00+08:00")


def _volunteer(world, name, *, north_m=0, skills=("meal_delivery",), weekly=WEEKLY, **kw):
    user = make_user(name)
    lat = Decimal("30.870000") + Decimal(north_m) / Decimal(111_195)
    return make_volunteer(region=world.grid_a1, user=user, name=name, skills=skills, weekly=weekly,
                          lat=f"{lat:.6f}", **kw)


def _task(world, start=NOON, minutes=60):
    demand = submit(world, item="0102", description="每天中午送饭")
    demand.lat, demand.lon = Decimal("30.870000"), Decimal("120.090000")
    return task_create_for_demand(user=world.users["community_a"], demand=demand, start=start,
                                  end=start + dt.timedelta(minutes=minutes))


def _offered(task, volunteer, *, expires_at=NOON + dt.timedelta(days=9), **kw):
    """An offer written directly, with its task marked offered as the services leave it."""
    Task.objects.filter(pk=task.pk).update(state="offered")
    return Offer.objects.create(task=task, volunteer=volunteer, distance_m=kw.pop("distance_m", 0), cost=kw.pop("cost", 0),
                                method=kw.pop("method", "batch"), expires_at=expires_at, **kw)


def test_batch_offers_the_task_to_the_nearest_qualified_volunteer(world):
    near, far = _volunteer(world, "near", north_m=200), _volunteer(world, "far", north_m=900)
    _volunteer(world, "unskilled", north_m=10, skills=("visit",))
    task = _task(world)
    assert dispatch_batch(user=world.users["community_a"], region=world.community_a, day=DAY) == {
        "tasks": 1, "offers": 1, "unassigned": 0}
    offer = Offer.objects.get()
    assert (offer.task, offer.volunteer, offer.rank, offer.method, offer.reasons) == (task, near, 1, "batch", ["optimal"])
    del far


def test_accepting_books_the_time_and_declining_passes_to_the_next_best(world):
    near, far = _volunteer(world, "near", north_m=200), _volunteer(world, "far", north_m=900)
    task = _task(world)
    dispatch_batch(user=world.users["community_a"], region=world.community_a, day=DAY)
    first = Offer.objects.get()
    nxt = offer_decline(offer=first, user=near.user, reason="那天有事")
    assert (nxt.volunteer, nxt.rank, nxt.method) == (far, 2, "next_best")
    with pytest.raises(DomainError) as caught:
        offer_accept(offer=first, user=near.user)
    assert caught.value.code == "offer_answered"
    with pytest.raises(DomainError) as caught:
        offer_accept(offer=nxt, user=near.user)  # someone else's offer
    assert caught.value.code == "not_found"
    booking = offer_accept(offer=nxt, user=far.user)
    task.refresh_from_db()
    assert (booking.volunteer, booking.start, task.state) == (far, NOON, "booked")
    assert booking.quanta.count() == 12  # 60 minutes in 5-minute quanta


def test_an_unanswered_offer_expires_on_the_clock_and_moves_on(world, settings):
    settings.DISPATCH_OFFER_MINUTES = 30
    near, far = _volunteer(world, "near", north_m=200), _volunteer(world, "far", north_m=900)
    _task(world)
    dispatch_batch(user=world.users["community_a"], region=world.community_a, day=DAY)
    first = Offer.objects.get()
    assert offers_expire(now=first.expires_at - dt.timedelta(seconds=1)) == 0
    assert offers_expire(now=first.expires_at) == 1
    assert offers_expire(now=first.expires_at) == 0
    first.refresh_from_db()
    assert first.state == "expired"
    assert Offer.objects.get(state="pending").volunteer == far
    with pytest.raises(DomainError) as caught:
        offer_accept(offer=first, user=near.user)
    assert caught.value.code == "offer_answered"


def test_a_volunteer_is_never_booked_twice_for_overlapping_times(world):
    v = _volunteer(world, "only")
    a = _task(world, start=NOON)
    b = _task(world, start=NOON + dt.timedelta(minutes=30))
    offers = [_offered(t, v) for t in (a, b)]
    offer_accept(offer=offers[0], user=v.user)
    with pytest.raises(DomainError) as caught:
        offer_accept(offer=offers[1], user=v.user)
    assert caught.value.code == "double_booked"
    offers[1].refresh_from_db()
    assert (Booking.objects.count(), offers[1].state) == (1, "pending")  # nothing half-done


def test_check_out_needs_check_in_first(world):
    v = _volunteer(world, "v")
    task = _task(world)
    offer = _offered(task, v)
    booking = offer_accept(offer=offer, user=v.user)
    with pytest.raises(DomainError) as caught:
        booking_check_out(booking=booking, user=v.user)
    assert caught.value.code == "not_checked_in"
    with time_machine.travel(NOON):  # check-in opens an hour before the start
        booking_check_in(booking=booking, user=v.user)
        booking_check_out(booking=booking, user=v.user)
    task.refresh_from_db()
    assert task.state == "done"


def test_a_task_for_a_service_volunteers_do_not_do_is_refused(world):
    demand = submit(world, item="0401", description="想申请低保")
    with pytest.raises(DomainError) as caught:
        task_create_for_demand(user=world.users["community_a"], demand=demand, start=NOON, end=NOON + dt.timedelta(hours=1))
    assert caught.value.code == "not_volunteer_work"
    assert Task.objects.count() == 0


def _call(world, quota):
    return call_create(user=world.users["community_a"], region=world.community_a, title="防汛沙袋转运", quota=quota,
                       start=NOON, end=NOON + dt.timedelta(hours=3))


def test_a_call_books_the_first_n_and_checks_requirements(world):
    insured = dt.date(2027, 1, 1)
    call = _call(world, 2)
    a, b, c = (_volunteer(world, n, insured_until=insured) for n in ("a", "b", "c"))
    uninsured = _volunteer(world, "uninsured")
    young = _volunteer(world, "young", insured_until=insured, birth_date=dt.date(2010, 1, 1))
    for v, code in ((uninsured, "insurance_required"), (young, "too_young")):
        with pytest.raises(DomainError) as caught:
            call_accept(call=call, user=v.user)
        assert caught.value.code == code
    call_accept(call=call, user=a.user)
    with pytest.raises(DomainError) as caught:
        call_accept(call=call, user=a.user)
    assert caught.value.code == "already_answered"
    call_accept(call=call, user=b.user)
    with pytest.raises(DomainError) as caught:
        call_accept(call=call, user=c.user)
    assert caught.value.code == "call_full"
    call.refresh_from_db()
    assert (call.filled, Booking.objects.filter(call=call).count()) == (2, 2)


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_accepts_of_overlapping_offers_book_one():
    world = build_world()
    v = _volunteer(world, "only")
    tasks = [_task(world, start=NOON + dt.timedelta(minutes=10 * i)) for i in range(6)]
    offers = [_offered(t, v) for t in tasks]
    errors = run_together(6, lambda i: offer_accept(offer=offers[i], user=v.user))
    assert sorted(getattr(e, "code", repr(e)) if e else "ok" for e in errors) == ["double_booked"] * 5 + ["ok"]
    assert Booking.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_volunteers_answer_a_call_for_five_at_once_and_five_are_booked():
    world = build_world()
    call = _call(world, 5)
    volunteers = [_volunteer(world, f"v{i}", insured_until=dt.date(2027, 1, 1)) for i in range(20)]
    errors = run_together(20, lambda i: call_accept(call=call, user=volunteers[i].user))
    assert sorted(getattr(e, "code", repr(e)) if e else "ok" for e in errors) == ["call_full"] * 15 + ["ok"] * 5
    call = MobilisationCall.objects.get(pk=call.pk)
    assert (call.filled, Booking.objects.filter(call=call).count()) == (5, 5)


def test_the_volunteers_day_over_the_api(world, client):
    from django.test import Client

    from linli.accounts.services import api_token_create

    near = _volunteer(world, "near", north_m=200)
    _task(world)
    dispatch_batch(user=world.users["community_a"], region=world.community_a, day=DAY)
    _token, raw = api_token_create(user=near.user, name="phone")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    offers = api.get("/api/dispatch/offers").json()
    assert [(o["task"]["title"], o["reasons"]) for o in offers] == [("老年助餐", ["optimal"])]
    booking = api.post(f"/api/dispatch/offers/{offers[0]['id']}/accept").json()
    again = api.post(f"/api/dispatch/offers/{offers[0]['id']}/accept")
    assert (again.status_code, again.json()["code"]) == (400, "offer_answered")
    early = api.post(f"/api/dispatch/bookings/{booking['id']}/check-out")
    assert (early.status_code, early.json()["code"]) == (400, "not_checked_in")
    too_early = api.post(f"/api/dispatch/bookings/{booking['id']}/check-in")
    assert (too_early.status_code, too_early.json()["code"]) == (400, "check_in_not_open")
    with time_machine.travel(NOON):
        assert api.post(f"/api/dispatch/bookings/{booking['id']}/check-in").json()["checked_in_at"]
        assert api.post(f"/api/dispatch/bookings/{booking['id']}/check-out").json()["checked_out_at"]
    other = _volunteer(world, "other", north_m=300)
    _token, raw2 = api_token_create(user=other.user, name="phone")
    stranger = Client(HTTP_AUTHORIZATION=f"Bearer {raw2}")
    assert stranger.post(f"/api/dispatch/offers/{offers[0]['id']}/accept").status_code == 404


def test_the_coordinator_shortlist_ranks_with_reasons(world, login):
    near, far = _volunteer(world, "near", north_m=200), _volunteer(world, "far", north_m=900)
    task = _task(world)
    got = login(world.users["community_a"]).get(f"/api/dispatch/tasks/{task.pk}/shortlist").json()
    assert [(c["volunteer_id"], c["distance_m"], c["reasons"]) for c in got] == [
        (near.pk, 200, ["nearest", "light_load"]), (far.pk, 900, ["light_load"])]
    assert login(world.users["community_b"]).get(f"/api/dispatch/tasks/{task.pk}/shortlist").status_code == 404


def test_the_shortlist_counts_what_a_volunteer_already_has_that_day(world):
    from linli.dispatch.services import task_candidates

    busy, free = _volunteer(world, "busy", north_m=100), _volunteer(world, "free", north_m=400)
    earlier = _task(world, start=NOON - dt.timedelta(hours=2))
    offer_accept(offer=_offered(earlier, busy), user=busy.user)  # busy has one booking that day
    best = task_candidates(_task(world), k=2)
    assert [(pk, c.reasons, c.cost - c.distance_m) for pk, c in best] == [
        (free.pk, ("light_load",), 0), (busy.pk, ("nearest", "busy"), 500)]
