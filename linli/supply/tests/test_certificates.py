"""Certificates with validity dates, and the skills they qualify a volunteer for."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.errors import DomainError
from linli.supply.services import certificate_add, certificate_remove
from linli.supply.tests.factories import add_certificate, make_volunteer

D = dt.date(2026, 6, 15)


def test_certificate_is_valid_between_its_dates_inclusive(world):
    cert = add_certificate(make_volunteer(region=world.grid_a1), "health_certificate",
                           valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    assert [cert.is_valid_on(d) for d in (dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 1))] == [
        False, True, True, False,
    ]


def test_certificate_without_an_end_never_expires(world):
    cert = add_certificate(make_volunteer(region=world.grid_a1), "driving_licence")
    assert cert.is_valid_on(dt.date(2099, 1, 1)) is True
    assert cert.expired is False


def test_skill_needing_a_certificate_counts_only_while_it_is_valid(world):
    volunteer = make_volunteer(region=world.grid_a1, skills=["food_handling", "visit", "electrical"])
    add_certificate(volunteer, "health_certificate", valid_until=D)
    assert volunteer.qualified_skill_codes(D) == {"food_handling", "visit"}
    assert volunteer.qualified_skill_codes(D + dt.timedelta(days=1)) == {"visit"}


def test_certificate_add_validates_kind_and_dates(world):
    volunteer = make_volunteer(region=world.grid_a1)
    with pytest.raises(DomainError) as exc:
        certificate_add(volunteer=volunteer, kind="pilot")
    assert (exc.value.code, exc.value.field) == ("unknown_certificate_kind", "kind")
    with pytest.raises(DomainError) as exc:
        certificate_add(volunteer=volunteer, kind="health_certificate", valid_from=D, valid_until=D - dt.timedelta(days=1))
    assert (exc.value.code, exc.value.field) == ("certificate_dates", "valid_until")
    expired = certificate_add(volunteer=volunteer, kind="health_certificate", number=" J-1 ", valid_until=dt.date(2020, 1, 1))
    assert (expired.number, expired.expired) == ("J-1", True)


def test_certificate_remove_only_removes_the_volunteers_own(world):
    mine = make_volunteer(region=world.grid_a1)
    other = add_certificate(make_volunteer(region=world.grid_a1), "teacher")
    with pytest.raises(DomainError) as exc:
        certificate_remove(volunteer=mine, certificate_id=other.pk)
    assert exc.value.code == "not_found"
    other.refresh_from_db()
