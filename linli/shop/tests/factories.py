"""A shop item with stock and a volunteer holding points."""

from __future__ import annotations

from linli.ledger.models import AccountKind, Ledger
from linli.ledger.services import points_bonus, system_account, volunteer_account
from linli.shop.services import donation_receive, item_create


def stocked_item(world, *, name="大米 5kg", price=50, stock=3):
    keeper = world.users["community_a"]
    item = item_create(user=keeper, region=world.community_a, name=name, price=price)
    if stock:
        donation_receive(user=keeper, item=item, donor_name="联华超市", donor_kind="business", quantity=stock)
    item.refresh_from_db()
    return item


def give_points(world, vol, points):
    points_bonus(user=world.users["community_a"], volunteer=vol, points=points, reason="测试")
    return volunteer_account(vol, Ledger.POINTS)


def shop_account(world):
    return system_account(Ledger.POINTS, AccountKind.SHOP, world.community_a)
