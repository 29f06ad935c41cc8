"""``linli demo --if-empty`` on an empty database, and ``--reset``: only the demo district and its
logins are removed."""

from io import StringIO

import pytest
from django.core.management import call_command

from linli.accounts.models import User
from linli.demo.generator import LOGIN_USERNAMES, demo_reset
from linli.people.models import Household, Resident, ResidentTag
from linli.regions.models import Level, Region
from linli.regions.services import region_create
from linli.supply.models import Organisation


@pytest.mark.django_db
def test_if_empty_builds_on_an_empty_database_and_reset_removes_only_the_demo():
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out, stderr=StringIO())
    assert Resident.objects.count() == 11_753
    assert "demo_district" in out.getvalue()

    other = region_create(parent=None, level=Level.DISTRICT, name="南浔区", code="330503", stats_code="330503000000")
    # --reset removes the demo; --if-empty then finds 南浔区 and builds nothing.
    call_command("demo", "--reset", "--if-empty", stdout=StringIO(), stderr=StringIO())
    assert list(Region.objects.values_list("code", flat=True)) == [other.code]
    assert (Resident.objects.count(), Household.objects.count(), ResidentTag.objects.count()) == (0, 0, 0)
    assert not Organisation.objects.exists()
    assert not User.objects.filter(username__in=LOGIN_USERNAMES).exists()
    assert demo_reset() is False
