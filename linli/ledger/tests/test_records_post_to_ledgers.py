"""Confirming a service record posts hours, points by the rules and time-bank coins, each in its
own ledger; every transfer sums to zero and the books check out."""

from __future__ import annotations

import pytest

from linli.core.errors import DomainError
from linli.ledger.models import Account, Entry, Ledger, Transfer
from linli.ledger.services import ledger_check, transfer_post, trial_balance, volunteer_account
from linli.ledger.tests.factories import confirmed, points_rule, volunteer


def _balances(vol):
    return {ledger: volunteer_account(vol, ledger).balance for ledger in Ledger.values}


def test_a_confirmed_record_posts_hours_points_and_coins(world):
    rule = points_rule(world, per_hour=10, per_record=5)
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=90)
    assert record.state == "confirmed"
    assert _balances(vol) == {"hours": 90, "points": 15 + 5, "coins": 90}
    assert record.points_transfer.data == {"rules": [{"rule": rule.pk, "name": "每小时积分", "points": 20}]}
    for ledger in Ledger.values:
        assert trial_balance(ledger) == {"entries": 0, "balances": 0, "accounts": 2}
    assert ledger_check() == []


def test_without_a_rule_no_points_are_issued(world):
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    assert record.points_transfer is None
    assert _balances(vol) == {"hours": 60, "points": 0, "coins": 60}


def test_rules_of_another_community_do_not_apply(world):
    points_rule(world, region=world.community_b)
    vol = volunteer(world, "li")
    confirmed(world, vol, minutes=60)
    assert volunteer_account(vol, Ledger.POINTS).balance == 0


def test_units_never_cross_ledgers(world):
    vol = volunteer(world, "li")
    confirmed(world, vol, minutes=60)
    hours, coins = volunteer_account(vol, Ledger.HOURS), volunteer_account(vol, Ledger.COINS)
    with pytest.raises(DomainError) as caught:
        transfer_post(ledger=Ledger.COINS, kind="spend", lines=[(coins, -10), (hours, 10)])
    assert caught.value.code == "ledger_mixed"
    assert Entry.objects.count() == 4 and Transfer.objects.count() == 2  # hours and coins; no points rule


def test_recorded_hours_are_never_spent(world):
    vol, other = volunteer(world, "li"), volunteer(world, "wang")
    confirmed(world, vol, minutes=60)
    with pytest.raises(DomainError) as caught:
        transfer_post(ledger=Ledger.HOURS, kind="gift", lines=[(volunteer_account(vol, Ledger.HOURS), -30),
                                                              (volunteer_account(other, Ledger.HOURS), 30)])
    assert caught.value.code == "hours_not_spendable"
    assert volunteer_account(vol, Ledger.HOURS).balance == 60


@pytest.mark.parametrize("lines", [[("a", 10)], [("a", 10), ("b", -9)], [("a", 1.5), ("b", -1.5)]])
def test_unbalanced_or_fractional_transfers_are_refused(world, lines):
    vol = volunteer(world, "li")
    confirmed(world, vol, minutes=60)
    accounts = {"a": volunteer_account(vol, Ledger.COINS), "b": Account.objects.get(code__startswith="coins:issuer:")}
    before = Entry.objects.count()
    with pytest.raises(DomainError) as caught:
        transfer_post(ledger=Ledger.COINS, kind="issue", lines=[(accounts[k], n) for k, n in lines])
    assert caught.value.code in {"unbalanced", "amount_invalid"}
    assert Entry.objects.count() == before


def test_entries_and_transfers_cannot_be_changed_or_deleted(world):
    confirmed(world, volunteer(world, "li"), minutes=60)
    entry, transfer = Entry.objects.first(), Transfer.objects.first()
    for attempt in (lambda: entry.save(), lambda: entry.delete(), lambda: transfer.save(), lambda: transfer.delete(),
                    lambda: Entry.objects.update(amount=1), lambda: Entry.objects.all().delete()):
        with pytest.raises(TypeError):
            attempt()


def test_a_record_is_confirmed_once(world):
    from linli.records.services import record_confirm

    record = confirmed(world, volunteer(world, "li"), minutes=60)
    with pytest.raises(DomainError) as caught:
        record_confirm(user=record.recorder, record=record)
    assert caught.value.code == "record_not_pending"
    assert Transfer.objects.filter(source=f"record:{record.pk}").count() == 2
