"""The gap report shows the seeds' shortage: many meal-delivery demands, few volunteers in reach,
and the people who lack only a health certificate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from linli.demands.models import Demand
from linli.demands.tests.factories import submit
from linli.dispatch.gaps import gap_report
from linli.supply.models import CertificateKind, Skill, VolunteerCertificate
from linli.supply.tests.factories import make_volunteer

MONDAY = dt.date(2026, 11, 23)
WEEKDAYS = [(d, dt.time(10, 0), dt.time(13, 0)) for d in range(5)]


def _meal_demands(world, n):
    for i in range(n):
        d = submit(world, item="0102", description=f"送饭{i}")
        Demand.objects.filter(pk=d.pk).update(lat=Decimal("30.870000"), lon=Decimal("120.090000"))


def test_meal_delivery_shows_its_gap_and_who_lacks_only_a_certificate(world):
    health = CertificateKind.objects.get(code="health_certificate")
    _meal_demands(world, 12)
    ready = make_volunteer(region=world.grid_a1, skills=["meal_delivery", "food_handling"], weekly=WEEKDAYS,
                           daily_capacity=1, lat="30.871000")
    VolunteerCertificate.objects.create(volunteer=ready, kind=health, valid_from=MONDAY, valid_until=MONDAY + dt.timedelta(days=365))
    far = make_volunteer(region=world.grid_a1, skills=["meal_delivery"], weekly=WEEKDAYS, lat="30.990000", max_km="1.0")
    visitor = make_volunteer(region=world.grid_a1, skills=["visit"], weekly=WEEKDAYS, lat="30.870500")
    rows = gap_report(within=world.community_a, week_start=MONDAY)
    meal = next(r for r in rows if r.item.code == "0102")
    assert (meal.grid, meal.demand, meal.by_distance) == (world.grid_a1, 12, True)
    assert [v.pk for v in meal.volunteers] == [ready.pk]
    assert meal.capacity == 5  # one service a day, five weekdays
    assert meal.gap == 7
    assert far not in meal.volunteers and visitor not in meal.volunteers
    assert rows[0] is meal  # the biggest gap first


def test_a_skill_needing_a_certificate_counts_only_with_a_valid_one(world):
    _meal_demands(world, 3)
    kind = CertificateKind.objects.get(code="health_certificate")
    needs = Skill.objects.filter(needs_certificate=kind).values_list("code", flat=True)
    skill = next(iter(needs))
    from linli.dispatch import services

    services.item_skills.cache_clear()
    original = services.item_skills()
    try:
        original["0102"] = [skill]
        expired = make_volunteer(region=world.grid_a1, skills=[skill], weekly=WEEKDAYS, lat="30.870100")
        VolunteerCertificate.objects.create(volunteer=expired, kind=kind, valid_from=dt.date(2020, 1, 1),
                                            valid_until=dt.date(2021, 1, 1))
        meal = next(r for r in gap_report(within=world.community_a, week_start=MONDAY) if r.item.code == "0102")
        assert (meal.volunteers, [v.pk for v in meal.lacking_certificate]) == ([], [expired.pk])
    finally:
        services.item_skills.cache_clear()


def test_the_page_is_for_staff_of_the_area(world, login):
    _meal_demands(world, 2)
    page = login(world.users["community_a"]).get("/dispatch/gaps/", {"week": "2026-11-25"})
    assert page.status_code == 200 and page.context["week"] == MONDAY
    assert [(r.item.code, r.demand) for r in page.context["rows"]] == [("0102", 2)]
    assert login(world.users["volunteer_a"]).get("/dispatch/gaps/").status_code == 404
    assert login(world.users["community_b"]).get("/dispatch/gaps/", {"region": "330502001001"}).status_code == 404
