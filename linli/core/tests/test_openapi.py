"""The committed OpenAPI document is current, and real responses have exactly its shape."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from linli.core.management.commands.openapi import render_schema

COMMITTED = Path(settings.PROJECT_DIR) / "docs" / "openapi.json"


def components():
    return json.loads(COMMITTED.read_text(encoding="utf-8"))["components"]["schemas"]


def test_committed_schema_is_current(db):
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `make schema-update` and commit it"
    assert render_schema() == COMMITTED.read_text(encoding="utf-8"), (
        "docs/openapi.json is stale: run `make schema-update` and commit it"
    )


def assert_shape(schema_name: str, data: dict, *, exact: bool = True) -> None:
    schema = components()[schema_name]
    properties = set(schema["properties"])
    if exact:
        assert set(data) == properties, f"{schema_name}: {sorted(set(data) ^ properties)}"
    else:
        assert set(schema.get("required", [])) <= set(data) <= properties, schema_name


def test_resident_list_item_has_exactly_the_documented_keys(world, login):
    page = login(world.users["social_a"]).get("/api/residents").json()
    assert_shape("ResidentPage", page)
    item = page["items"][0]
    assert_shape("ResidentOut", item)
    assert_shape("ResidentTagOut", item["tags"][0])
    assert_shape("RegionRef", item["region"])


def test_resident_detail_has_exactly_the_documented_keys(world, login):
    body = login(world.users["community_a"]).get(f"/api/residents/{world.resident_a1.pk}").json()
    assert_shape("ResidentDetailOut", body)


def test_region_detail_and_me_have_exactly_the_documented_keys(world, login):
    client = login(world.users["community_a"])
    region = client.get("/api/regions/330502001001").json()
    assert_shape("RegionDetailOut", region)
    assert_shape("RegionOut", region["children"][0])
    assert_shape("MeOut", client.get("/api/me").json())


def test_error_responses_have_the_documented_keys(world, login):
    client = login(world.users["community_a"])
    assert_shape("ErrorOut", client.get("/api/residents/999999").json(), exact=False)
    invalid = client.post("/api/residents", {}, content_type="application/json").json()
    assert_shape("ValidationErrorOut", invalid)
    assert_shape("FieldErrorOut", invalid["errors"][0])


def test_every_operation_documents_the_401_answer():
    paths = json.loads(COMMITTED.read_text(encoding="utf-8"))["paths"]
    missing = [
        f"{method.upper()} {path}" for path, ops in paths.items() for method, op in ops.items()
        if "401" not in op["responses"]
    ]
    assert missing == []


def test_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
