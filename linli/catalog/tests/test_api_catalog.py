"""The catalog and community menus over the API."""

from __future__ import annotations

from linli.catalog.models import MenuItem, ServiceCategory, ServiceItem


def test_catalog_lists_active_categories_with_their_items(world, login):
    ServiceItem.objects.filter(code="0102").update(active=False)
    body = login(world.users["volunteer_a"]).get("/api/catalog/categories").json()
    assert [c["code"] for c in body] == list(
        ServiceCategory.objects.filter(active=True).order_by("sort_order", "code").values_list("code", flat=True)
    )
    first = body[0]
    assert first["code"] == "01"
    item_codes = [i["code"] for i in first["items"]]
    assert "0101" in item_codes
    assert "0102" not in item_codes
    assert all(i["category_code"] == "01" for i in first["items"])


def test_catalog_uses_a_constant_number_of_queries(world, login, django_assert_num_queries):
    client = login(world.users["volunteer_a"])
    with django_assert_num_queries(4):  # session, user, categories, items
        client.get("/api/catalog/categories")


def test_item_detail_and_unknown_item(world, login):
    client = login(world.users["community_a"])
    item = ServiceItem.objects.get(code="0101")
    body = client.get("/api/catalog/items/0101").json()
    assert (body["code"], body["name_zh"], body["name_en"], body["category_code"]) == ("0101", item.name, item.name_en, "01")
    assert client.get("/api/catalog/items/0000").status_code == 404


def _menu(world):
    line = MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0101"), note="每周二")
    line.providers.add(world.org_a)
    MenuItem.objects.create(community=world.community_b, item=ServiceItem.objects.get(code="0102"))


def test_community_menu_lists_the_items_and_providers(world, login):
    _menu(world)
    body = login(world.users["community_a"]).get("/api/catalog/menus/330502001001").json()
    assert body["community"] == {"code": "330502001001", "name": "西林寺社区"}
    assert [(i["code"], i["note"], i["providers"]) for i in body["items"]] == [
        ("0101", "每周二", [{"id": world.org_a.pk, "name": "西林寺邻里互助社"}]),
    ]


def test_menu_of_a_community_out_of_scope_is_not_found(world, login):
    _menu(world)
    response = login(world.users["community_a"]).get("/api/catalog/menus/330502001201")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert login(world.users["resident_a1"]).get("/api/catalog/menus/330502001201").status_code == 404


def test_resident_sees_the_menu_of_the_own_community(world, login):
    _menu(world)
    response = login(world.users["resident_a1"]).get("/api/catalog/menus/330502001001")
    assert response.status_code == 200
    assert [i["code"] for i in response.json()["items"]] == ["0101"]


def test_a_grid_is_not_a_community_menu(world, login):
    assert login(world.users["community_a"]).get("/api/catalog/menus/330502001001-G01").status_code == 404
