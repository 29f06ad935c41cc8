"""The trial balance over the API covers the caller's area: a community worker sees the sums and the
number of accounts of their community only; the whole-platform balance is for the whole tree."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.ledger.models import Account, Ledger
from linli.ledger.services import ledger_check
from linli.ledger.tests.factories import DAY, volunteer
from linli.records.services import record_create


def _record(world, user, vol, region, minutes):
    record_create(user=world.users[user], volunteers=[vol], region=region, activity="助老探访", date=DAY,
                  place="幸福苑", content="陪伴聊天", minutes=minutes, person_in_charge="王主任")


def _trial(world, user):
    _token, raw = api_token_create(user=world.users[user], name="test")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/ledger/trial-balance")
    assert response.status_code == 200
    return {t["ledger"]: (t["entries"], t["balances"], t["accounts"]) for t in response.json()}


@pytest.fixture
def books(world):
    _record(world, "community_a", volunteer(world, "a"), world.community_a, 120)
    _record(world, "community_b", volunteer(world, "b", region=world.grid_b1), world.community_b, 60)
    _record(world, "community_b", volunteer(world, "c", region=world.grid_b1), world.community_b, 30)
    assert ledger_check() == []


def _accounts(ledger, region=None):
    qs = Account.objects.filter(ledger=ledger)
    return qs.filter(path__startswith=region.path).count() if region else qs.count()


def test_a_community_worker_gets_the_trial_balance_of_their_community_only(world, books):
    trial = _trial(world, "community_a")
    for ledger in Ledger.values:
        entries, balances, accounts = trial[ledger]
        assert entries == balances
        assert accounts == _accounts(ledger, world.community_a)
    for ledger in (Ledger.HOURS, Ledger.COINS):
        assert trial[ledger][2] < _accounts(ledger)
    assert trial[Ledger.HOURS][2] == 2  # the issuer of community A and volunteer a
    assert _trial(world, "community_b")[Ledger.HOURS][2] == 3


def test_the_district_officer_over_the_whole_tree_gets_the_platform_balance(world, books):
    trial = _trial(world, "district")
    assert trial == {ledger: (0, 0, _accounts(ledger)) for ledger in Ledger.values}
    assert trial[Ledger.HOURS][2] == 5


def test_the_books_page_shows_the_trial_balance_of_the_area(world, books):
    client = Client()
    client.force_login(world.users["community_a"])
    page = client.get("/ledger/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = client.get("/ledger/").context["rows"]
    expected = {ledger: _trial(world, "community_a")[ledger] for ledger in Ledger.values}
    assert {r["ledger"].value: (r["trial"]["entries"], r["trial"]["balances"], r["trial"]["accounts"]) for r in rows} == expected
    assert "Trial balance (the accounts of your area)" in page and "Trial balance (all entries)" not in page
    assert page.count("state-resolved") == 3
    client.force_login(world.users["district"])
    page = client.get("/ledger/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Trial balance (all entries)" in page and page.count("state-resolved") == 3
