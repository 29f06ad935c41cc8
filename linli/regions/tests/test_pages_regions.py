from django.urls import reverse
from django.utils import translation

from linli.regions.models import CommunityType


def test_region_tree_starts_at_the_users_roots(login, world):
    response = login(world.users["community_a"]).get(reverse("regions:tree"))
    assert [(r["node"].name, r["residents"]) for r in response.context["rows"]] == [("西林寺社区", 2)]


def test_region_page_shows_breadcrumb_within_scope_and_children_with_counts(login, world):
    response = login(world.users["community_a"]).get(reverse("regions:detail", args=["330502001001"]))
    assert response.status_code == 200
    assert response.context["ancestors"] == []  # the street and district are outside the scope
    assert [(r["node"].name, r["residents"]) for r in response.context["rows"]] == [("第一网格", 1), ("第二网格", 1)]
    html = response.content.decode()
    assert "330502001001" in html
    with translation.override("zh-hans"):
        assert str(CommunityType.MIXED.label) in html


def test_district_officer_sees_the_full_breadcrumb(login, world):
    response = login(world.users["district"]).get(reverse("regions:detail", args=["330502001001-G01"]))
    assert [a.name for a in response.context["ancestors"]] == ["吴兴区", "朝阳街道", "西林寺社区"]
    assert [(r["node"].name, r["residents"]) for r in response.context["rows"]] == [("第一微网格", 1)]


def test_children_counts_take_one_query(login, world, django_assert_num_queries):
    client = login(world.users["street"])
    # session, user, memberships, node, ancestors, children, child counts, own count
    with django_assert_num_queries(8):
        response = client.get(reverse("regions:detail", args=["330502001"]))
    assert [(r["node"].name, r["residents"]) for r in response.context["rows"]] == [("西林寺社区", 2), ("野马村", 1)]


def test_region_outside_scope_is_404(login, world):
    assert login(world.users["community_b"]).get(reverse("regions:detail", args=["330502001001"])).status_code == 404


def test_org_admin_sees_regions_without_resident_counts(login, world):
    response = login(world.users["org_admin_a"]).get(reverse("regions:detail", args=["330502001001"]))
    assert response.status_code == 200
    assert [r["residents"] for r in response.context["rows"]] == [None, None]
