"""Time-bank coins: earned 1 hour = 1 coin, given to household members only, capped (the surplus
is donated), spent on services only."""

from __future__ import annotations

import pytest

from linli.catalog.models import ServiceItem
from linli.core.errors import DomainError
from linli.ledger.models import Account, Ledger
from linli.ledger.services import (
    coins_gift,
    coins_spend,
    ledger_check,
    resident_account,
    volunteer_account,
)
from linli.ledger.tests.factories import confirmed
from linli.people.models import Household
from linli.supply.tests.factories import make_volunteer


def _family_volunteer(world):
    home = Household.objects.create(region=world.grid_a1, number="H-1")
    for r in (world.resident_a1, world.resident_a2):
        r.household = home
        r.save(update_fields=["household"])
    return make_volunteer(region=world.grid_a1, user=world.users["resident_a1"], resident=world.resident_a1, name="李")


def test_coins_go_to_a_household_member_and_pay_for_services(world):
    vol = _family_volunteer(world)
    confirmed(world, vol, minutes=180)
    coins_gift(user=vol.user, to_resident_id=world.resident_a2.pk, minutes=120)
    mother = resident_account(world.resident_a2)
    assert (volunteer_account(vol, Ledger.COINS).balance, mother.balance) == (60, 120)
    coins_spend(user=world.users["community_a"], account=mother, minutes=60, item=ServiceItem.objects.get(code="0102"))
    mother.refresh_from_db()
    assert mother.balance == 60
    assert volunteer_account(vol, Ledger.HOURS).balance == 180  # giving coins never touches hours
    assert ledger_check() == []


def test_coins_cannot_go_outside_the_household(world):
    vol = _family_volunteer(world)
    confirmed(world, vol, minutes=60)
    with pytest.raises(DomainError) as caught:
        coins_gift(user=vol.user, to_resident_id=world.resident_b1.pk, minutes=30)
    assert caught.value.code == "not_family"


@pytest.mark.parametrize(("minutes", "code"), [(61, "insufficient_coins"), (0, "amount_invalid"), (-1, "amount_invalid"),
                                               (0.5, "amount_invalid")])
def test_a_bad_gift_moves_nothing(world, minutes, code):
    vol = _family_volunteer(world)
    confirmed(world, vol, minutes=60)
    with pytest.raises(DomainError) as caught:
        coins_gift(user=vol.user, to_resident_id=world.resident_a2.pk, minutes=minutes)
    assert caught.value.code == code
    assert volunteer_account(vol, Ledger.COINS).balance == 60
    assert not Account.objects.filter(resident=world.resident_a2, balance__gt=0).exists()


def test_coins_are_spent_on_services_only(world):
    vol = _family_volunteer(world)
    confirmed(world, vol, minutes=60)
    with pytest.raises(DomainError) as caught:
        coins_spend(user=vol.user, account=volunteer_account(vol, Ledger.COINS), minutes=30, item=None)
    assert caught.value.code == "service_required"


def test_earnings_over_the_cap_are_donated_and_a_gift_over_the_cap_is_refused(world, settings):
    settings.TIMEBANK_CAP_HOURS = 2
    vol = _family_volunteer(world)
    confirmed(world, vol, minutes=150)
    donated = Account.objects.get(code__startswith="coins:donated:")
    assert (volunteer_account(vol, Ledger.COINS).balance, donated.balance) == (120, 30)
    mother = resident_account(world.resident_a2)
    coins_gift(user=vol.user, to_resident_id=world.resident_a2.pk, minutes=100)
    confirmed(world, vol, minutes=120)  # back to the cap of 120 minutes
    with pytest.raises(DomainError) as caught:
        coins_gift(user=vol.user, to_resident_id=world.resident_a2.pk, minutes=30)
    assert caught.value.code == "over_cap"
    mother.refresh_from_db()
    assert (mother.balance, volunteer_account(vol, Ledger.COINS).balance) == (100, 120)
    assert ledger_check() == []
