"""Recurring plans: a monthly visit to every senior living alone, generated once per resident and
occurrence, dispatched with continuity (the volunteer who came last time), and its visit rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from linli.catalog.models import ServiceItem
from linli.core.errors import DomainError
from linli.dispatch.models import Booking, Offer, RecurringPlan, Task
from linli.dispatch.services import dispatch_batch, plan_coverage, plan_dates, plan_generate
from linli.dispatch.tests.test_offers import TZ, _volunteer
from linli.people.models import TargetGroupTag
from linli.regions.models import Region


@pytest.fixture
def plan(world):
    Region.objects.filter(pk=world.grid_a1.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))
    return RecurringPlan.objects.create(
        region=world.community_a, path=world.community_a.path, item=ServiceItem.objects.get(code="0101"),
        rule="monthly", day_of_month=10, start_time=dt.time(9, 0), end_time=dt.time(10, 0),
        target_tag=TargetGroupTag.objects.get(code="elderly-living-alone"), created_by=world.users["community_a"],
    )


def test_occurrence_dates_follow_the_rule(plan):
    assert plan_dates(plan, dt.date(2026, 11, 1), dt.date(2027, 1, 31)) == [
        dt.date(2026, 11, 10), dt.date(2026, 12, 10), dt.date(2027, 1, 10)]
    plan.rule, plan.weekday = "weekly", 2
    assert plan_dates(plan, dt.date(2026, 11, 23), dt.date(2026, 12, 6)) == [dt.date(2026, 11, 25), dt.date(2026, 12, 2)]
    plan.rule = "daily"
    assert len(plan_dates(plan, dt.date(2026, 11, 23), dt.date(2026, 11, 29))) == 7


def test_every_senior_living_alone_gets_one_task_a_month_and_rerunning_adds_none(world, plan):
    assert plan_generate(plan=plan, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 31)) == 2
    assert plan_generate(plan=plan, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 31)) == 0
    tasks = list(Task.objects.order_by("occurs_on"))
    assert [(t.resident, t.occurs_on, t.skills, t.start) for t in tasks] == [
        (world.resident_a1, dt.date(2026, 11, 10), ["visit"], dt.datetime(2026, 11, 10, 9, 0, tzinfo=TZ)),
        (world.resident_a1, dt.date(2026, 12, 10), ["visit"], dt.datetime(2026, 12, 10, 9, 0, tzinfo=TZ)),
    ]
    assert (tasks[0].lat, tasks[0].lon) == (Decimal("30.870000"), Decimal("120.090000"))  # the grid's point


def test_the_volunteer_who_came_last_month_is_asked_again(world, plan):
    weekly = [(d, dt.time(8, 0), dt.time(18, 0)) for d in range(7)]
    usual = _volunteer(world, "usual", north_m=900, skills=("visit",), weekly=weekly)
    _volunteer(world, "closer", north_m=100, skills=("visit",), weekly=weekly)
    plan_generate(plan=plan, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    november = Task.objects.get()
    Booking.objects.create(task=november, volunteer=usual, start=november.start, end=november.end,
                           checked_in_at=november.start, checked_out_at=november.end)
    plan_generate(plan=plan, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    december = Task.objects.get(occurs_on=dt.date(2026, 12, 10))
    assert december.familiar == [f"v{usual.pk}"]
    dispatch_batch(user=world.users["community_a"], region=world.community_a, day=dt.date(2026, 12, 10))
    offer = Offer.objects.get(task=december)
    assert (offer.volunteer, offer.reasons) == (usual, ["optimal", "familiar"])  # 800 m farther, bonus 2,000 m
    assert plan_coverage(plan=plan, month_start=dt.date(2026, 11, 1)) == (1, 1)
    assert plan_coverage(plan=plan, month_start=dt.date(2026, 12, 1)) == (0, 1)


def test_a_plan_for_a_service_volunteers_do_not_do_is_refused(world, plan):
    plan.item = ServiceItem.objects.get(code="0401")
    with pytest.raises(DomainError) as caught:
        plan_generate(plan=plan, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert caught.value.code == "not_volunteer_work"


def test_plans_over_the_api(world, login):
    Region.objects.filter(pk=world.grid_a1.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))
    client = login(world.users["community_a"])

    def post(path, body):
        import json

        return client.post(path, data=json.dumps(body), content_type="application/json")

    good = {"region": "330502001001", "item": "0101", "rule": "monthly", "day_of_month": 10,
            "start_time": "09:00", "end_time": "10:00", "target_tag": "elderly-living-alone"}
    assert post("/api/dispatch/plans", {**good, "item": "0401"}).json()["code"] == "not_volunteer_work"
    assert post("/api/dispatch/plans", {**good, "day_of_month": None}).json()["code"] == "rule_incomplete"
    assert post("/api/dispatch/plans", {**good, "region": "330502001201"}).json()["code"] == "region_unknown"
    plan = post("/api/dispatch/plans", good).json()
    out = post(f"/api/dispatch/plans/{plan['id']}/generate", {"start": "2026-11-01", "end": "2026-11-30"}).json()
    assert out == {"created": 1, "served": 0, "covered": 1}
    assert login(world.users["community_b"]).post(
        f"/api/dispatch/plans/{plan['id']}/generate", data='{"start": "2026-11-01", "end": "2026-11-30"}',
        content_type="application/json").status_code == 404


def test_generating_costs_the_same_queries_for_a_week_as_for_a_day(world, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan.rule = "daily"
    plan.save(update_fields=["rule"])
    counts = []
    for days in (0, 6):
        Task.objects.filter(plan=plan).delete()
        with CaptureQueriesContext(connection) as ctx:
            assert plan_generate(plan=plan, start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 2) + dt.timedelta(days=days)) == days + 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts  # the map points are looked up once, not per resident and day


def test_the_volunteer_who_served_a_demand_is_familiar_to_the_plan_and_back(world, plan):
    from linli.demands.tests.factories import submit
    from linli.dispatch.services import task_create_for_demand

    helper = _volunteer(world, "helper", skills=("visit",))
    demand = submit(world, item="0101", description="想有人来陪我聊聊天")
    start = dt.datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
    first = task_create_for_demand(user=world.users["community_a"], demand=demand, start=start, end=start + dt.timedelta(hours=1))
    assert first.resident == world.resident_a1
    Booking.objects.create(task=first, volunteer=helper, start=first.start, end=first.end,
                           checked_in_at=first.start, checked_out_at=first.end)
    plan_generate(plan=plan, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert Task.objects.get(plan=plan).familiar == [f"v{helper.pk}"]
    again = task_create_for_demand(user=world.users["community_a"], demand=demand, start=start + dt.timedelta(days=7),
                                   end=start + dt.timedelta(days=7, hours=1))
    assert again.familiar == [f"v{helper.pk}"]
