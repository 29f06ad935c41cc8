"""The worker dispatches without a coordinator: every quarter of an hour, the open tasks of the
next two days that have not started are offered by the optimum, each task once, even when two
dispatchers run at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.dispatch import services
from linli.dispatch.models import Offer, Task
from linli.dispatch.services import dispatch_batch, dispatch_due, offer_decline
from linli.dispatch.tasks import dispatch_open_tasks
from linli.dispatch.tests.test_offers import (
    TZ,
    _offered,
    _task,
    _volunteer,
    needs_postgres,
)
from linli.testing import build_world, run_together

ALL_WEEK = [(d, dt.time(0, 0), dt.time(23, 55)) for d in range(7)]


def _at(days: int, hour: int = 11) -> dt.datetime:
    """``hour`` o'clock, Shanghai time, ``days`` from today."""
    return dt.datetime.combine(timezone.now().astimezone(TZ).date() + dt.timedelta(days=days), dt.time(hour), TZ)


def test_a_scheduled_run_offers_open_future_tasks_once_and_ignores_started_and_distant_ones(world):
    near = _volunteer(world, "near", north_m=200, weekly=ALL_WEEK)
    started = _task(world, start=(timezone.now() - dt.timedelta(minutes=10)).replace(second=0, microsecond=0))
    tomorrow = _task(world, start=_at(1))
    distant = _task(world, start=_at(5))
    assert dispatch_open_tasks.call() == 1
    offer = Offer.objects.get()
    assert (offer.task, offer.volunteer, offer.method, offer.reasons) == (tomorrow, near, "batch", ["optimal"])
    assert dispatch_open_tasks.call() == 0
    assert Offer.objects.count() == 1
    states = dict(Task.objects.values_list("pk", "state"))
    assert (states[started.pk], states[tomorrow.pk], states[distant.pk]) == ("open", "offered", "open")


def test_a_task_claimed_by_another_dispatcher_meanwhile_is_skipped_and_the_rest_offered(world, monkeypatch):
    for name, north_m in (("a", 100), ("b", 900)):
        _volunteer(world, name, north_m=north_m, weekly=ALL_WEEK)
    elsewhere = _volunteer(world, "elsewhere", weekly=())  # never the optimum's pick here
    first, second = _task(world, start=_at(1, 9)), _task(world, start=_at(1, 9))
    solve = services.solve

    def solve_while_another_dispatcher_offers_the_first(problem):
        result = solve(problem)
        _offered(first, elsewhere)  # what a concurrent run commits between our solve and our writes
        return result

    monkeypatch.setattr(services, "solve", solve_while_another_dispatcher_offers_the_first)
    out = dispatch_batch(user=world.users["community_a"], region=world.community_a, day=_at(1).date())
    assert out == {"tasks": 2, "offers": 1, "unassigned": 1}
    assert sorted(Offer.objects.values_list("task_id", flat=True)) == [first.pk, second.pk]
    assert Offer.objects.get(task=first).volunteer == elsewhere  # the other dispatcher's offer, untouched


def test_a_volunteer_who_declined_is_not_asked_again_by_the_next_run(world):
    only = _volunteer(world, "only", north_m=200, weekly=ALL_WEEK)
    task = _task(world, start=_at(1))
    assert dispatch_due()["offers"] == 1
    assert offer_decline(offer=Offer.objects.get(), user=only.user) is None  # nobody else: back to open
    task.refresh_from_db()
    assert task.state == "open"
    assert dispatch_due() == {"groups": 1, "tasks": 1, "offers": 0, "unassigned": 1}
    assert Offer.objects.filter(task=task).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_at_once_offer_each_task_once():
    world = build_world()
    for i in range(6):
        _volunteer(world, f"v{i}", north_m=100 * i, weekly=ALL_WEEK)
    tasks = [_task(world, start=_at(1, 8 + i)) for i in range(4)]
    errors = run_together(2, lambda i: dispatch_due())
    assert errors == [None, None]
    assert sorted(Offer.objects.values_list("task_id", flat=True)) == sorted(t.pk for t in tasks)
    assert set(Task.objects.values_list("state", flat=True)) == {"offered"}
