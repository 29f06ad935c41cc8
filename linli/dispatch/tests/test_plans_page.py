"""The coordinator's recurring plans page and API: each plan with the month's visit rate (the
national target is 100% for seniors living alone), a form for a new plan that keeps what was typed
when it is refused, generating the next 14 days, and pausing and resuming."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.catalog.models import ServiceItem
from linli.dispatch.models import Booking, RecurringPlan, Task
from linli.dispatch.services import plan_generate
from linli.people.models import TargetGroupTag
from linli.regions.models import Region

NOVEMBER, DECEMBER = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
GOOD = {"region": "330502001001", "item": "0101", "rule": "monthly", "weekday": "", "day_of_month": "10",
        "start_time": "09:00", "end_time": "10:00", "target_tag": "elderly-living-alone"}


def _plan(world, *, rule="monthly", active=True, tag="elderly-living-alone", region=None, **kw):
    region = region or world.community_a
    return RecurringPlan.objects.create(
        region=region, path=region.path, item=ServiceItem.objects.get(code=kw.pop("item", "0101")), rule=rule,
        start_time=dt.time(9, 0), end_time=dt.time(10, 0), active=active,
        target_tag=TargetGroupTag.objects.get(code=tag) if tag else None, created_by=world.users["community_a"], **kw,
    )


@pytest.fixture
def visit(world):
    """A monthly visit on the 10th to every senior living alone in community A (张秀英), who was
    visited in November and not yet in December."""
    Region.objects.filter(pk=world.grid_a1.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))
    plan = _plan(world, day_of_month=10)
    plan_generate(plan=plan, start=NOVEMBER, end=dt.date(2026, 12, 31))
    november = Task.objects.get(plan=plan, occurs_on=dt.date(2026, 11, 10))
    from linli.dispatch.tests.test_offers import _volunteer

    Booking.objects.create(task=november, volunteer=_volunteer(world, "usual", skills=("visit",)), start=november.start,
                           end=november.end, checked_in_at=november.start, checked_out_at=november.end)
    return plan


def _rows(response):
    return [(r["plan"].pk, r["served"], r["covered"], r["rate"], r["below"]) for r in response.context["rows"]]


def test_the_page_lists_the_plans_with_the_months_visit_rate(world, login, visit):
    paused = _plan(world, rule="weekly", weekday=2, tag=None, active=False)
    client = login(world.users["community_a"])
    november = client.get("/dispatch/plans/", {"month": "2026-11"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _rows(november) == [(visit.pk, 1, 1, 100, False), (paused.pk, 0, 0, None, False)]
    assert (november.context["previous"], november.context["next"]) == (dt.date(2026, 10, 1), DECEMBER)
    html = november.content.decode()
    assert "1 / 1 (100%)" in html and "Every month on day 10" in html and "Every week on Wednesday" in html
    december = client.get("/dispatch/plans/", {"month": "2026-12"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _rows(december)[0] == (visit.pk, 0, 1, 0, True)
    assert '<strong class="overdue">0 / 1 (0%)</strong>' in december.content.decode()
    assert client.get("/dispatch/plans/", {"month": "soon"}).context["month"] == timezone.localdate().replace(day=1)
    assert 'href="/dispatch/plans/?month=' in client.get("/dispatch/board/").content.decode()


def test_the_page_is_for_coordinators_and_lists_only_their_area(world, login, visit):
    assert login(world.users["volunteer_a"]).get("/dispatch/plans/").status_code == 404
    assert _rows(login(world.users["community_b"]).get("/dispatch/plans/")) == []


def test_a_plan_is_created_from_the_page(world, login):
    client = login(world.users["community_a"])
    response = client.post("/dispatch/plans/?month=2026-11", {**GOOD, "region": "330502001001-G01"})
    assert response["Location"] == "/dispatch/plans/?month=2026-11"
    plan = RecurringPlan.objects.get()
    assert (plan.region, plan.item.code, plan.rule, plan.day_of_month, plan.weekday, plan.start_time, plan.end_time,
            plan.target_tag.code, plan.created_by) == (
        world.grid_a1, "0101", "monthly", 10, None, dt.time(9, 0), dt.time(10, 0), "elderly-living-alone",
        world.users["community_a"])


def test_a_refused_plan_shows_the_message_by_its_field_and_keeps_what_was_typed(world, login):
    client = login(world.users["community_a"])
    typed = {**GOOD, "rule": "weekly", "day_of_month": "", "start_time": "08:30", "end_time": "09:15"}
    response = client.post("/dispatch/plans/", typed, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {"rule": ["Give the weekday or the day of the month"]}
    html = response.content.decode()
    assert 'value="08:30"' in html and 'value="09:15"' in html
    assert '<option value="weekly" selected>' in html and '<option value="0101" selected>' in html
    late = client.post("/dispatch/plans/", {**GOOD, "end_time": "08:00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert late.context["form"].errors == {"end_time": ["The end must be after the start"]}
    outside = client.post("/dispatch/plans/", {**GOOD, "region": "330502001201"}, HTTP_ACCEPT_LANGUAGE="en")
    assert list(outside.context["form"].errors) == ["region"]  # not among the choices: community B
    staff_work = client.post("/dispatch/plans/", {**GOOD, "item": "0401"}, HTTP_ACCEPT_LANGUAGE="en")
    assert list(staff_work.context["form"].errors) == ["item"]  # only items volunteers do are offered
    assert RecurringPlan.objects.count() == 0


def test_generate_the_next_14_days_then_pause_and_resume(world, login):
    Region.objects.filter(pk=world.grid_a1.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))
    plan = _plan(world, rule="daily")
    client = login(world.users["community_a"])
    response = client.post(f"/dispatch/plans/{plan.pk}/generate/", {"month": "2026-11"})
    assert response["Location"] == "/dispatch/plans/?month=2026-11"
    today = timezone.localdate()
    days = sorted(Task.objects.filter(plan=plan).values_list("occurs_on", flat=True))
    assert days == [today + dt.timedelta(days=i) for i in range(14)]
    client.post(f"/dispatch/plans/{plan.pk}/generate/")
    assert Task.objects.filter(plan=plan).count() == 14  # again: nothing new
    client.post(f"/dispatch/plans/{plan.pk}/active/", {"active": "0"})
    plan.refresh_from_db()
    assert plan.active is False
    page = client.get("/dispatch/plans/").content.decode()
    assert f'action="/dispatch/plans/{plan.pk}/generate/"' not in page and 'name="resume"' in page
    client.post(f"/dispatch/plans/{plan.pk}/active/", {"active": "1"})
    plan.refresh_from_db()
    assert plan.active is True
    other = login(world.users["community_b"])
    assert other.post(f"/dispatch/plans/{plan.pk}/active/", {"active": "0"}).status_code == 404
    assert other.post(f"/dispatch/plans/{plan.pk}/generate/").status_code == 404


def test_the_page_takes_fixed_queries_plus_the_coverage_of_each_plan(world, login, django_assert_num_queries):
    client = login(world.users["community_a"])
    client.get("/dispatch/plans/")  # warm the session
    for _i in range(3):
        _plan(world, day_of_month=10)
    # session, user, memberships, the form's regions, items and tags, the plans (with item, region
    # and tag), then per plan its coverage: chosen residents, the target group, the served ones.
    with django_assert_num_queries(7 + 3 * 3):
        client.get("/dispatch/plans/")


def test_plans_over_the_api(world, login, visit, django_assert_num_queries):
    paused = _plan(world, rule="weekly", weekday=2, tag=None, active=False)
    client = login(world.users["community_a"])
    got = client.get("/api/dispatch/plans", {"month": "2026-11"}).json()
    assert [(p["id"], p["item"], p["rule"], p["weekday"], p["day_of_month"], p["target_tag"], p["active"],
             p["served"], p["covered"]) for p in got] == [
        (visit.pk, "0101", "monthly", None, 10, "elderly-living-alone", True, 1, 1),
        (paused.pk, "0101", "weekly", 2, None, None, False, 0, 0)]
    assert (got[0]["region"], got[0]["start_time"], got[0]["end_time"]) == ("330502001001", "09:00:00", "10:00:00")
    assert [p["served"] for p in client.get("/api/dispatch/plans", {"month": "2026-12"}).json()] == [0, 0]
    assert client.get("/api/dispatch/plans", {"month": "2026-13"}).json()["code"] == "month_invalid"
    assert client.get("/api/dispatch/plans", {"month": "November"}).status_code == 422
    # session, user, memberships, the plans; the coverage of each: 3 queries with a target group, 2 without
    with django_assert_num_queries(4 + 3 + 2):
        client.get("/api/dispatch/plans", {"month": "2026-11"})

    def active(user, value):
        return login(user).post(f"/api/dispatch/plans/{visit.pk}/active", data=json.dumps({"active": value}),
                                content_type="application/json")

    assert active(world.users["community_a"], False).json() == {"id": visit.pk, "rule": "monthly", "active": False}
    assert RecurringPlan.objects.get(pk=visit.pk).active is False
    assert active(world.users["community_b"], True).status_code == 404
    assert active(world.users["community_a"], True).json()["active"] is True
