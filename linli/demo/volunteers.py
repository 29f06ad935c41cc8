"""Volunteers and places for the demo community, deterministic for a seed.

The region tree has no coordinates, so the demo lays the community's grids out on a small map
(about 2.7 km², as 西林寺社区) around a point in Huzhou: each grid gets a centre, and its
residents' demands and its volunteers get a spot near it. About one resident in seventy
volunteers, most of them retired (银龄), a few with the health certificate food work needs; the
demo volunteer login is one of them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from linli.accounts.models import User
from linli.demands.models import Demand
from linli.people.models import Resident
from linli.regions.models import SEGMENT, Level, Region
from linli.supply.models import (
    CertificateKind,
    Skill,
    Volunteer,
    VolunteerCertificate,
    VolunteerStatus,
    WeeklyAvailability,
)
from linli.supply.services import set_mobile

ORIGIN = (30.8650, 120.0850)
HOURS = [(8, 12), (9, 13), (10, 13), (14, 17), (8, 17), (13, 18)]
STEP_DEG = 0.0032  # about 350 m between grid centres
SKILL_SETS = [
    ["meal_delivery", "visit"], ["visit", "escort"], ["meal_delivery", "food_handling"], ["repair", "electrical"],
    ["cleaning", "shopping"], ["tutoring", "after_school"], ["haircut", "visit"], ["computer_help", "cultural"],
    ["patrol", "fire_safety"], ["sports", "cultural"], ["psych_support", "visit"], ["meal_delivery", "shopping"],
]


def grid_centres(community: Region) -> dict[str, tuple[float, float]]:
    """Grid path -> (lat, lon), the grids on a 6-wide lattice in tree order."""
    grids = Region.objects.filter(path__startswith=community.path, level=Level.GRID).order_by("path")
    centres = {g.path: (ORIGIN[0] + (i // 6) * STEP_DEG, ORIGIN[1] + (i % 6) * STEP_DEG) for i, g in enumerate(grids)}
    for path, (lat, lon) in centres.items():  # each grid's representative point, for dispatch
        Region.objects.filter(path=path).update(lat=Decimal(f"{lat:.6f}"), lon=Decimal(f"{lon:.6f}"))
    return centres


def _near(rng: random.Random, centre: tuple[float, float]) -> tuple[Decimal, Decimal]:
    return (Decimal(f"{centre[0] + rng.uniform(-0.0015, 0.0015):.6f}"),
            Decimal(f"{centre[1] + rng.uniform(-0.0015, 0.0015):.6f}"))


def place_demands(*, rng: random.Random, community: Region, centres: dict[str, tuple[float, float]]) -> None:
    for demand in Demand.objects.filter(community=community).only("pk", "path"):
        centre = centres.get(demand.path[: 4 * SEGMENT])
        if centre:
            lat, lon = _near(rng, centre)
            Demand.objects.filter(pk=demand.pk).update(lat=lat, lon=lon)


def demo_volunteers(*, rng: random.Random, community: Region, residents: list[Resident]) -> int:
    centres = grid_centres(community)
    skills = {s.code: s for s in Skill.objects.all()}
    health = CertificateKind.objects.get(code="health_certificate")
    today = timezone.localdate()
    candidates = [r for r in residents if r.mobile and r.birth_date and 18 <= r.age <= 75]
    chosen = rng.sample(candidates, min(len(candidates), max(1, len(residents) // 70)))
    demo_user = User.objects.filter(username="demo_volunteer").first()
    own = Resident.objects.filter(user=demo_user).first() if demo_user else None
    if own is not None and own not in chosen:
        chosen[0] = own
    regions = Region.objects.in_bulk({r.region_id for r in chosen})  # one query, not one per volunteer
    for r in chosen:
        r.region = regions[r.region_id]
    made = 0
    for r in chosen:
        centre = centres.get(r.region.path[: 4 * SEGMENT], ORIGIN)
        lat, lon = _near(rng, centre)
        v = Volunteer(
            name=r.name, resident=r, user=r.user if r.user_id else None, gender=r.gender, birth_date=r.birth_date,
            region=r.region, lat=lat, lon=lon, max_km=Decimal(rng.choice(("1.0", "1.5", "2.0", "3.0"))),
            daily_capacity=rng.choice((1, 2, 2, 3)), status=VolunteerStatus.ACTIVE,
            insurer="中国人寿" if rng.random() < 0.8 else "",
            insurance_valid_until=today + dt.timedelta(days=rng.randint(30, 365)) if rng.random() < 0.8 else None,
        )
        set_mobile(v, r.mobile)
        v.save()
        chosen_skills = rng.choice(SKILL_SETS)
        v.skills.set([skills[c] for c in chosen_skills if c in skills])
        if "food_handling" in chosen_skills or rng.random() < 0.3:
            VolunteerCertificate.objects.create(volunteer=v, kind=health, valid_from=today - dt.timedelta(days=100),
                                                valid_until=today + dt.timedelta(days=rng.choice((-10, 200, 300))))
        days = rng.sample(range(7), rng.randint(2, 5))
        hours = [rng.choice(HOURS) for _d in days]
        WeeklyAvailability.objects.bulk_create([
            WeeklyAvailability(volunteer=v, weekday=d, start=dt.time(h[0], 0), end=dt.time(h[1], 0))
            for d, h in zip(days, hours, strict=True)
        ])
        made += 1
    place_demands(rng=rng, community=community, centres=centres)
    return made
