"""The resident register over the API: scoping, masking, clearance, creation and audited reveal."""

from __future__ import annotations

import pytest

from linli.people.models import Resident, TargetGroupTag
from linli.people.services import TagAssignment, resident_create, resident_validate
from linli.privacy.models import AccessLog
from linli.testing import make_id_number


def names(response):
    return [r["name"] for r in response.json()["items"]]


def test_grid_worker_lists_exactly_the_resident_of_the_grid(world, login):
    response = login(world.users["grid_a1"]).get("/api/residents")
    assert response.status_code == 200
    assert names(response) == ["张秀英"]
    assert response.json()["count"] == 1
    assert response.json()["next"] is None


def test_grid_worker_opens_a_resident_of_the_grid(world, login):
    response = login(world.users["grid_a1"]).get(f"/api/residents/{world.resident_a1.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "张秀英"
    assert body["birth_date"] == "1940-03-12"
    assert body["address_detail"] == "3幢201"
    assert body["household_number"] is None
    assert body["region"] == {"code": "330502001001-G01-M1", "name": "第一微网格"}


def test_grid_worker_gets_404_for_the_resident_of_another_grid(world, login):
    response = login(world.users["grid_a1"]).get(f"/api/residents/{world.resident_a2.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_item_masks_identifiers_and_gives_only_the_birth_year(world, login):
    item = login(world.users["community_a"]).get("/api/residents").json()["items"][0]
    full_id = make_id_number(birth="19400312", seq=1, male=False)
    assert item["id_number_masked"] == full_id[0] + "*" * 16 + full_id[-1]
    assert item["mobile_masked"] == "138****1234"
    assert item["birth_year"] == 1940
    assert "birth_date" not in item
    assert "id_number" not in item and "mobile" not in item
    assert full_id not in str(item) and "13800001234" not in str(item)


def test_detail_never_contains_the_full_identifiers(world, login):
    response = login(world.users["community_a"]).get(f"/api/residents/{world.resident_a1.pk}")
    text = response.content.decode()
    assert make_id_number(birth="19400312", seq=1, male=False) not in text
    assert "13800001234" not in text
    assert response.json()["mobile_masked"] == "138****1234"


def test_restricted_tag_is_shown_to_the_social_worker_only(world, login):
    social = login(world.users["social_a"]).get(f"/api/residents/{world.resident_a1.pk}").json()
    assert [t["code"] for t in social["tags"]] == [
        "elderly-advanced-age", "elderly-living-alone", "special-community-correction",
    ]
    community = login(world.users["community_a"]).get(f"/api/residents/{world.resident_a1.pk}").json()
    assert [t["code"] for t in community["tags"]] == ["elderly-advanced-age", "elderly-living-alone"]


def test_graded_tag_carries_its_grade(world, login):
    body = login(world.users["community_a"]).get(f"/api/residents/{world.resident_a2.pk}").json()
    assert body["tags"] == [{"code": "disability-physical", "name": "肢体残疾", "grade": 2}]


def test_filter_by_tag_and_region(world, login):
    client = login(world.users["street"])
    assert names(client.get("/api/residents?tag=child-left-behind")) == ["王小明"]
    assert names(client.get("/api/residents?region=330502001001")) == ["张秀英", "李建国"]
    assert names(client.get("/api/residents?region=no-such-code")) == []


def test_filter_by_a_region_outside_the_scope_gives_an_empty_list(world, login):
    response = login(world.users["grid_a1"]).get("/api/residents?region=330502001201")
    assert response.status_code == 200
    assert names(response) == []


def test_filter_by_a_tag_above_the_clearance_is_an_unknown_tag(world, login):
    response = login(world.users["community_a"]).get("/api/residents?tag=special-community-correction")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_tag"
    assert response.json()["field"] == "tag"


def test_org_admin_gets_an_empty_resident_list(world, login):
    response = login(world.users["org_admin_a"]).get("/api/residents")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "items": []}


def test_platform_admin_sees_no_resident(world, login):
    client = login(world.users["platform"])
    assert client.get("/api/residents").json()["count"] == 0
    assert client.get(f"/api/residents/{world.resident_a1.pk}").status_code == 404


def test_pagination_gives_next_and_previous_links(world, login):
    client = login(world.users["street"])
    first = client.get("/api/residents?page_size=2").json()
    assert first["count"] == 3
    assert names_of(first) == ["张秀英", "李建国"]
    assert first["next"] == "http://testserver/api/residents?page_size=2&page=2"
    second = client.get(first["next"]).json()
    assert names_of(second) == ["王小明"]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/residents?page_size=2&page=1"


def names_of(body):
    return [r["name"] for r in body["items"]]


def _add_residents(world, count):
    tags = {t.code: t for t in TargetGroupTag.objects.all()}
    for i in range(count):
        resident_create(data=resident_validate(
            region=world.grid_a1, name=f"居民{i:02d}", id_number=make_id_number(birth="19500101", seq=100 + i),
            mobile=f"1370000{i:04d}",
            tags=[TagAssignment(tags["elderly-advanced-age"]), TagAssignment(tags["disability-visual"], grade=1)],
        ))


@pytest.mark.parametrize("extra", [2, 29])
def test_resident_list_uses_a_constant_number_of_queries(world, login, django_assert_num_queries, extra):
    _add_residents(world, extra)  # with 张秀英: 3 and 30 residents in grid A1
    client = login(world.users["grid_a1"])
    # session, user, memberships (scope), count, page, tags of the page
    with django_assert_num_queries(6):
        response = client.get("/api/residents?page_size=100")
    assert response.json()["count"] == extra + 1
    assert len(response.json()["items"]) == extra + 1


# --- create -------------------------------------------------------------------------------------


def _payload(**overrides):
    data = {
        "name": "赵大妈",
        "id_number": make_id_number(birth="19480520", seq=7, male=False),
        "mobile": "13700001111",
        "region": "330502001001-G01",
        "address_detail": "5幢101",
        "tags": [{"code": "elderly-living-alone"}, {"code": "disability-visual", "grade": 3}],
    }
    data.update(overrides)
    return data


def test_grid_worker_registers_a_resident(world, login):
    response = login(world.users["grid_a1"]).post("/api/residents", _payload(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "赵大妈"
    assert body["gender"] == "F"
    assert body["birth_date"] == "1948-05-20"
    assert body["mobile_masked"] == "137****1111"
    assert body["tags"] == [
        {"code": "elderly-living-alone", "name": "独居老人", "grade": None},
        {"code": "disability-visual", "name": "视力残疾", "grade": 3},
    ]  # the vocabulary's order: older people before disabilities
    assert Resident.objects.get(pk=body["id"]).region == world.grid_a1


def test_bad_id_number_is_refused_and_nothing_is_saved(world, login):
    before = Resident.objects.count()
    good = make_id_number(birth="19480520", seq=7)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = login(world.users["grid_a1"]).post("/api/residents", _payload(id_number=bad), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "id_number_checksum"
    assert response.json()["field"] == "id_number"
    assert Resident.objects.count() == before


def test_unknown_tag_is_refused(world, login):
    response = login(world.users["grid_a1"]).post(
        "/api/residents", _payload(tags=[{"code": "no-such-tag"}]), content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_tag"
    assert response.json()["field"] == "tags"
    assert not Resident.objects.filter(name="赵大妈").exists()


def test_region_outside_the_area_is_not_found(world, login):
    response = login(world.users["grid_a1"]).post(
        "/api/residents", _payload(region="330502001201-G01"), content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Resident.objects.filter(name="赵大妈").exists()


def test_street_officer_sees_the_region_but_may_not_register_there(world, login):
    response = login(world.users["street"]).post("/api/residents", _payload(), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "region_out_of_scope", "message": response.json()["message"], "field": "region",
    }
    assert not Resident.objects.filter(name="赵大妈").exists()


def test_missing_name_is_invalid_input(world, login):
    payload = _payload()
    del payload["name"]
    response = login(world.users["grid_a1"]).post("/api/residents", payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"] == [{"field": "name", "message": body["errors"][0]["message"]}]


# --- reveal -------------------------------------------------------------------------------------


def _reveal(client, resident, **body):
    return client.post(f"/api/residents/{resident.pk}/reveal", body, content_type="application/json")


def test_community_worker_reveals_a_mobile_number_and_it_is_logged(world, login):
    response = _reveal(login(world.users["community_a"]), world.resident_a1, field="mobile", reason="contact")
    assert response.status_code == 200
    assert response.json() == {"field": "mobile", "value": "13800001234"}
    log = AccessLog.objects.get()
    assert (log.actor, log.resident, log.field, log.reason) == (
        world.users["community_a"], world.resident_a1, "mobile", "contact",
    )


def test_reveal_without_a_reason_is_refused_and_not_logged(world, login):
    response = _reveal(login(world.users["community_a"]), world.resident_a1, field="id_number")
    assert response.status_code == 400
    assert response.json()["code"] == "reveal_reason_required"
    assert response.json()["field"] == "reason"
    assert AccessLog.objects.count() == 0


def test_street_officer_may_not_reveal(world, login):
    response = _reveal(login(world.users["street"]), world.resident_a1, field="id_number", reason="contact")
    assert response.status_code == 400
    assert response.json()["code"] == "reveal_not_allowed"
    assert AccessLog.objects.count() == 0


def test_reveal_of_a_resident_outside_the_grid_is_not_found(world, login):
    response = _reveal(login(world.users["grid_a1"]), world.resident_a2, field="mobile", reason="contact")
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


# --- tags ---------------------------------------------------------------------------------------


def test_tag_vocabulary_follows_the_clearance(world, login):
    social = [t["code"] for t in login(world.users["social_a"]).get("/api/tags").json()]
    community = [t["code"] for t in login(world.users["community_a"]).get("/api/tags").json()]
    org_admin = [t["code"] for t in login(world.users["org_admin_a"]).get("/api/tags").json()]
    assert "special-community-correction" in social
    assert "special-community-correction" not in community
    assert "elderly-living-alone" in community
    assert org_admin == ["elderly-advanced-age", "veteran", "entitled-group", "migrant"]
