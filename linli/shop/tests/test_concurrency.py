"""Redemptions at the same moment never overspend points or oversell stock, and a crash in the
middle of a redemption leaves both as they were.

The concurrent tests need PostgreSQL (row locks shared by threads). The server allows 100
connections and other test runs share it, so 100 attempts are made from a pool of threads
released together, each making several attempts one after another.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from linli.core.errors import DomainError
from linli.ledger import services as ledger
from linli.ledger.models import AccountKind, Entry, Ledger, Transfer
from linli.ledger.services import ledger_check, points_bonus, system_account, volunteer_account
from linli.ledger.tests.factories import volunteer
from linli.shop.models import Redemption, ShopItem
from linli.shop.services import donation_receive, item_create, redeem
from linli.testing import build_world, run_together

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads sharing row locks need PostgreSQL")


def _item(world, *, price: int, stock: int) -> ShopItem:
    staff = world.users["community_a"]
    item = item_create(user=staff, region=world.community_a, name="大米5斤", price=price)
    donation_receive(user=staff, item=item, donor_name="联华超市", donor_kind="business", quantity=stock)
    return ShopItem.objects.get(pk=item.pk)


def _attempts(threads: int, each: int, work) -> list[str]:
    """``threads * each`` calls of ``work(n)`` from ``threads`` threads released together;
    the outcome of each: "ok" or the DomainError code (anything else is re-raised)."""
    outcomes: list[str | None] = [None] * (threads * each)
    lock = threading.Lock()

    def run(t: int) -> None:
        for k in range(each):
            n = t * each + k
            try:
                work(n)
                outcome = "ok"
            except DomainError as exc:
                outcome = exc.code
            with lock:
                outcomes[n] = outcome

    errors = run_together(threads, run)
    assert errors == [None] * threads
    return outcomes


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hundred_redemptions_at_once_against_points_for_ten_redeem_exactly_ten():
    world = build_world()
    me = volunteer(world, "me")
    points_bonus(user=world.users["community_a"], volunteer=me, points=10 * 30, reason="年度优秀志愿者")
    item = _item(world, price=30, stock=500)

    outcomes = _attempts(20, 5, lambda n: redeem(user=me.user, item=item))

    assert sorted(outcomes) == ["insufficient_points"] * 90 + ["ok"] * 10
    assert volunteer_account(me, Ledger.POINTS).balance == 0
    assert system_account(Ledger.POINTS, AccountKind.SHOP, world.community_a).balance == 300
    assert ShopItem.objects.get(pk=item.pk).stock == 500 - 10
    assert Redemption.objects.filter(item=item).count() == 10
    assert ledger_check() == []


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_volunteers_buying_the_last_seven_at_once_get_seven():
    world = build_world()
    volunteers = [volunteer(world, f"v{i}") for i in range(50)]
    for v in volunteers:
        points_bonus(user=world.users["community_a"], volunteer=v, points=100, reason="重阳节活动")
    item = _item(world, price=40, stock=7)

    outcomes = _attempts(25, 2, lambda n: redeem(user=volunteers[n].user, item=item))

    assert sorted(outcomes) == ["ok"] * 7 + ["out_of_stock"] * 43
    assert ShopItem.objects.get(pk=item.pk).stock == 0
    winners = set(Redemption.objects.filter(item=item).values_list("volunteer_id", flat=True))
    assert len(winners) == 7
    assert sorted(volunteer_account(v, Ledger.POINTS).balance for v in volunteers) == [60] * 7 + [100] * 43
    assert ledger_check() == []


class Crash(Exception):
    pass


def _crash_in_transfer(monkeypatch):
    def crash(**_kwargs):
        raise Crash("the server died after taking the stock")

    monkeypatch.setattr(ledger, "transfer_post", crash)


def _crash_after_transfer(monkeypatch):
    def crash(**_kwargs):
        raise Crash("the server died after taking the stock and the points")

    monkeypatch.setattr(Redemption.objects, "create", crash)


@pytest.mark.parametrize("crash", [_crash_in_transfer, _crash_after_transfer], ids=["before points", "after points"])
def test_a_crash_in_the_middle_of_a_redemption_leaves_stock_and_points_as_they_were(world, monkeypatch, crash):
    me = volunteer(world, "me")
    points_bonus(user=world.users["community_a"], volunteer=me, points=100, reason="年度优秀志愿者")
    item = _item(world, price=30, stock=5)
    volunteer_account(me, Ledger.POINTS)
    system_account(Ledger.POINTS, AccountKind.SHOP, world.community_a)
    before = (Transfer.objects.count(), Entry.objects.count())
    crash(monkeypatch)

    with pytest.raises(Crash):
        redeem(user=me.user, item=item, quantity=2)

    assert ShopItem.objects.get(pk=item.pk).stock == 5
    assert volunteer_account(me, Ledger.POINTS).balance == 100
    assert system_account(Ledger.POINTS, AccountKind.SHOP, world.community_a).balance == 0
    assert (Transfer.objects.count(), Entry.objects.count()) == before
    assert not Redemption.objects.exists()
    assert ledger_check() == []
    monkeypatch.undo()
    assert redeem(user=me.user, item=item, quantity=2).points == 60  # and the shop still works
