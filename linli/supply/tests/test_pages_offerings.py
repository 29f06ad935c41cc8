"""Offerings on the organisation's page and in the list, with their price."""

from __future__ import annotations

from linli.catalog.models import ServiceItem
from linli.supply.services import offering_save


def test_offerings_show_free_and_low_fee_prices(world, login):
    items = list(ServiceItem.objects.order_by("code")[:2])
    offering_save(user=world.users["org_admin_a"], organisation=world.org_a, item=items[0], region=world.community_a,
                  capacity_per_week=20)
    offering_save(user=world.users["org_admin_a"], organisation=world.org_a, item=items[1], region=world.community_a,
                  capacity_per_week=5, price_kind="low_fee", price_fen=100, note="一元钱法律服务")
    client = login(world.users["community_a"])
    html = client.get(f"/organisations/{world.org_a.pk}/").content.decode()
    assert items[0].name in html and "￥1.00" in html and "一元钱法律服务" in html
    page = client.get("/organisations/offerings/", {"price_kind": "low_fee"})
    assert [o.item for o in page.context["page"].object_list] == [items[1]]
    assert list(login(world.users["community_b"]).get("/organisations/offerings/").context["page"].object_list) == []
