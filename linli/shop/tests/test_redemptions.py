"""Redeeming takes stock and points together; too few points, too little stock or bad amounts
change nothing; cancelling gives both back by reversal; the keeper hands over by pickup code."""

from __future__ import annotations

import pytest

from linli.core.errors import DomainError
from linli.ledger.models import Ledger, Transfer
from linli.ledger.services import ledger_check, trial_balance, volunteer_account
from linli.ledger.tests.factories import confirmed, volunteer
from linli.shop.models import Redemption
from linli.shop.services import pickup, redeem, redemption_cancel
from linli.shop.tests.factories import give_points, shop_account, stocked_item


def _state(item, vol):
    item.refresh_from_db()
    return item.stock, volunteer_account(vol, Ledger.POINTS).balance, Redemption.objects.count()


def test_redeeming_takes_stock_and_points_and_gives_a_pickup_code(world):
    vol, item = volunteer(world, "li"), stocked_item(world, price=50, stock=3)
    give_points(world, vol, 120)
    r = redeem(user=vol.user, item=item, quantity=2)
    assert (r.points, r.state, len(r.pickup_code), r.pickup_code.isdigit()) == (100, "reserved", 6, True)
    assert _state(item, vol) == (1, 20, 1)
    assert shop_account(world).balance == 100
    assert trial_balance(Ledger.POINTS)["entries"] == 0 and ledger_check() == []


@pytest.mark.parametrize(("points", "quantity", "code"), [
    (49, 1, "insufficient_points"),
    (500, 4, "out_of_stock"),
    (500, 0, "amount_invalid"),
    (500, -1, "amount_invalid"),
    (500, "1.5", "amount_invalid"),
    (500, 21, "quantity_too_large"),
])
def test_a_refused_redemption_moves_nothing(world, points, quantity, code):
    vol, item = volunteer(world, "li"), stocked_item(world, price=50, stock=3)
    give_points(world, vol, points)
    transfers = Transfer.objects.count()
    with pytest.raises(DomainError) as caught:
        redeem(user=vol.user, item=item, quantity=quantity)
    assert caught.value.code == code
    assert _state(item, vol) == (3, points, 0)
    assert Transfer.objects.count() == transfers


def test_cancelling_returns_the_points_by_reversal_and_the_goods_to_the_shelf(world):
    vol, item = volunteer(world, "li"), stocked_item(world, price=50, stock=3)
    give_points(world, vol, 100)
    r = redeem(user=vol.user, item=item, quantity=2)
    r = redemption_cancel(user=vol.user, redemption=r)
    assert r.state == "cancelled" and r.refund.reverses_id == r.transfer_id
    assert _state(item, vol) == (3, 100, 1)
    with pytest.raises(DomainError) as caught:
        redemption_cancel(user=vol.user, redemption=r)
    assert caught.value.code == "redemption_closed"
    assert _state(item, vol) == (3, 100, 1) and ledger_check() == []


def test_the_keeper_hands_over_by_code_once(world):
    vol, item = volunteer(world, "li"), stocked_item(world)
    give_points(world, vol, 50)
    r = redeem(user=vol.user, item=item)
    keeper = world.users["community_a"]
    with pytest.raises(DomainError) as caught:
        pickup(user=keeper, region=world.community_a, code="000000" if r.pickup_code != "000000" else "111111")
    assert caught.value.code == "code_unknown"
    assert pickup(user=keeper, region=world.community_a, code=r.pickup_code).state == "picked_up"
    with pytest.raises(DomainError):
        pickup(user=keeper, region=world.community_a, code=r.pickup_code)
    with pytest.raises(DomainError) as caught:
        redemption_cancel(user=vol.user, redemption=r)
    assert caught.value.code == "redemption_closed"


def test_another_communitys_keeper_cannot_hand_over_or_cancel(world):
    vol, item = volunteer(world, "li"), stocked_item(world)
    give_points(world, vol, 50)
    r = redeem(user=vol.user, item=item)
    with pytest.raises(DomainError) as caught:
        pickup(user=world.users["community_b"], region=world.community_b, code=r.pickup_code)
    assert caught.value.code in {"not_found", "code_unknown"}
    with pytest.raises(DomainError) as caught:
        redemption_cancel(user=world.users["community_b"], redemption=r)
    assert caught.value.code == "not_found"


def test_spending_points_never_reduces_recorded_hours(world):
    vol, item = volunteer(world, "li"), stocked_item(world, price=10)
    confirmed(world, vol, minutes=600)
    give_points(world, vol, 30)
    redeem(user=vol.user, item=item, quantity=3)
    assert volunteer_account(vol, Ledger.HOURS).balance == 600
