"""A worker that dies in the deadline sweep loses nothing: the mark ("reminded", the escalation
level, "follow-up sent"), the history event and the notifications (the outbox) are one transaction,
so the demand is either untouched or whole, and the next sweep completes it; every message is then
delivered once per notification and channel.

Committed for real (``transaction=True``): on PostgreSQL this is the fault as a worker meets it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from linli.accounts.models import Membership
from linli.demands.models import Demand, DemandEvent
from linli.demands.services import demand_transition
from linli.demands.tasks import sweep
from linli.demands.tests.factories import submit
from linli.notifications.models import Delivery, Notification
from linli.testing import build_world

H = dt.timedelta(hours=1)


class WorkerDied(BaseException):
    """The process ends here: raised where the notifications are written."""


def _reminder(world):
    d = submit(world, item="1001", description="家里需要打扫一下")
    return d, d.created_at + 54 * H, "remind", "demand_reminder", ["community_a", "grid_a1"]


def _escalation(world):
    d = submit(world, item="1001", description="家里需要打扫一下")
    sweep(now=d.created_at + 54 * H)  # the reminder, without a fault
    return d, Demand.objects.get(pk=d.pk).due_at, "escalate", "demand_escalated", ["street"]


def _followup(world):
    d = submit(world, item="1001", description="家里需要打扫一下")
    Membership.objects.filter(user=world.users["grid_a1"]).update(active=True)
    demand_transition(demand=d, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    demand_transition(demand=d, user=world.users["grid_a1"], action="resolve", note="已上门打扫")
    return d, Demand.objects.get(pk=d.pk).followup_due_at, "follow_up", "demand_followup", ["resident_a1"]


def _marks(pk):
    return Demand.objects.filter(pk=pk).values("reminded_at", "escalation_level", "escalated_at", "followup_sent_at",
                                               "version").get()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("case", [_reminder, _escalation, _followup], ids=["reminder", "escalation", "follow-up"])
def test_a_worker_dying_before_the_notifications_are_written_loses_nothing(case, monkeypatch):
    world = build_world()
    d, when, action, template, recipients = case(world)
    before = _marks(d.pk)
    notes_before = Notification.objects.count()

    def die(**kwargs):
        raise WorkerDied

    with monkeypatch.context() as m:
        m.setattr("linli.demands.notify.notify", die)
        with pytest.raises(WorkerDied):
            sweep(now=when)

    assert _marks(d.pk) == before  # untouched: the mark went back with the rest
    assert DemandEvent.objects.filter(demand=d, action=action).count() == 0
    assert Notification.objects.count() == notes_before

    sweep(now=when)  # the next sweep does it, whole
    assert _marks(d.pk) != before
    assert DemandEvent.objects.filter(demand=d, action=action).count() == 1
    notes = Notification.objects.filter(template=template)
    assert sorted(notes.values_list("recipient__username", flat=True)) == recipients
    deliveries = Delivery.objects.filter(notification__in=notes)
    assert sorted(deliveries.values_list("notification_id", "backend")) == sorted(
        (n.pk, b) for n in notes for b in ("email", "sms-log", "wechat-log"))
    assert set(deliveries.values_list("status", flat=True)) <= {"sent", "skipped"}
    assert sweep(now=when) == {"reminders": 0, "escalations": 0, "followups": 0}  # and only once


def test_a_demand_whose_step_fails_is_left_for_the_next_sweep_and_the_others_go_on(world, monkeypatch):
    first = submit(world, item="1001", description="家里需要打扫一下")
    second = submit(world, item="1001", description="楼道灯需要打扫一下")
    when = max(first.created_at, second.created_at) + 54 * H
    from linli.demands import notify as n

    real = n.notify

    def fails_for_first(**kwargs):
        if kwargs["link"] == f"/demands/{first.pk}/":
            raise RuntimeError("template broken")
        return real(**kwargs)

    monkeypatch.setattr(n, "notify", fails_for_first)
    assert sweep(now=when)["reminders"] == 1
    assert (_marks(first.pk)["reminded_at"], _marks(second.pk)["reminded_at"] is not None) == (None, True)
    monkeypatch.setattr(n, "notify", real)
    assert sweep(now=when)["reminders"] == 1
    assert DemandEvent.objects.filter(action="remind").count() == 2
