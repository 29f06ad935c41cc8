import pytest
from django.urls import reverse

from linli.catalog.models import MenuItem, ServiceItem
from linli.catalog.services import menu_set
from linli.core.errors import DomainError

MENU_A = "/catalog/menu/330502001001/"


def test_catalog_lists_categories_and_items_with_both_names(login, world):
    response = login(world.users["volunteer_a"]).get(reverse("catalog:index"))
    html = response.content.decode()
    assert "0102" in html and "老年助餐" in html and "Meal assistance" in html
    assert response.context["can_edit"] is False
    assert "/catalog/items/0102/edit/" not in html


def test_platform_admin_renames_and_deactivates_an_item(login, world):
    client = login(world.users["platform"])
    response = client.post("/catalog/items/0102/edit/", {"name": "长者助餐", "name_en": "Meals for elders"})
    assert response.status_code == 302
    item = ServiceItem.objects.get(code="0102")
    assert (item.name, item.name_en, item.active) == ("长者助餐", "Meals for elders", False)


def test_community_worker_cannot_edit_the_catalog(login, world):
    client = login(world.users["community_a"])
    assert client.post("/catalog/items/0102/edit/", {"name": "x", "name_en": "x", "active": "on"}).status_code == 403
    assert ServiceItem.objects.get(code="0102").name == "老年助餐"


def test_community_worker_saves_the_menu_with_providers(login, world):
    client = login(world.users["community_a"])
    response = client.post(MENU_A, {"items": ["0101", "0102"], "providers_0102": [str(world.org_a.pk)]})
    assert response.status_code == 302
    rows = MenuItem.objects.filter(community=world.community_a, active=True).order_by("item__code")
    assert [(m.item.code, [p.name for p in m.providers.all()]) for m in rows] == [
        ("0101", []), ("0102", ["西林寺邻里互助社"]),
    ]
    client.post(MENU_A, {"items": ["0102"]})
    assert list(MenuItem.objects.filter(community=world.community_a, active=True).values_list("item__code", flat=True)) == ["0102"]


def test_menu_page_is_read_only_for_the_grid_worker(login, world):
    MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0102"))
    client = login(world.users["grid_a1"])
    response = client.get(MENU_A)
    assert response.status_code == 200
    assert response.context["editable"] is False
    assert 'name="items"' not in response.content.decode()
    assert "老年助餐" in response.content.decode()
    assert client.post(MENU_A, {"items": ["0101"]}).status_code == 403


def test_street_officer_may_edit_the_menu_of_a_community_below(login, world):
    response = login(world.users["street"]).get(MENU_A)
    assert response.context["editable"] is True


def test_menu_of_another_community_is_404(login, world):
    assert login(world.users["community_b"]).get(MENU_A).status_code == 404


def test_resident_sees_the_own_community_menu_read_only(login, world):
    client = login(world.users["resident_a1"])
    assert client.get(MENU_A).context["editable"] is False
    assert client.get("/catalog/menu/330502001201/").status_code == 404


def test_menu_set_refuses_a_provider_outside_the_area(world):
    from linli.supply.models import Organisation

    org_b = Organisation.objects.get(name="野马村物业")
    with pytest.raises(DomainError) as exc:
        menu_set(user=world.users["community_a"], community=world.community_a, item_codes=["0102"],
                 providers={"0102": [org_b.pk]})
    assert exc.value.code == "menu_provider_unknown"
    assert MenuItem.objects.count() == 0


def test_menu_set_refuses_an_unknown_item(world):
    with pytest.raises(DomainError) as exc:
        menu_set(user=world.users["community_a"], community=world.community_a, item_codes=["0000"])
    assert exc.value.code == "menu_item_unknown"
