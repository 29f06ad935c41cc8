"""Redemptions and cancellations of the same item at the same moment never deadlock.

Redeeming used to lock the item and then the points accounts, cancelling the accounts (through
the reversal) and then the item: under load one of two crossing requests was killed by
PostgreSQL's deadlock detector and answered 500. Both now take the item first, then the accounts
in id order. A deadlock would be retried by ``atomic_retry`` and logged; here none may happen.
"""

from __future__ import annotations

import logging
import threading

import pytest
from django.db import connection

from linli.ledger.models import AccountKind, Ledger
from linli.ledger.services import ledger_check, points_bonus, system_account, volunteer_account
from linli.ledger.tests.factories import volunteer
from linli.shop.models import Redemption, RedemptionState, ShopItem
from linli.shop.services import donation_receive, item_create, redeem, redemption_cancel
from linli.testing import build_world, run_together

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads sharing row locks need PostgreSQL")

THREADS, ROUNDS, PRICE = 20, 3, 10


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_volunteers_redeeming_and_cancelling_the_same_item_at_once_never_deadlock(caplog):
    world = build_world()
    staff = world.users["community_a"]
    item = item_create(user=staff, region=world.community_a, name="大米5斤", price=PRICE)
    donation_receive(user=staff, item=item, donor_name="联华超市", donor_kind="business", quantity=1000)
    item = ShopItem.objects.get(pk=item.pk)
    volunteers = [volunteer(world, f"v{i}") for i in range(THREADS)]
    held = {}
    for v in volunteers:
        points_bonus(user=staff, volunteer=v, points=PRICE * 2 * ROUNDS, reason="重阳节活动")
        held[v.pk] = [redeem(user=v.user, item=item) for _ in range(ROUNDS)]
    caplog.set_level(logging.INFO, logger="linli.db")
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        v = volunteers[t]
        for r in held[v.pk]:  # a cancellation and a redemption, crossing every other thread's
            redemption_cancel(user=v.user, redemption=r)
            redeem(user=v.user, item=item)
            with lock:
                outcomes.append("ok")

    errors = run_together(THREADS, work)

    assert [repr(e) for e in errors if e is not None] == []
    assert outcomes == ["ok"] * THREADS * ROUNDS
    assert [r.getMessage() for r in caplog.records if r.name == "linli.db"] == []  # not even a retried deadlock
    assert ShopItem.objects.get(pk=item.pk).stock == 1000 - THREADS * ROUNDS
    assert Redemption.objects.filter(state=RedemptionState.CANCELLED).count() == THREADS * ROUNDS
    assert Redemption.objects.filter(state=RedemptionState.RESERVED).count() == THREADS * ROUNDS
    assert sorted(volunteer_account(v, Ledger.POINTS).balance for v in volunteers) == [PRICE * ROUNDS] * THREADS
    assert system_account(Ledger.POINTS, AccountKind.SHOP, world.community_a).balance == PRICE * THREADS * ROUNDS
    assert ledger_check() == []
