"""Bad profile input: one stable code, the field named, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.supply.models import Volunteer
from linli.supply.services import (
    ProfileInput,
    VolunteerInput,
    volunteer_register,
    volunteer_update_profile,
)
from linli.supply.tests.factories import make_volunteer
from linli.testing import make_user


def _register(world, **fields):
    base = {"name": "赵六", "gender": "M", "birth_date": dt.date(1990, 1, 1), "region": world.grid_a1}
    return volunteer_register(user=make_user("someone"), data=VolunteerInput(**{**base, **fields}))


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"max_km": "0"}, "max_km_range", "max_km"),
    ({"max_km": "50.1"}, "max_km_range", "max_km"),
    ({"max_km": "far"}, "max_km_invalid", "max_km"),
    ({"daily_capacity": 0}, "daily_capacity_range", "daily_capacity"),
    ({"daily_capacity": 21}, "daily_capacity_range", "daily_capacity"),
    ({"daily_capacity": "x"}, "daily_capacity_invalid", "daily_capacity"),
    ({"skills": ["visit", "flying"]}, "unknown_skill", "skills"),
    ({"lat": "30.1"}, "location_incomplete", "lon"),
    ({"lat": "95", "lon": "120"}, "location_invalid", "lat"),
    ({"insurer": "人保"}, "insurance_date_required", "insurance_valid_until"),
    ({"insurance_valid_until": dt.date(2030, 1, 1)}, "insurer_required", "insurer"),
    ({"mobile": "12345"}, "mobile_format", "mobile"),
    ({"name": " "}, "name_required", "name"),
    ({"gender": "X"}, "gender_invalid", "gender"),
    ({"birth_date": None}, "birth_date_required", "birth_date"),
    ({"region": None}, "region_required", "region"),
])
def test_registration_refuses_bad_fields(world, fields, code, field):
    with pytest.raises(DomainError) as exc:
        _register(world, **fields)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert str(exc.value.message)
    assert Volunteer.objects.count() == 0


def test_region_above_community_is_refused(world):
    with pytest.raises(DomainError) as exc:
        _register(world, region=world.street)
    assert exc.value.code == "region_too_high"


def test_limits_are_accepted(world):
    volunteer = _register(world, max_km="0.1", daily_capacity=20)
    volunteer_update_profile(volunteer=volunteer, data=ProfileInput(max_km="50", daily_capacity=1))
    volunteer.refresh_from_db()
    assert (str(volunteer.max_km), volunteer.daily_capacity) == ("50.0", 1)


def test_expired_insurance_is_kept_and_flagged(world):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    volunteer = _register(world, insurer="中国人寿", insurance_policy="P-1", insurance_valid_until=yesterday)
    volunteer.refresh_from_db()
    assert volunteer.insurance_valid_until == yesterday
    assert volunteer.insured is False
    assert volunteer.insurance_expired is True
    assert volunteer.is_insured_on(yesterday) is True


def test_failed_update_changes_nothing(world):
    volunteer = make_volunteer(region=world.grid_a1, skills=["visit"], max_km="3.0")
    with pytest.raises(DomainError):
        volunteer_update_profile(volunteer=volunteer, data=ProfileInput(skills=["repair"], max_km="3.5", daily_capacity=0))
    volunteer.refresh_from_db()
    assert str(volunteer.max_km) == "3.0"
    assert list(volunteer.skills.values_list("code", flat=True)) == ["visit"]


def test_resident_volunteer_keeps_the_registers_mobile(world):
    volunteer = volunteer_register(user=world.users["resident_a1"], data=VolunteerInput())
    volunteer_update_profile(volunteer=volunteer, data=ProfileInput(mobile="13911112222"))
    volunteer.refresh_from_db()
    assert volunteer.mobile == "13800001234"
