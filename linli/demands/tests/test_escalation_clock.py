"""Escalation on a frozen clock: the steps of ``sweep_deadlines`` as the worker runs them, one a minute.

A demand found long overdue (by a worker that was down, or by the demo that dated it back) climbed
to the street on one sweep and to the district on the next, a minute later: the second step was
measured from the deadline instead of from the first escalation. Each step now waits a full step
after the one before.
"""

from __future__ import annotations

import datetime as dt

import time_machine

from linli.demands.models import Demand
from linli.demands.tasks import sweep
from linli.demands.tests.factories import submit

H = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def _level(pk):
    return Demand.objects.get(pk=pk).escalation_level


def test_a_long_overdue_demand_is_escalated_once_not_twice_within_a_minute(world, settings):
    settings.DEMAND_ESCALATION_STEP_HOURS = 24
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        d = submit(world, item="1001", description="家里需要打扫一下")
    due = Demand.objects.get(pk=d.pk).due_at
    found = due + 100 * H  # the sweeps were not running for four days
    with time_machine.travel(found, tick=False):
        assert sweep()["escalations"] == 1
    with time_machine.travel(found + MINUTE, tick=False):
        assert sweep()["escalations"] == 0  # was 1: the district a minute after the street
    assert _level(d.pk) == 1
    with time_machine.travel(found + 24 * H - MINUTE, tick=False):
        assert sweep()["escalations"] == 0
    with time_machine.travel(found + 24 * H, tick=False):
        assert sweep()["escalations"] == 1
    assert _level(d.pk) == 2
    times = list(d.events.filter(action="escalate").order_by("pk").values_list("at", flat=True))
    assert [t - found for t in times] == [dt.timedelta(0), 24 * H]


def test_the_steps_on_time_are_at_the_deadline_and_one_step_later(world, settings):
    settings.DEMAND_ESCALATION_STEP_HOURS = 24
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        d = submit(world, item="1001", description="家里需要打扫一下")
    due = Demand.objects.get(pk=d.pk).due_at
    for minute in range(-2, 3):  # a sweep every minute around the deadline
        with time_machine.travel(due + minute * MINUTE, tick=False):
            sweep()
    assert _level(d.pk) == 1
    with time_machine.travel(due + 24 * H - MINUTE, tick=False):
        assert sweep()["escalations"] == 0
    with time_machine.travel(due + 24 * H, tick=False):
        assert sweep()["escalations"] == 1
    assert _level(d.pk) == 2
    with time_machine.travel(due + 1000 * H, tick=False):
        assert sweep()["escalations"] == 0
