"""The region tree over the API, limited to the caller's subtrees."""

from __future__ import annotations


def codes(response):
    return [r["code"] for r in response.json()["items"]]


def test_grid_worker_lists_the_grid_and_its_micro_grid(world, login):
    response = login(world.users["grid_a1"]).get("/api/regions")
    assert response.status_code == 200
    assert codes(response) == ["330502001001-G01", "330502001001-G01-M1"]


def test_grid_worker_gets_404_for_the_community_of_another_region(world, login):
    client = login(world.users["grid_a1"])
    assert client.get("/api/regions/330502001201").status_code == 404
    assert client.get("/api/regions/330502001201").json()["code"] == "not_found"
    assert client.get("/api/regions/330502001001-G02").status_code == 404


def test_region_detail_has_visible_ancestors_and_children(world, login):
    body = login(world.users["community_a"]).get("/api/regions/330502001001-G01").json()
    assert body["code"] == "330502001001-G01"
    assert body["level"] == 4
    assert body["parent_code"] == "330502001001"
    assert body["ancestors"] == [{"code": "330502001001", "name": "西林寺社区"}]
    assert [c["code"] for c in body["children"]] == ["330502001001-G01-M1"]


def test_street_officer_sees_ancestors_only_from_the_street_down(world, login):
    body = login(world.users["street"]).get("/api/regions/330502001001-G01").json()
    assert [a["code"] for a in body["ancestors"]] == ["330502001", "330502001001"]


def test_filters_by_level_parent_and_text(world, login):
    client = login(world.users["district"])
    assert codes(client.get("/api/regions?level=3")) == ["330502001001", "330502001201"]
    assert codes(client.get("/api/regions?parent=330502001001")) == ["330502001001-G01", "330502001001-G02"]
    assert codes(client.get("/api/regions?q=野马")) == ["330502001201"]
    assert codes(client.get("/api/regions?q=330502001201")) == ["330502001201", "330502001201-G01"]


def test_parent_filter_outside_the_scope_gives_an_empty_list(world, login):
    response = login(world.users["grid_a1"]).get("/api/regions?parent=330502001201")
    assert response.status_code == 200
    assert codes(response) == []


def test_bad_level_is_invalid_input(world, login):
    response = login(world.users["district"]).get("/api/regions?level=9")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert [e["field"] for e in response.json()["errors"]] == ["level"]


def test_platform_admin_sees_regions(world, login):
    response = login(world.users["platform"]).get("/api/regions?page_size=100")
    assert response.json()["count"] == 8
    assert login(world.users["platform"]).get("/api/regions/330502001201").status_code == 200
