"""The OpenAPI document tells the truth: one Python schema per component name, declared formats
that the responses keep, and every status an operation can answer."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import typing

from pydantic import BaseModel

from linli.api import api
from linli.core.api_support import api_operations, plumbing_statuses
from linli.core.management.commands.openapi import render_schema


def _models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def schema_classes() -> dict[str, set[type]]:
    """Python schema classes reachable from the operations (parameters and responses), by name."""
    stack = []
    for operation in api_operations(api):
        models = list(operation.models) + [m for m in operation.response_models.values() if isinstance(m, type)]
        for model in models:  # ninja's wrappers; their fields hold the project's schemas
            stack.extend(c for f in model.model_fields.values() for c in _models_in(f.annotation))
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        if cls not in seen:
            seen.add(cls)
            stack.extend(c for f in cls.model_fields.values() for c in _models_in(f.annotation))
    by_name: dict[str, set[type]] = {}
    for cls in seen:
        by_name.setdefault(cls.__name__, set()).add(cls)
    return by_name


def test_every_component_name_is_one_python_schema():
    components = document()["components"]["schemas"]
    classes = schema_classes()
    assert set(components) <= set(classes), "the walk above misses schemas: fix the test"
    clashes = {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in cls) for name, cls in classes.items()
               if len(cls) > 1}
    assert clashes == {}


def test_catalog_items_are_documented_with_the_catalog_schema():
    doc = document()
    ok = doc["paths"]["/api/catalog/items/{code}"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(doc["components"]["schemas"][ref]["properties"]) == {
        "code", "name", "name_zh", "name_en", "category_code", "description", "source"}


@functools.cache
def document() -> dict:
    """The document as served and committed (status keys are strings in JSON)."""
    return json.loads(render_schema())


def _operation(path: str, method: str) -> dict:
    return document()["paths"][path][method]


def test_a_path_id_is_bounded_and_its_422_documented():
    op = _operation("/api/residents/{resident_id}", "get")
    (param,) = [p for p in op["parameters"] if p["name"] == "resident_id"]
    assert (param["schema"]["minimum"], param["schema"]["maximum"]) == (1, 2**63 - 1)
    assert {"401", "404", "422", "503"} <= set(op["responses"])


def test_every_operation_documents_the_statuses_its_plumbing_answers():
    """401 everywhere; 403 (CSRF) on unsafe methods; 422 with any parameter or body; 400 with a
    body (not JSON); 503 for a transient database fault."""
    missing = []
    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            expected = {"401", "503"}
            if method in {"post", "put", "patch", "delete"}:
                expected.add("403")
            if op.get("parameters") or "requestBody" in op:
                expected.add("422")
            if "requestBody" in op:
                expected.add("400")
            missing += [f"{method.upper()} {path} {s}" for s in sorted(expected - set(op["responses"]))]
    assert missing == []


def test_the_plumbing_statuses_follow_the_operation():
    ops = {f"{op.view_func.__module__}.{op.view_func.__name__}": op for op in api_operations(api)}
    assert plumbing_statuses(ops["linli.accounts.api.me"]) == {401, 503}
    assert plumbing_statuses(ops["linli.records.api.confirm"]) == {401, 403, 422, 503}    # path id, no body
    assert plumbing_statuses(ops["linli.ledger.api.bonus"]) == {400, 401, 403, 422, 503}  # JSON body
    assert plumbing_statuses(ops["linli.accounts.api.me"], default_auth=None) == {503}


def test_times_are_declared_as_the_local_times_they_are_sent_in(world, login):
    from linli.supply.models import Volunteer, WeeklyAvailability

    user = world.users["volunteer_a"]
    volunteer = Volunteer.objects.create(user=user, name="陈志远", gender="M", birth_date=dt.date(1990, 1, 1),
                                         region=world.community_a)
    WeeklyAvailability.objects.create(volunteer=volunteer, weekday=0, start=dt.time(9, 0), end=dt.time(11, 30))
    body = login(user).get("/api/volunteers/me").json()
    assert body["weekly"] == [{"weekday": 0, "start": "09:00:00", "end": "11:30:00"}]
    declared = document()["components"]["schemas"]["WeeklyWindow"]["properties"]["start"]
    assert "format" not in declared  # RFC 3339 full-time (format: time) needs an offset
    assert [bool(re.fullmatch(declared["pattern"], t)) for t in ("09:00:00", "09:00", "09:00+08:00", "24:00")] == [
        True, True, False, False]


def test_a_time_with_an_offset_is_refused(world, login):
    response = login(world.users["volunteer_a"]).put(
        "/api/volunteers/me/availability", {"weekly": [{"weekday": 0, "start": "09:00+08:00", "end": "10:00"}]},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "weekly.0.start", "message": "Enter a time as HH:MM"}]


def _unbounded_integers(schema, components: dict, where: str, seen: set) -> list[str]:
    """Every integer in ``schema`` (following $refs) without both a minimum and a maximum."""
    if isinstance(schema, list):
        return [u for i, s in enumerate(schema) for u in _unbounded_integers(s, components, f"{where}[{i}]", seen)]
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        return _unbounded_integers(components[name], components, name, seen | {name})
    out = []
    if schema.get("type") == "integer" and not {"minimum", "maximum"} <= set(schema):
        out.append(where)
    for key, value in schema.items():
        if key == "properties":
            out += [u for p, s in value.items() for u in _unbounded_integers(s, components, f"{where}.{p}", seen)]
        elif key in {"items", "anyOf", "allOf", "oneOf", "additionalProperties"}:
            out += _unbounded_integers(value, components, where, seen)
    return out


def test_every_integer_the_api_reads_is_bounded():
    doc = document()
    components = doc["components"]["schemas"]
    unbounded = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            here = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                unbounded += _unbounded_integers(param["schema"], components, f"{here} {param['name']}", set())
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            unbounded += _unbounded_integers(body, components, f"{here} body", set())
    assert unbounded == []
