"""Text no database can store (a NUL character, half a surrogate pair) is refused at the API's
edge: 422 on the query field, 400 for a body, 422 for a path code. PostgreSQL answered 500."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.core.api_support import unstorable_text_at
from linli.people.models import Resident


@pytest.fixture
def unit(world):
    _token, raw = api_token_create(user=world.users["community_a"], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def test_unstorable_text_is_found_with_its_path():
    assert unstorable_text_at({"a": ["ok", {"b": "x\x00y"}]}) == ("a", 1, "b")
    assert unstorable_text_at(["\ud800"]) == (0,)
    assert unstorable_text_at({"name": "张秀英", "n": 3, "none": None, "pair": "\U0001f600"}) is None


@pytest.mark.parametrize("raw", ['"赵\\u0000大妈"', '"\\ud800"'])
def test_a_body_with_unstorable_text_is_a_bad_request_and_nothing_is_saved(unit, raw):
    before = Resident.objects.count()
    body = f'{{"name": {raw}, "region": "330502001001"}}'
    response = unit.post("/api/residents", body, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"code": "bad_request", "message": "The request is malformed"})
    assert Resident.objects.count() == before


def test_a_query_with_a_nul_is_a_422_on_that_field(unit):
    response = unit.get("/api/demands?state=open&state=a%00b")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "state.1", "message": "The text contains a character that is not allowed"}]


@pytest.mark.parametrize("path", ["/api/regions/a%00b", "/api/catalog/items/%01", "/api/catalog/menus/" + "9" * 33])
def test_a_path_code_with_control_characters_or_too_long_is_a_422(unit, path):
    response = unit.get(path)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "The value is not in the expected form"
