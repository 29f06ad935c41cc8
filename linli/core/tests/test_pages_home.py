from django.urls import reverse

from linli.catalog.models import MenuItem, ServiceItem


def _home(login, world, persona):
    response = login(world.users[persona]).get(reverse("core:home"))
    assert response.status_code == 200
    return response


def test_an_anonymous_visitor_gets_the_public_landing_page_not_a_login_form(client, world):
    MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0102"))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "core/landing.html"
    page = response.content.decode()
    for url in (reverse("demands:serve"), reverse("demands:track"), reverse("accounts:login")):
        assert f'href="{url}"' in page
    assert response.context["community"] == world.community_a
    assert [m.item.code for m in response.context["menu"]] == ["0102"]
    other = client.get(reverse("core:home"), {"c": world.community_b.code})
    assert (other.context["community"], other.context["menu"]) == (world.community_b, [])


def test_grid_worker_sees_the_count_of_the_grid_and_its_visible_tags(login, world):
    response = _home(login, world, "grid_a1")
    assert response.context["resident_total"] == 1
    counts = {row["tag"].code: row["count"] for row in response.context["tag_rows"]}
    assert counts == {"elderly-advanced-age": 1, "elderly-living-alone": 1}
    assert "社区矫正对象" not in response.content.decode()


def test_community_worker_counts_the_whole_community(login, world):
    response = _home(login, world, "community_a")
    assert response.context["resident_total"] == 2
    counts = {row["tag"].code: row["count"] for row in response.context["tag_rows"]}
    assert counts == {"elderly-advanced-age": 1, "elderly-living-alone": 1, "disability-physical": 1}


def test_social_worker_counts_include_restricted_tags(login, world):
    response = _home(login, world, "social_a")
    counts = {row["tag"].code: row["count"] for row in response.context["tag_rows"]}
    assert counts["special-community-correction"] == 1
    assert response.context["restricted_total"] == 1
    assert "社区矫正对象" in response.content.decode()


def test_street_officer_sees_one_row_per_community(login, world):
    response = _home(login, world, "street")
    rows = [(r["community"].name, r["residents"], r["tagged"]) for r in response.context["community_rows"]]
    assert rows == [("西林寺社区", 2, 2), ("野马村", 1, 1)]


def test_home_of_a_community_worker_takes_a_fixed_number_of_queries(login, world, django_assert_num_queries):
    client = login(world.users["community_a"])
    # session, user, memberships, unread notifications, tags, tag counts, total, demand counts;
    # home_community skipped for staff
    with django_assert_num_queries(8):
        client.get(reverse("core:home"))


def test_org_admin_sees_the_organisation_and_the_menus_it_provides_for(login, world):
    menu_item = MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0102"))
    menu_item.providers.add(world.org_a)
    response = _home(login, world, "org_admin_a")
    assert [o.name for o in response.context["organisations"]] == ["西林寺邻里互助社"]
    assert "老年助餐" in response.content.decode()
    assert "resident_total" not in response.context


def test_resident_sees_the_own_record_masked_and_the_community_menu(login, world):
    MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0102"))
    response = _home(login, world, "resident_a1")
    html = response.content.decode()
    assert response.context["own_record"].pk == world.resident_a1.pk
    assert world.resident_a1.id_number_masked in html
    assert world.resident_a1.id_number not in html
    assert "13800001234" not in html
    assert [m.item.code for m in response.context["menu"]] == ["0102"]
    assert "老年助餐" in html and ">0102<" not in html  # the service in words, never its catalog code


def test_volunteer_sees_the_community_menu_only(login, world):
    MenuItem.objects.create(community=world.community_a, item=ServiceItem.objects.get(code="0101"))
    response = _home(login, world, "volunteer_a")
    assert [m.item.code for m in response.context["menu"]] == ["0101"]
    assert "own_record" not in response.context
    assert "resident_total" not in response.context


def test_platform_admin_gets_the_link_to_the_administration(login, world):
    response = _home(login, world, "platform")
    assert reverse("admin:index") in response.content.decode()
    assert "resident_total" not in response.context


def test_switching_to_english_shows_english_labels(client, world):
    client.force_login(world.users["community_a"])
    assert "独居老人" in client.get(reverse("people:list")).content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("people:list")})
    assert response.status_code == 302
    html = client.get(reverse("people:list")).content.decode()
    assert '<html lang="en">' in html
    assert "Older person living alone" in html
    assert "独居老人" not in html
    assert "Residents" in html
