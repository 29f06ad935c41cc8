"""Volunteers for tests: ``make_volunteer(region=world.grid_a1, skills=["visit"])``.

Rows are written directly (the services are tested on their own); the mobile number goes through
the same helper as the services so its blind index is right.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from linli.supply.models import (
    AvailabilityException,
    CertificateKind,
    Skill,
    Volunteer,
    VolunteerCertificate,
    WeeklyAvailability,
)
from linli.supply.services import set_mobile

_counter = iter(range(1, 1_000_000))


def make_volunteer(
    *,
    region,
    name: str | None = None,
    user=None,
    resident=None,
    skills=(),
    birth_date: dt.date = dt.date(1960, 5, 1),
    gender: str = "F",
    mobile: str | None = None,
    lat: str | None = "30.870000",
    lon: str | None = "120.090000",
    max_km: str = "2.0",
    daily_capacity: int = 3,
    insured_until: dt.date | None = None,
    weekly=(),
    exceptions=(),
    status: str = "active",
) -> Volunteer:
    n = next(_counter)
    volunteer = Volunteer(
        name=name or f"志愿者{n}", user=user, resident=resident, gender=gender, birth_date=birth_date,
        region=region, lat=Decimal(lat) if lat else None, lon=Decimal(lon) if lon else None,
        max_km=Decimal(max_km), daily_capacity=daily_capacity, status=status,
        insurer="中国人寿" if insured_until else "", insurance_valid_until=insured_until,
    )
    set_mobile(volunteer, mobile if mobile is not None else f"137{n:08d}")
    volunteer.save()
    if skills:
        volunteer.skills.set(Skill.objects.filter(code__in=list(skills)))
    WeeklyAvailability.objects.bulk_create(
        [WeeklyAvailability(volunteer=volunteer, weekday=d, start=s, end=e) for d, s, e in weekly]
    )
    AvailabilityException.objects.bulk_create(
        [AvailabilityException(volunteer=volunteer, date=d, start=s, end=e, available=a) for d, s, e, a in exceptions]
    )
    return volunteer


def add_certificate(volunteer, kind: str, *, valid_from=None, valid_until=None, number: str = "") -> VolunteerCertificate:
    return VolunteerCertificate.objects.create(
        volunteer=volunteer, kind=CertificateKind.objects.get(code=kind), number=number,
        valid_from=valid_from, valid_until=valid_until,
    )


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)
