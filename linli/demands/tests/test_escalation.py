"""Deadlines, reminders, escalation and the follow-up, on a clock the test sets (``sweep(now=…)``)."""

from __future__ import annotations

import datetime as dt

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.demands.tasks import sweep
from linli.demands.tests.factories import submit
from linli.notifications.models import Notification
from linli.testing import make_user

H = dt.timedelta(hours=1)


def _recipients(template):
    return sorted(Notification.objects.filter(template=template).values_list("recipient__username", flat=True))


def test_a_normal_demand_is_due_in_72_hours_and_reminded_at_three_quarters(world, settings):
    settings.DEMAND_DEADLINE_HOURS = {1: 168, 2: 72, 3: 24, 4: 4}
    d = submit(world, item="1001", description="家里需要打扫一下")
    assert (d.urgency, d.due_at - d.created_at) == (2, 72 * H)
    t0 = d.created_at
    assert sweep(now=t0 + 53 * H) == {"reminders": 0, "escalations": 0, "followups": 0}
    assert sweep(now=t0 + 54 * H) == {"reminders": 1, "escalations": 0, "followups": 0}
    assert sweep(now=t0 + 55 * H)["reminders"] == 0  # once only
    assert _recipients("demand_reminder") == ["community_a", "grid_a1"]


def test_an_overdue_demand_climbs_to_the_street_then_the_district(world, settings):
    settings.DEMAND_ESCALATION_STEP_HOURS = 24
    d = submit(world, item="1001", description="家里需要打扫一下")
    due = Demand.objects.get(pk=d.pk).due_at
    assert sweep(now=due - dt.timedelta(seconds=1))["escalations"] == 0
    assert sweep(now=due)["escalations"] == 1
    assert Demand.objects.get(pk=d.pk).escalation_level == 1
    assert _recipients("demand_escalated") == ["street"]
    assert sweep(now=due + 23 * H)["escalations"] == 0
    assert sweep(now=due + 24 * H)["escalations"] == 1
    assert Demand.objects.get(pk=d.pk).escalation_level == 2
    assert _recipients("demand_escalated") == ["district", "street"]
    assert sweep(now=due + 1000 * H)["escalations"] == 0  # the district is the top
    events = list(d.events.filter(action="escalate").values_list("data", flat=True))
    assert events == [{"level": 1}, {"level": 2}]


def test_a_street_officer_of_another_street_is_not_told(world):
    from linli.regions.models import Level
    from linli.regions.services import region_create

    other = region_create(parent=world.district, level=Level.STREET, name="另一街道", code="330502002")
    make_user("street_other", Role.STREET_OFFICER, other)
    d = submit(world, item="1001", description="家里需要打扫一下")
    sweep(now=Demand.objects.get(pk=d.pk).due_at)
    assert _recipients("demand_escalated") == ["street"]


def test_a_critical_demand_is_due_in_four_hours(world):
    d = submit(world, item="0105", description="我妈摔倒了起不来，快来人")
    assert (d.urgency, d.due_at - d.created_at) == (4, 4 * H)


def test_closed_demands_are_not_reminded_or_escalated(world):
    d = submit(world, item="1001", description="家里需要打扫一下")
    demand_transition(demand=d, user=world.users["community_a"], action="reject", reason="out_of_scope", note="商业服务")
    assert sweep(now=d.due_at + 1000 * H) == {"reminders": 0, "escalations": 0, "followups": 0}


def test_the_follow_up_goes_out_after_resolution_once(world, settings):
    settings.DEMAND_FOLLOWUP_HOURS = 48
    d = submit(world, item="1001", description="家里需要打扫一下")
    Membership.objects.filter(user=world.users["grid_a1"]).update(active=True)
    demand_transition(demand=d, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    demand_transition(demand=d, user=world.users["grid_a1"], action="resolve", note="已上门打扫")
    d.refresh_from_db()
    assert sweep(now=d.resolved_at + 47 * H)["followups"] == 0
    assert sweep(now=d.resolved_at + 48 * H)["followups"] == 1
    assert sweep(now=d.resolved_at + 49 * H)["followups"] == 0
    assert _recipients("demand_followup") == ["resident_a1"]


def test_a_reopened_demand_is_reminded_at_three_quarters_of_its_new_deadline(world, settings):
    settings.DEMAND_DEADLINE_HOURS = {1: 168, 2: 72, 3: 24, 4: 4}
    d = submit(world, item="1001", description="家里需要打扫一下")
    month = dt.timedelta(days=30)  # submitted a month ago, resolved, reminded back then
    Demand.objects.filter(pk=d.pk).update(created_at=d.created_at - month, due_at=d.due_at - month,
                                          reminded_at=d.created_at - month, state="resolved")
    d = demand_transition(demand=Demand.objects.get(pk=d.pk), user=world.users["community_a"], action="reopen",
                          reason="not_resolved")
    d.refresh_from_db()
    reopened_at = d.due_at - 72 * H
    assert d.reminded_at is None
    assert sweep(now=reopened_at + 1 * H)["reminders"] == 0  # was 1: measured from the old submission
    assert sweep(now=reopened_at + 53 * H)["reminders"] == 0
    assert sweep(now=reopened_at + 54 * H)["reminders"] == 1
