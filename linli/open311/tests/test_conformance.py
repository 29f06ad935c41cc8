"""GeoReport v2 conformance at the edges: dates in every w3c form and out of range, unknown codes,
paths and formats, nulls for empty values, HEAD."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.catalog.models import ServiceItem
from linli.demands.models import Demand
from linli.open311.tests.conftest import BASE, body, public_demand, xml_root

DATE_INVALID = "{name}_invalid: {name} is not a w3c datetime such as 2026-01-01T00:00:00+08:00"
DATE_OUT_OF_RANGE = "{name}_invalid: {name} must lie between the years 1900 and 9998"


def ids(response) -> list[str]:
    return [row["service_request_id"] for row in body(response)]


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("end_date", "0001-01-01T00:00:00Z"),
    ("start_date", "9999-12-31T23:00:00Z"),
    ("start_date", "0001-01-01T00:00:00+14:00"),
    ("end_date", "9999-12-31T23:59:59-12:00"),
    ("start_date", "0001-01-01"),
    ("end_date", "9999-12-31"),
    ("start_date", "9999"),
    ("end_date", "0001-01"),
    ("start_date", "1899-12-31T23:59:59Z"),
    ("start_date", "9999-01-01T00:00:00Z"),
])
def test_a_date_out_of_range_is_a_400_not_a_server_error(keys, world, o311, name, value):
    for fmt in ("json", "xml"):
        response = o311.get(f"requests.{fmt}", api_key=keys.community_a, **{name: value})
        assert response.status_code == 400, response.content
        if fmt == "json":
            assert body(response) == [{"code": 400, "description": DATE_OUT_OF_RANGE.format(name=name)}]
        else:
            assert xml_root(response).find("error").findtext("description") == DATE_OUT_OF_RANGE.format(name=name)


@pytest.mark.parametrize(("name", "value"), [
    ("start_date", "2026-13-01"),
    ("start_date", "2026-00"),
    ("end_date", "20260101"),
    ("end_date", "2026-1"),
    ("start_date", "99999-01-01T00:00:00Z"),
    ("start_date", "2026-01-01T25:00:00Z"),
    ("end_date", "2026-01-01T10:00:00+25:00"),
    ("end_date", "2026-01-01T10Z"),
])
def test_a_malformed_date_is_a_400(keys, world, o311, name, value):
    response = o311.get("requests.json", api_key=keys.community_a, **{name: value})
    assert response.status_code == 400, response.content
    assert body(response) == [{"code": 400, "description": DATE_INVALID.format(name=name)}]


def test_the_widest_dates_in_range_are_accepted(keys, world, o311):
    for params in [
        {"start_date": "1900-01-01T00:00:00Z"},
        {"end_date": "1900-01-01T00:00:00Z"},
        {"start_date": "9998-12-31T00:00:00+14:00", "end_date": "9998-12-31T23:59:59-12:00"},
        {"end_date": "9998-12-31T23:59:59-12:00"},
    ]:
        response = o311.get("requests.json", api_key=keys.community_a, **params)
        assert (response.status_code, body(response)) == (200, []), params


@pytest.fixture
def march(world):
    """Three public-area demands: 2026-03-01 12:00, 2026-03-01 12:30:30.5 and 2026-03-15 00:00, Shanghai."""
    made = []
    for moment in [dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 1, 4, 30, 30, 500000, tzinfo=dt.UTC),
                   dt.datetime(2026, 3, 14, 16, 0, tzinfo=dt.UTC)]:
        d = public_demand(world)
        Demand.objects.filter(pk=d.pk).update(created_at=moment)
        made.append(d.tracking_number)
    return made


@pytest.mark.parametrize(("params", "expected"), [
    ({"start_date": "2026"}, [0, 1, 2]),  # 90 days from 2026-01-01 00:00 Shanghai
    ({"start_date": "2026-03"}, [0, 1, 2]),
    ({"start_date": "2026-03", "end_date": "2026-04"}, [0, 1, 2]),
    ({"start_date": "2026-03-02", "end_date": "2026-04"}, [2]),
    ({"start_date": "2026-03-01", "end_date": "2026-03-15"}, [0, 1, 2]),  # the end is inclusive
    ({"start_date": "2026-03-01T12:01+08:00", "end_date": "2026-03-02T00:00+08:00"}, [1]),
    ({"start_date": "2026-03-01T04:00Z", "end_date": "2026-03-01T04:30Z"}, [0]),
    ({"start_date": "2026-03-01T12:30:30+08:00", "end_date": "2026-03-01T12:30:31+08:00"}, [1]),
    ({"start_date": "2026-03-01T12:30:30.6+08:00", "end_date": "2026-03-01T12:30:31+08:00"}, []),
    ({"start_date": "2026-03-01T12:30:30.25+08:00", "end_date": "2026-03-01T12:30:30.75+08:00"}, [1]),
    ({"start_date": "2026-03-01T04:30:30.500000Z", "end_date": "2026-03-01T04:30:30.5Z"}, [1]),
    ({"start_date": "2026-03-01T12:00:00", "end_date": "2026-03-01T12:00:00"}, [0]),  # no offset: Shanghai
    ({"start_date": "2026-03-01T12:00:00 08:00", "end_date": "2026-03-01T12:00:00 08:00"}, [0]),  # an unencoded +
])
def test_every_w3c_form_of_the_spec_is_accepted(keys, o311, march, params, expected):
    response = o311.get("requests.json", api_key=keys.community_a, **params)
    assert response.status_code == 200, response.content
    assert sorted(ids(response)) == sorted(march[i] for i in expected)


def test_the_90_day_window_is_counted_from_a_year_or_month(keys, world, o311):
    response = o311.get("requests.json", api_key=keys.community_a, start_date="2026", end_date="2026-04-02")
    assert response.status_code == 400
    assert body(response) == [{"code": 400, "description": (
        "date_range_too_long: start_date and end_date may be at most 90 days apart")}]
    assert o311.get("requests.json", api_key=keys.community_a, start_date="2026", end_date="2026-04-01").status_code == 200


# --- unknown codes, paths and formats -------------------------------------------------------------


def test_an_unknown_service_code_in_a_post_is_a_404(keys, world, o311):
    for fmt in ("json", "xml"):
        response = o311.post(f"requests.{fmt}", {"api_key": keys.community_a, "service_code": "0000",
                                                 "lat": "30", "long": "120", "description": "x"})
        assert response.status_code == 404
        description = "service_code_unknown: Unknown service_code 0000: see services.json for the list"
        if fmt == "json":
            assert body(response) == [{"code": 404, "description": description}]
        else:
            assert xml_root(response).find("error").findtext("description") == description
    ServiceItem.objects.filter(code="1103").update(active=False)
    response = o311.post("requests.json", {"api_key": keys.community_a, "service_code": "1103",
                                           "lat": "30", "long": "120", "description": "x"})
    assert response.status_code == 404
    assert Demand.objects.count() == 0


def test_an_unknown_service_code_in_a_search_is_a_404(keys, world, o311):
    lights = public_demand(world, item="1103")
    response = o311.get("requests.json", api_key=keys.community_a, service_code="1103,0000")
    assert response.status_code == 404
    assert body(response) == [{"code": 404, "description": (
        "service_code_unknown: Unknown service_code 0000: see services.json for the list")}]
    # a withdrawn item is still known: its old requests can be read
    ServiceItem.objects.filter(code="1103").update(active=False)
    assert ids(o311.get("requests.json", api_key=keys.community_a, service_code="1103")) == [lights.tracking_number]


@pytest.mark.parametrize(("path", "kind"), [
    ("nothing.json", "json"),
    ("requests/ABC/extra.json", "json"),
    ("services/0102/attributes.xml", "xml"),
    ("nothing", "xml"),
    ("", "xml"),
    ("nothing.csv", "xml"),
    ("requests.json/", "json"),
])
def test_an_unknown_path_answers_the_errors_array(db, client, path, kind):
    response = client.get(BASE + path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    description = "path_unknown: No such Open311 URL: see discovery.xml"
    if kind == "json":
        assert body(response) == [{"code": 404, "description": description}]
    else:
        root = xml_root(response)
        assert (root.tag, root.find("error").findtext("code")) == ("errors", "404")
        assert root.find("error").findtext("description") == description


def test_an_unknown_path_outside_v2_answers_the_errors_array_too(db, client):
    response = client.get("/open311/v3/services.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert body(response) == [{"code": 404, "description": "path_unknown: No such Open311 URL: see discovery.xml"}]
    response = client.get("/open311/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert xml_root(response).tag == "errors"


@pytest.mark.parametrize("path", ["services.csv", "services.JSON", "services/0102.html", "requests.txt"])
def test_an_unknown_format_answers_the_errors_array_in_xml(db, client, path):
    response = client.get(BASE + path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert xml_root(response).find("error").findtext("description") == (
        "format_unknown: Unknown format: add .xml or .json to the URL")


# --- nulls and descriptions ----------------------------------------------------------------------


def test_empty_values_are_null_in_json_and_empty_elements_in_xml(keys, world, o311):
    d = public_demand(world, lat="", lon="", address="")
    row = body(o311.get(f"requests/{d.tracking_number}.json", api_key=keys.community_a))[0]
    assert (row["status_notes"], row["zipcode"], row["media_url"], row["lat"], row["long"]) == (None,) * 5
    assert row["address"] == "第一微网格"
    root = xml_root(o311.get(f"requests/{d.tracking_number}.xml", api_key=keys.community_a))
    assert [root[0].find(tag).text for tag in ("status_notes", "zipcode", "media_url", "lat", "long")] == [None] * 5


def test_every_service_has_a_description_from_the_catalog(db, o311):
    services = body(o311.get("services.json"))
    assert services and all(isinstance(s["description"], str) and s["description"] for s in services)
    meals = next(s for s in services if s["service_code"] == "0102")
    assert meals["description"] == "Elderly care: Meal assistance"
    zh = next(s for s in body(o311.get("services.json", lang="zh-hans")) if s["service_code"] == "0102")
    assert zh["description"] == "养老服务：老年助餐"
    ServiceItem.objects.filter(code="0102").update(description="为老年人提供助餐、送餐服务")
    meals = next(s for s in body(o311.get("services.json")) if s["service_code"] == "0102")
    assert meals["description"] == "为老年人提供助餐、送餐服务"
    root = xml_root(o311.get("services.xml"))
    assert all(service.findtext("description") for service in root)


# --- HEAD ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["discovery.json", "services.xml", "services/0102.json"])
def test_head_works_where_get_does(db, client, path):
    got = client.get(BASE + path)
    head = client.head(BASE + path)
    assert head.status_code == got.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert head["Content-Length"] == str(len(got.content))
    assert head.content == b""


def test_head_on_requests_needs_the_key_like_get(keys, world, client):
    public_demand(world)
    assert client.head(BASE + "requests.json").status_code == 403
    head = client.head(BASE + "requests.json", {"api_key": keys.community_a})
    get = client.get(BASE + "requests.json", {"api_key": keys.community_a})
    assert (head.status_code, head.content, head["Content-Length"]) == (200, b"", str(len(get.content)))
    d = Demand.objects.get()
    assert client.head(BASE + f"requests/{d.tracking_number}.xml", {"api_key": keys.community_a}).status_code == 200
    assert client.head(BASE + f"tokens/{d.tracking_number}.xml", {"api_key": keys.community_a}).status_code == 200


def test_a_wrong_method_lists_head_as_allowed(db, o311):
    response = o311.post("services.json", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_every_answer_is_no_store_without_touching_the_session(keys, world, client):
    d = public_demand(world)
    for path, params in [("services.json", {}), ("requests.json", {"api_key": keys.community_a}),
                         (f"requests/{d.tracking_number}.xml", {"api_key": keys.community_a}),
                         ("requests.json", {}), ("nothing.json", {})]:
        response = client.get(BASE + path, params)
        assert response["Cache-Control"] == "no-store", path
        assert "Cookie" not in response.get("Vary", ""), path
        assert response.cookies == {}
