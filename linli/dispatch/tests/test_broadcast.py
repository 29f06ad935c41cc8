"""A broadcast for a stand-in: the coordinator asks the best volunteers not yet asked all at once;
the first to accept is booked, the others' offers are withdrawn, and a decline while others still
wait asks nobody new."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from linli.core.errors import DomainError
from linli.dispatch.models import Booking, Offer, Task
from linli.dispatch.services import (
    offer_accept,
    offer_decline,
    offer_make,
    offers_expire,
    task_broadcast,
)
from linli.dispatch.tests.test_offers import NOON, _task, _volunteer, needs_postgres
from linli.testing import build_world, run_together

pytestmark = pytest.mark.clock("2026-11-24T08:00:00+08:00")  # the morning of the tasks in test_offers


def _volunteers(world, n):
    """``n`` volunteers for meal delivery, 100 m, 200 m, … north of the task."""
    return [_volunteer(world, f"v{i}", north_m=100 * (i + 1)) for i in range(n)]


def _pending(task):
    return [(o.volunteer.name, o.method, o.rank) for o in Offer.objects.filter(task=task, state="pending").order_by("rank")]


def test_a_broadcast_offers_the_task_at_once_to_the_best_not_yet_asked(world):
    coordinator = world.users["community_a"]
    vols = _volunteers(world, 5)
    task = _task(world)
    offer_make(user=coordinator, task=task, volunteer_id=vols[0].pk)
    assert task_broadcast(user=coordinator, task=task, count=3) == 3
    assert _pending(task) == [("v0", "chosen", 1), ("v1", "broadcast", 2), ("v2", "broadcast", 3), ("v3", "broadcast", 4)]
    assert Offer.objects.get(task=task, volunteer=vols[1]).reasons == ["broadcast", "nearest", "light_load"]
    task.refresh_from_db()
    assert task.state == "offered"
    assert task_broadcast(user=coordinator, task=task) == 1  # ten asked for, one left who was not asked
    with pytest.raises(DomainError) as caught:
        task_broadcast(user=coordinator, task=task)
    assert caught.value.code == "no_candidates"
    assert Booking.objects.count() == 0  # nobody is booked before they accept


def test_the_first_to_accept_is_booked_and_the_others_are_withdrawn(world):
    vols = _volunteers(world, 3)
    task = _task(world)
    task_broadcast(user=world.users["community_a"], task=task, count=3)
    offers = {o.volunteer_id: o for o in Offer.objects.filter(task=task)}
    booking = offer_accept(offer=offers[vols[1].pk], user=vols[1].user)
    with pytest.raises(DomainError) as caught:
        offer_accept(offer=offers[vols[0].pk], user=vols[0].user)
    assert caught.value.code == "task_taken"
    task.refresh_from_db()
    assert (task.state, booking.volunteer, list(Booking.objects.values_list("volunteer_id", flat=True))) == (
        "booked", vols[1], [vols[1].pk])
    states = dict(Offer.objects.filter(task=task).values_list("volunteer_id", "state"))
    assert states == {vols[0].pk: "withdrawn", vols[1].pk: "accepted", vols[2].pk: "withdrawn"}
    with pytest.raises(DomainError) as caught:
        offer_decline(offer=offers[vols[2].pk], user=vols[2].user)
    assert caught.value.code == "offer_answered"


def test_a_decline_while_other_broadcast_offers_wait_asks_nobody_new(world):
    vols = _volunteers(world, 3)
    task = _task(world)
    task_broadcast(user=world.users["community_a"], task=task, count=2)
    first, second = Offer.objects.filter(task=task).order_by("rank")
    assert offer_decline(offer=first, user=vols[0].user) is None
    assert _pending(task) == [("v1", "broadcast", 2)]
    stand_in = offer_decline(offer=second, user=vols[1].user)  # the last one passes it on
    assert (stand_in.volunteer, stand_in.method, stand_in.rank) == (vols[2], "next_best", 3)
    assert _pending(task) == [("v2", "next_best", 3)]


def test_broadcast_offers_expiring_together_pass_the_task_on_once(world):
    vols = _volunteers(world, 4)
    task = _task(world)
    task_broadcast(user=world.users["community_a"], task=task, count=3)
    expires = Offer.objects.filter(task=task).first().expires_at
    assert offers_expire(now=expires) == 3
    assert _pending(task) == [("v3", "next_best", 4)]
    assert Offer.objects.get(task=task, method="next_best").volunteer == vols[3]


def test_a_broadcast_is_refused_for_a_booked_task_another_area_or_a_bad_count(world):
    vols = _volunteers(world, 2)
    task = _task(world)
    for count in (0, 31):
        with pytest.raises(DomainError) as caught:
            task_broadcast(user=world.users["community_a"], task=task, count=count)
        assert (caught.value.code, caught.value.field) == ("count_invalid", "count")
    with pytest.raises(DomainError) as caught:
        task_broadcast(user=world.users["community_b"], task=task)
    assert caught.value.code == "not_found"
    task_broadcast(user=world.users["community_a"], task=task, count=1)
    offer_accept(offer=Offer.objects.get(task=task), user=vols[0].user)
    with pytest.raises(DomainError) as caught:
        task_broadcast(user=world.users["community_a"], task=task)
    assert caught.value.code == "task_not_open"
    assert Offer.objects.filter(task=task).count() == 1


def test_the_task_page_broadcasts(world, login):
    _volunteers(world, 3)
    task = _task(world)
    client = login(world.users["community_a"])
    assert 'id="broadcast"' in client.get(f"/dispatch/tasks/{task.pk}/").content.decode()
    response = client.post(f"/dispatch/tasks/{task.pk}/broadcast/", {"count": "2"})
    assert response["Location"] == f"/dispatch/tasks/{task.pk}/"
    assert _pending(task) == [("v0", "broadcast", 1), ("v1", "broadcast", 2)]
    assert 'id="broadcast"' in client.get(f"/dispatch/tasks/{task.pk}/").content.decode()  # still offered
    client.post(f"/dispatch/tasks/{task.pk}/broadcast/", {"count": "many"})
    assert Offer.objects.filter(task=task).count() == 2


def test_choose_broadcast_and_no_show_over_the_api(world, login):
    vols = _volunteers(world, 4)
    task = _task(world)
    client = login(world.users["community_a"])

    def post(path, body=None):
        return client.post(path, data=json.dumps(body or {}), content_type="application/json")

    assert post(f"/api/dispatch/tasks/{task.pk}/broadcast", {"count": 31}).status_code == 422
    chosen = post(f"/api/dispatch/tasks/{task.pk}/offers", {"volunteer": vols[2].pk})
    assert chosen.status_code == 201
    assert {k: chosen.json()[k] for k in ("task_id", "volunteer_id", "state", "method", "rank")} == {
        "task_id": task.pk, "volunteer_id": vols[2].pk, "state": "pending", "method": "chosen", "rank": 1}
    again = post(f"/api/dispatch/tasks/{task.pk}/offers", {"volunteer": vols[3].pk})
    assert (again.status_code, again.json()["code"]) == (400, "task_not_open")
    assert post(f"/api/dispatch/tasks/{task.pk}/broadcast", {"count": 2}).json() == {"offers": 2}
    assert _pending(task) == [("v2", "chosen", 1), ("v0", "broadcast", 2), ("v1", "broadcast", 3)]
    booking = offer_accept(offer=Offer.objects.get(task=task, volunteer=vols[0]), user=vols[0].user)
    early = post(f"/api/dispatch/bookings/{booking.pk}/no-show")
    assert (early.status_code, early.json()["code"]) == (400, "not_started")
    outside = login(world.users["community_b"])
    assert outside.post(f"/api/dispatch/bookings/{booking.pk}/no-show").status_code == 404
    assert outside.post(f"/api/dispatch/tasks/{task.pk}/broadcast", data="{}", content_type="application/json").status_code == 404
    Booking.objects.filter(pk=booking.pk).update(start=booking.start - dt.timedelta(days=30))  # as if it had begun
    client = login(world.users["community_a"])
    out = post(f"/api/dispatch/bookings/{booking.pk}/no-show").json()
    assert (out["booking"]["id"], out["stand_in"]["volunteer_id"], out["stand_in"]["method"]) == (
        booking.pk, vols[3].pk, "next_best")
    assert Booking.objects.get(pk=booking.pk).no_show is True


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_volunteers_accepting_a_broadcast_at_once_book_one():
    world = build_world()
    vols = _volunteers(world, 8)
    task = _task(world, start=NOON)
    assert task_broadcast(user=world.users["community_a"], task=task, count=8) == 8
    offers = {o.volunteer_id: o for o in Offer.objects.filter(task=task)}
    errors = run_together(8, lambda i: offer_accept(offer=offers[vols[i].pk], user=vols[i].user))
    assert sorted(getattr(e, "code", repr(e)) if e else "ok" for e in errors) == ["ok"] + ["task_taken"] * 7
    assert Booking.objects.count() == 1
    assert sorted(Offer.objects.values_list("state", flat=True)) == ["accepted"] + ["withdrawn"] * 7
    assert Task.objects.get(pk=task.pk).state == "booked"
