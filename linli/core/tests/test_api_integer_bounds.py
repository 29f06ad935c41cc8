"""Every integer the API reads has bounds: ids within the database's range, amounts within the
business ceilings of ``core/api_support.py``. Anything outside is a 422 with the usual error body,
never a 500 from the database driver."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.core.api_support import ID_MAX

TOO_BIG = 2**63  # one more than the largest BIGINT


@pytest.fixture
def unit(world):
    _token, raw = api_token_create(user=world.users["community_a"], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def post(client, path, raw_body: str):
    return client.post(path, data=raw_body, content_type="application/json")


RULE = '{"region": "330502001001", "name": "x", "per_hour": %s, "valid_from": "2026-01-01"}'
GROUP = ('{"region": "330502001001", "volunteers": [%s], "activity": "a", "date": "2026-01-01", "place": "p",'
         ' "content": "c", "minutes": 60, "person_in_charge": "p"}')
GROUP_MINUTES = ('{"region": "330502001001", "volunteers": [1], "activity": "a", "date": "2026-01-01", "place": "p",'
                 ' "content": "c", "minutes": %s, "person_in_charge": "p"}')
BONUS_VOLUNTEER = '{"volunteer": %s, "points": 1, "reason": "r"}'
BONUS_POINTS = '{"volunteer": 1, "points": %s, "reason": "r"}'
READ = '{"ids": [%s]}'


@pytest.mark.parametrize(("path", "template", "field"), [
    ("/api/ledger/rules", RULE, "per_hour"),
    ("/api/records", GROUP, "volunteers.0"),
    ("/api/records", GROUP_MINUTES, "minutes"),
    ("/api/ledger/bonus", BONUS_VOLUNTEER, "volunteer"),
    ("/api/ledger/bonus", BONUS_POINTS, "points"),
    ("/api/notifications/read", READ, "ids.0"),
])
@pytest.mark.parametrize("number", [str(TOO_BIG), "1e20", str(-TOO_BIG)])
def test_an_integer_out_of_range_in_a_body_is_a_422(unit, path, template, field, number):
    response = post(unit, path, template % number)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid_input", "Some fields are missing or invalid")
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["message"] in {"The value is too large", "The value is too small", "Enter a whole number"}


@pytest.mark.parametrize("path", [
    "/api/residents/abc",
    "/api/residents/99999999999999999999",
    f"/api/residents/{ID_MAX + 1}",
    "/api/residents/0",
    "/api/demands/-1/events",
    f"/api/records/{TOO_BIG}/confirm",
])
def test_a_malformed_path_id_is_a_422(unit, path):
    response = unit.get(path) if "confirm" not in path else unit.post(path)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert len(body["errors"]) == 1 and body["errors"][0]["field"].endswith("_id")


def test_the_largest_id_is_simply_not_found(unit):
    response = unit.get(f"/api/residents/{ID_MAX}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("query", [f"page={TOO_BIG}", "page=10000001", f"organisation={TOO_BIG}"])
def test_an_integer_out_of_range_in_a_query_is_a_422(unit, query):
    response = unit.get(f"/api/offerings?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_a_demand_version_beyond_the_column_is_a_422(world, unit):
    body = json.dumps({"action": "triage", "version": 2**31})
    response = post(unit, "/api/demands/1/transitions", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["version"]
