import re

import pytest

from linli.people.models import Resident, TargetGroupTag
from linli.people.services import TagAssignment, resident_create, resident_validate
from linli.privacy.models import AccessLog
from linli.testing import make_id_number

LIST = "/residents/"


def _names(response):
    return [r.name for r in response.context["page"].object_list]


def test_grid_worker_sees_the_resident_of_the_grid_with_masked_identifiers(login, world):
    response = login(world.users["grid_a1"]).get(LIST)
    html = response.content.decode()
    assert _names(response) == ["张秀英"]
    assert re.search(r">3\*{16}[\dX]<", html)
    assert world.resident_a1.id_number_masked in html
    assert "138****1234" in html
    assert world.resident_a1.id_number not in html
    assert "13800001234" not in html


def test_grid_worker_gets_404_for_the_resident_of_another_grid(login, world):
    client = login(world.users["grid_a1"])
    assert client.get(f"/residents/{world.resident_a1.pk}/").status_code == 200
    assert client.get(f"/residents/{world.resident_a2.pk}/").status_code == 404


def test_restricted_tag_is_shown_to_the_social_worker_and_not_to_the_community_worker(login, world):
    social = login(world.users["social_a"]).get(LIST).content.decode()
    assert "社区矫正对象" in social
    community = login(world.users["community_a"]).get(LIST).content.decode()
    assert "社区矫正对象" not in community
    assert "独居老人" in community


def test_restricted_tag_cannot_be_used_as_a_filter_below_its_clearance(login, world):
    response = login(world.users["community_a"]).get(LIST, {"tag": "special-community-correction"})
    assert [c for c, _ in response.context["form"].fields["tag"].choices if c == "special-community-correction"] == []
    assert _names(response) == ["张秀英", "李建国"]  # an unknown filter is ignored, not an error


@pytest.mark.parametrize("persona", ["org_admin_a", "volunteer_a", "platform", "outsider"])
def test_roles_without_a_register_get_404_on_the_list(login, world, persona):
    assert login(world.users[persona]).get(LIST).status_code == 404


def test_resident_sees_only_their_own_record_in_the_list(login, world):
    response = login(world.users["resident_a1"]).get(LIST)
    assert _names(response) == ["张秀英"]


def test_list_filters_by_grid_and_tag(login, world):
    client = login(world.users["community_a"])
    assert _names(client.get(LIST, {"grid": "330502001001-G02"})) == ["李建国"]
    assert _names(client.get(LIST, {"tag": "disability-physical"})) == ["李建国"]
    grid_choices = [c for c, _ in client.get(LIST).context["form"].fields["grid"].choices]
    assert grid_choices == ["", "330502001001-G01", "330502001001-G02"]


def test_search_by_name_prefix_mobile_full_id_and_last_four_digits(login, world):
    client = login(world.users["community_a"])
    assert _names(client.post(LIST, {"q": "张"})) == ["张秀英"]
    assert _names(client.post(LIST, {"q": "13900005678"})) == ["李建国"]
    assert _names(client.post(LIST, {"q": world.resident_a1.id_number})) == ["张秀英"]
    assert _names(client.post(LIST, {"q": world.resident_a2.id_number[-4:]})) == ["李建国"]
    # a resident outside the area is not found by its exact mobile either
    assert _names(login(world.users["grid_a1"]).post(LIST, {"q": "13900005678"})) == []


def test_list_shows_disability_grade_and_links_import_and_export_with_the_filters(login, world):
    html = login(world.users["community_a"]).get(LIST, {"tag": "disability-physical"}).content.decode()
    assert "肢体残疾" in html
    assert "/residents/import/" in html
    assert "/residents/export.xlsx?tag=disability-physical" in html


def test_list_paginates_at_page_size(login, world, settings):
    settings.PAGE_SIZE = 2
    client = login(world.users["street"])
    first = client.get(LIST)
    assert _names(first) == ["张秀英", "李建国"]
    assert _names(client.get(LIST, {"page": 2})) == ["王小明"]
    assert "page=2" in first.content.decode()


def _add_residents(world, count):
    tags = list(TargetGroupTag.objects.filter(code__in=["elderly-living-alone", "veteran"]))
    for i in range(count):
        resident_create(data=resident_validate(
            region=world.grid_a2, name=f"居民{i:02d}",
            id_number=make_id_number(birth="19600101", seq=100 + i, male=bool(i % 2)),
            mobile=f"1370000{i:04d}", tags=[TagAssignment(t) for t in tags],
        ))


@pytest.mark.parametrize("extra", [1, 28])  # 3 and 30 residents in community A
def test_list_query_count_does_not_grow_with_rows(login, world, django_assert_num_queries, extra):
    _add_residents(world, extra)
    client = login(world.users["community_a"])
    assert Resident.objects.filter(region__path__startswith=world.community_a.path).count() == 2 + extra
    # session, user, memberships, grids, tags, count, page of residents, their tags
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 2 + extra


def test_detail_shows_masked_values_and_reveal_forms_to_the_community_worker(login, world):
    response = login(world.users["community_a"]).get(f"/residents/{world.resident_a1.pk}/")
    html = response.content.decode()
    assert world.resident_a1.id_number not in html
    assert world.resident_a1.id_number_masked in html
    assert html.count(f'action="/residents/{world.resident_a1.pk}/reveal/"') == 2
    assert response.context["can_reveal"] is True


def test_reveal_without_js_shows_the_full_value_and_writes_the_log(login, world):
    client = login(world.users["community_a"])
    response = client.post(f"/residents/{world.resident_a1.pk}/reveal/", {"field": "id_number", "reason": "contact"})
    assert response.status_code == 200
    assert world.resident_a1.id_number in response.content.decode()
    assert "13800001234" not in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.actor, log.resident, log.field, log.reason, log.action) == (
        world.users["community_a"], world.resident_a1, "id_number", "contact", "reveal",
    )


def test_reveal_with_htmx_answers_the_field_fragment(login, world):
    client = login(world.users["community_a"])
    response = client.post(
        f"/residents/{world.resident_a1.pk}/reveal/", {"field": "mobile", "reason": "verify_identity"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<div class="reveal" id="reveal-mobile">' in html
    assert "13800001234" in html
    assert 'id="access-log" hx-swap-oob="true"' in html


def test_reveal_without_a_reason_is_refused_with_a_message(login, world, settings):
    client = login(world.users["community_a"])
    url = f"/residents/{world.resident_a1.pk}/reveal/"
    response = client.post(url, {"field": "id_number", "reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose a reason for revealing the value" in response.content.decode()
    assert world.resident_a1.id_number not in response.content.decode()
    htmx = client.post(url, {"field": "id_number", "reason": ""}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert htmx.status_code == 200
    assert "Choose a reason for revealing the value" in htmx.content.decode()
    assert AccessLog.objects.count() == 0


def test_street_officer_sees_no_reveal_form_and_a_forged_post_is_refused(login, world):
    client = login(world.users["street"])
    detail = client.get(f"/residents/{world.resident_a1.pk}/")
    assert detail.status_code == 200
    assert "/reveal/" not in detail.content.decode()
    assert detail.context["logs"] == []
    response = client.post(f"/residents/{world.resident_a1.pk}/reveal/", {"field": "id_number", "reason": "contact"})
    assert response.status_code == 403
    assert world.resident_a1.id_number not in response.content.decode()
    assert AccessLog.objects.count() == 0


def test_reveal_of_a_resident_outside_the_area_is_404(login, world):
    client = login(world.users["grid_a1"])
    response = client.post(f"/residents/{world.resident_a2.pk}/reveal/", {"field": "id_number", "reason": "contact"})
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_access_log_on_the_detail_page_lists_the_latest_reveals(login, world):
    client = login(world.users["community_a"])
    client.post(f"/residents/{world.resident_a1.pk}/reveal/", {"field": "mobile", "reason": "contact"})
    response = client.get(f"/residents/{world.resident_a1.pk}/")
    assert [(log.actor_username, log.field) for log in response.context["logs"]] == [("community_a", "mobile")]
