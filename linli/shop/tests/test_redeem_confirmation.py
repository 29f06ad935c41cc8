"""Redeeming asks first: the confirmation names the item, the points, and where and when to collect;
only "Yes, redeem" takes the stock and the points."""

from __future__ import annotations

from linli.ledger.tests.factories import volunteer
from linli.shop.models import Redemption
from linli.shop.services import item_create
from linli.shop.tests.factories import give_points, stocked_item


def test_the_first_press_shows_a_confirmation_and_redeems_nothing(world, client):
    vol, item = volunteer(world, "li"), stocked_item(world, price=30, stock=2)
    item.pickup_place, item.pickup_hours = "社区党群服务中心一楼", "工作日 9:00–17:00"
    item.save()
    give_points(world, vol, 100)
    client.force_login(vol.user)
    response = client.post(f"/shop/items/{item.pk}/redeem/", {"quantity": "2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert Redemption.objects.count() == 0
    item.refresh_from_db()
    assert item.stock == 2
    assert "确认兑换" in page and "社区党群服务中心一楼" in page and "工作日 9:00–17:00" in page
    assert "60" in page and "40" in page  # 60 of 100 points, 40 left
    assert 'name="confirm" value="yes"' in page and 'name="quantity" value="2"' in page


def test_confirming_redeems_and_says_where_and_when_to_collect(world, client):
    vol, item = volunteer(world, "li"), stocked_item(world, price=30, stock=2)
    give_points(world, vol, 100)
    client.force_login(vol.user)
    page = client.post(f"/shop/items/{item.pk}/redeem/", {"quantity": "1", "confirm": "yes"}, follow=True).content.decode()
    redemption = Redemption.objects.get()
    community = world.community_a.name
    assert f"凭取货码 {redemption.pickup_code} 到{community}爱心铺领取" in page
    assert "开放时间请询问爱心铺管理员" in page


def test_the_keeper_sets_where_and_when_with_the_item(world, client):
    client.force_login(world.users["community_a"])
    client.post("/shop/keeper/", {"action": "item", "name": "毛巾", "price": "5", "pickup_place": "3号楼架空层",
                                  "pickup_hours": "周六 9:00–11:00"})
    item = item_create.__globals__["ShopItem"].objects.get(name="毛巾")
    assert (item.where_to_collect, item.when_to_collect) == ("3号楼架空层", "周六 9:00–11:00")
