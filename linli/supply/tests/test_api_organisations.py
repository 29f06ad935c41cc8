"""Organisations over the API, scoped like the pages."""

from __future__ import annotations

from linli.catalog.models import ServiceCategory
from linli.supply.models import OrganisationProject, SocialWorker


def names(response):
    return [o["name"] for o in response.json()["items"]]


def test_community_worker_sees_the_organisations_of_the_community(world, login):
    assert names(login(world.users["community_a"]).get("/api/organisations")) == ["西林寺邻里互助社"]
    assert names(login(world.users["community_b"]).get("/api/organisations")) == ["野马村物业"]


def test_filters_by_kind_and_region(world, login):
    client = login(world.users["street"])
    assert names(client.get("/api/organisations?kind=property")) == ["野马村物业"]
    assert names(client.get("/api/organisations?region=330502001001")) == ["西林寺邻里互助社"]
    assert names(client.get("/api/organisations?region=nowhere")) == []


def test_organisation_detail_has_projects_domains_and_social_workers(world, login):
    org = world.org_a
    org.domains.add(ServiceCategory.objects.get(code="01"))
    OrganisationProject.objects.create(organisation=org, title="长者助餐", year=2024, amount_fen=500000)
    SocialWorker.objects.create(name="陈社工", organisation=org, region=world.community_a, certification="assistant")
    SocialWorker.objects.create(name="离职社工", organisation=org, region=world.community_a, active=False)
    body = login(world.users["community_a"]).get(f"/api/organisations/{org.pk}").json()
    assert body["name"] == "西林寺邻里互助社"
    assert body["region"] == {"code": "330502001001", "name": "西林寺社区"}
    assert [d["code"] for d in body["domains"]] == ["01"]
    assert body["projects"] == [
        {"title": "长者助餐", "year": 2024, "funder": "", "amount_fen": 500000, "summary": ""},
    ]
    assert [(s["name"], s["certification"]) for s in body["social_workers"]] == [("陈社工", "assistant")]


def test_organisation_of_another_community_is_not_found(world, login):
    response = login(world.users["community_b"]).get(f"/api/organisations/{world.org_a.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_org_admin_sees_the_own_organisation(world, login):
    response = login(world.users["org_admin_a"]).get(f"/api/organisations/{world.org_a.pk}")
    assert response.status_code == 200
