""""即将超期" (the reminder) is for a demand whose deadline is still ahead: one found already overdue
(the sweeps were down, or its deadline was moved back) is escalated, not told it is about to be late."""

from __future__ import annotations

import datetime as dt

import time_machine

from linli.demands.models import Demand
from linli.demands.tasks import sweep
from linli.demands.tests.factories import submit
from linli.notifications.models import Notification

H = dt.timedelta(hours=1)


def test_an_overdue_demand_gets_no_reminder_but_an_escalation(world, settings):
    settings.DEMAND_DEADLINE_HOURS = {1: 168, 2: 72, 3: 24, 4: 4}
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        d = submit(world, item="1001", description="家里需要打扫一下")
    with time_machine.travel(start + 73 * H, tick=False):
        assert sweep() == {"reminders": 0, "escalations": 1, "followups": 0}
    assert Notification.objects.filter(template="demand_reminder").count() == 0
    assert Demand.objects.get(pk=d.pk).reminded_at is None


def test_a_demand_still_before_its_deadline_is_reminded(world, settings):
    settings.DEMAND_DEADLINE_HOURS = {1: 168, 2: 72, 3: 24, 4: 4}
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        submit(world, item="1001", description="家里需要打扫一下")
    with time_machine.travel(start + 71 * H, tick=False):
        assert sweep() == {"reminders": 1, "escalations": 0, "followups": 0}
