"""Searches that carry personal data (a name, a mobile, an ID number, a demand's text) are POSTs with
the CSRF token, never query strings: the register, the demand form's resident search and
suggestions, and ``POST /api/residents/search``; ``GET /api/residents`` refuses a full identifier."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from linli.accounts.services import api_token_create
from linli.testing import PASSWORD

LIST = "/residents/"


def _names(response):
    return [r.name for r in response.context["page"].object_list]


def _csrf_client(username):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=username, password=PASSWORD)
    return client


def _token_client(world, username):
    _token, raw = api_token_create(user=world.users[username], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_register_search_form_posts_with_the_csrf_token(world):
    client = _csrf_client("community_a")
    html = client.get(LIST).content.decode()
    assert '<form method="post" action="/residents/" class="filters" role="search" id="resident-search">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert client.post(LIST, {"q": "13900005678"}).status_code == 403  # without the token
    token = client.cookies["csrftoken"].value
    response = client.post(LIST, {"q": "13900005678", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and _names(response) == ["李建国"]


def test_a_search_in_the_url_is_ignored_by_the_register(login, world):
    response = login(world.users["community_a"]).get(LIST, {"q": "13900005678"})
    assert _names(response) == ["张秀英", "李建国"]
    assert response.context["form"]["q"].value() is None


def test_a_search_offers_no_export_and_its_pages_post_it_again(login, world, settings):
    settings.PAGE_SIZE = 1
    client = login(world.users["street"])
    first = client.post(LIST, {"q": "李", "grid": ""})
    assert _names(first) == ["李建国"]
    html = first.content.decode()
    assert "/residents/export.xlsx" not in html
    assert "13900005678" not in html
    # a name prefix matching two people over two pages
    from linli.people.services import resident_create, resident_validate

    resident_create(data=resident_validate(region=world.grid_b1, name="李四", gender="M", birth_date=None))
    first = client.post(LIST, {"q": "李"})
    assert _names(first) == ["李建国"]
    assert '<button class="button" form="resident-search" name="page" value="2">' in first.content.decode()
    assert "page=2" not in first.content.decode()
    assert _names(client.post(LIST, {"q": "李", "page": "2"})) == ["李四"]


def test_the_grid_and_tag_filters_still_link_and_export(login, world):
    html = login(world.users["community_a"]).get(LIST, {"tag": "disability-physical"}).content.decode()
    assert "/residents/export.xlsx?tag=disability-physical" in html


def test_the_demand_forms_search_and_suggestions_are_posts(world):
    client = _csrf_client("grid_a1")
    page = client.get(reverse("demands:record")).content.decode()
    assert 'hx-post="/demands/new/residents/"' in page and "hx-get" not in page
    assert client.get(reverse("demands:resident_search"), {"q": "13800001234"}).status_code == 405
    assert client.post(reverse("demands:resident_search"), {"q": "13800001234"}).status_code == 403  # no token
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    found = client.post(reverse("demands:resident_search"), {"q": "13800001234"}, **headers)
    assert [r.pk for r in found.context["residents"]] == [world.resident_a1.pk]
    assert client.get(reverse("demands:suggest"), {"description": "楼道灯坏了"}).status_code == 405
    suggested = client.post(reverse("demands:suggest"), {"description": "楼道灯坏了"}, **headers)
    assert [item.code for item, _s in suggested.context["suggestions"]][:1] == ["1103"]


def test_the_api_refuses_an_identifier_in_the_query_string(world):
    client = _token_client(world, "community_a")
    for q in ("13900005678", world.resident_a1.id_number, f"x{world.resident_a1.id_number[:11]}"):
        response = client.get("/api/residents", {"q": q})
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["field"]) == ("identifier_in_url", "q")
    response = client.get("/api/residents", {"q": world.resident_a2.id_number[-4:]})
    assert [r["name"] for r in response.json()["items"]] == ["李建国"]


def test_the_api_searches_by_identifier_in_a_post_body(world):
    client = _token_client(world, "community_a")

    def search(**body):
        response = client.post("/api/residents/search", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()

    assert [r["name"] for r in search(q="13900005678")["items"]] == ["李建国"]
    assert [r["name"] for r in search(q=world.resident_a1.id_number)["items"]] == ["张秀英"]
    page = search(page_size=1, page=2)
    assert (page["count"], page["page"], page["has_next"], [r["name"] for r in page["items"]]) == (
        2, 2, False, ["李建国"])
    assert search(page_size=1)["has_next"] is True
    assert search(q="13900005678", region=world.grid_a1.code)["items"] == []
    response = client.post("/api/residents/search", data=json.dumps({"tag": "nope"}), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "unknown_tag")
    # outside the caller's area an exact number finds nothing
    outside = _token_client(world, "grid_a1").post("/api/residents/search", data=json.dumps({"q": "13900005678"}),
                                                   content_type="application/json")
    assert outside.json()["items"] == []


def test_the_api_search_with_a_session_needs_the_csrf_token(world):
    client = _csrf_client("community_a")
    response = client.post("/api/residents/search", data=json.dumps({"q": "13900005678"}),
                           content_type="application/json")
    assert response.status_code == 403
