"""Becoming a volunteer from one's own account; a worker registering someone with consent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.roles import Role
from linli.core.errors import DomainError
from linli.supply.models import Volunteer
from linli.supply.services import VolunteerInput, volunteer_create_by_staff, volunteer_register
from linli.testing import make_user


def test_resident_registers_with_name_birth_date_and_mobile_from_the_register(world):
    user = world.users["resident_a1"]
    volunteer = volunteer_register(user=user, data=VolunteerInput(
        name="别的名字", birth_date=dt.date(2000, 1, 1), mobile="13911112222", region=world.community_b,
        skills=["visit", "meal_delivery"], max_km="1.5", daily_capacity=2,
    ))
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.gender, volunteer.birth_date) == ("张秀英", "F", dt.date(1940, 3, 12))
    assert volunteer.mobile == "13800001234"
    assert volunteer.mobile_masked == "138****1234"
    assert volunteer.region == world.micro_a1
    assert volunteer.resident == world.resident_a1
    assert volunteer.user == user
    assert volunteer.max_km == Decimal("1.5")
    assert volunteer.daily_capacity == 2
    assert sorted(volunteer.skills.values_list("code", flat=True)) == ["meal_delivery", "visit"]
    assert Volunteer.objects.by_mobile("13800001234").get() == volunteer


def test_registration_gives_the_volunteer_role_in_the_home_community(world):
    user = world.users["resident_a1"]
    volunteer_register(user=user, data=VolunteerInput())
    assert user.memberships.filter(role=Role.VOLUNTEER, region=world.community_a).count() == 1


def test_registering_twice_is_refused_and_changes_nothing(world):
    user = world.users["resident_a1"]
    volunteer_register(user=user, data=VolunteerInput(skills=["visit"]))
    with pytest.raises(DomainError) as exc:
        volunteer_register(user=user, data=VolunteerInput(skills=["repair"]))
    assert exc.value.code == "volunteer_already_registered"
    assert Volunteer.objects.count() == 1
    assert list(Volunteer.objects.get().skills.values_list("code", flat=True)) == ["visit"]


def test_person_without_a_resident_record_gives_identity_and_region(world):
    user = make_user("walker")
    volunteer = volunteer_register(user=user, data=VolunteerInput(
        name=" 赵六 ", gender="M", birth_date=dt.date(1990, 2, 3), mobile="+86 139-0000-1111", region=world.grid_a2,
    ))
    assert (volunteer.name, volunteer.mobile, volunteer.resident) == ("赵六", "13900001111", None)
    assert volunteer.region == world.grid_a2


@pytest.mark.parametrize(("birth", "consent", "ok"), [
    (dt.date(2010, 1, 1), False, True),   # 16 and more
    (dt.date(2011, 1, 1), False, False),  # 15: refused without consent
    (dt.date(2011, 1, 1), True, True),    # 15 with the guardian's consent
])
def test_age_rule_under_16_needs_a_guardians_consent(world, settings, birth, consent, ok, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 6, 1))
    data = VolunteerInput(name="小李", gender="M", birth_date=birth, region=world.grid_a1, guardian_consent=consent)
    if ok:
        assert volunteer_register(user=make_user("teen"), data=data).guardian_consent is consent
    else:
        with pytest.raises(DomainError) as exc:
            volunteer_register(user=make_user("teen"), data=data)
        assert (exc.value.code, exc.value.field) == ("volunteer_too_young", "guardian_consent")
        assert Volunteer.objects.count() == 0


def test_worker_registers_a_resident_with_consent(world):
    worker = world.users["grid_a2"]
    volunteer = volunteer_create_by_staff(user=worker, data=VolunteerInput(skills=["repair"]),
                                          consent=True, resident=world.resident_a2)
    assert (volunteer.name, volunteer.region, volunteer.registered_by) == ("李建国", world.grid_a2, worker)
    assert volunteer.consent_at is not None
    assert volunteer.user is None


def test_worker_needs_the_volunteers_consent_and_a_region_in_the_area(world):
    data = VolunteerInput(name="钱七", gender="F", birth_date=dt.date(1970, 1, 1), region=world.grid_b1)
    with pytest.raises(DomainError) as exc:
        volunteer_create_by_staff(user=world.users["grid_a1"], data=data, consent=False)
    assert exc.value.code == "consent_required"
    with pytest.raises(DomainError) as exc:
        volunteer_create_by_staff(user=world.users["grid_a1"], data=data, consent=True)
    assert (exc.value.code, exc.value.field) == ("region_out_of_scope", "region")
    assert Volunteer.objects.count() == 0


def test_resident_takes_over_the_record_a_worker_made(world):
    made = volunteer_create_by_staff(user=world.users["community_a"], data=VolunteerInput(skills=["visit"]),
                                     consent=True, resident=world.resident_a1)
    own = volunteer_register(user=world.users["resident_a1"], data=VolunteerInput(skills=["visit", "shopping"]))
    assert own.pk == made.pk
    assert Volunteer.objects.count() == 1
    assert sorted(own.skills.values_list("code", flat=True)) == ["shopping", "visit"]
