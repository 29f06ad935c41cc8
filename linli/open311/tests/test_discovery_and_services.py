"""Discovery, the service list and service definitions, field by field, in JSON and XML."""

from __future__ import annotations

import pytest

from linli.catalog.models import ServiceItem
from linli.open311.selectors import CHANGESET
from linli.open311.tests.conftest import body, children, xml_root

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_discovery_lists_one_production_endpoint_in_json(db, o311):
    response = o311.get("discovery.json")
    assert response.status_code == 200
    data = body(response)
    assert list(data) == ["changeset", "contact", "key_service", "endpoints"]
    assert data["changeset"] == CHANGESET
    assert data["endpoints"] == [{
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2",
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }]
    assert isinstance(data["contact"], str) and data["contact"]
    assert "linli apikey create" in data["key_service"]


def test_discovery_in_xml_has_the_spec_elements(db, o311):
    root = xml_root(o311.get("discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoints = root.find("endpoints")
    assert children(endpoints) == ["endpoint"]
    endpoint = endpoints.find("endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert children(endpoint.find("formats")) == ["format", "format"]


def test_services_list_every_active_item_with_the_spec_fields(db, o311):
    data = body(o311.get("services.json", lang=None))  # Chinese by default
    active = ServiceItem.objects.filter(active=True).count()
    assert len(data) == active > 70
    assert all(list(service) == SERVICE_FIELDS for service in data)
    meals = next(s for s in data if s["service_code"] == "0102")
    assert meals == {
        "service_code": "0102",
        "service_name": "老年助餐",
        "description": "养老服务：老年助餐",
        "metadata": False,
        "type": "realtime",
        "keywords": "助餐, 送餐, 老年餐, 老年食堂, 社区食堂",
        "group": "养老服务",
    }
    assert [s["service_code"] for s in data] == sorted(s["service_code"] for s in data)


def test_services_in_xml_have_the_spec_elements_and_booleans(db, o311):
    root = xml_root(o311.get("services.xml", lang="zh-hans"))
    assert root.tag == "services"
    assert set(children(root)) == {"service"}
    assert len(root) == ServiceItem.objects.filter(active=True).count()
    meals = next(s for s in root if s.findtext("service_code") == "0102")
    assert children(meals) == SERVICE_FIELDS
    assert meals.findtext("metadata") == "false"
    assert meals.findtext("type") == "realtime"
    assert meals.findtext("service_name") == "老年助餐"
    assert meals.findtext("group") == "养老服务"


@pytest.mark.parametrize(("params", "headers_lang"), [({"locale": "en"}, "zh-hans"), ({}, "en")])
def test_services_are_named_in_english_on_request(db, o311, params, headers_lang):
    data = body(o311.get("services.json", lang=headers_lang, **params))
    meals = next(s for s in data if s["service_code"] == "0102")
    assert (meals["service_name"], meals["group"]) == ("Meal assistance", "Elderly care")


def test_a_withdrawn_item_is_not_a_service(db, o311):
    ServiceItem.objects.filter(code="0102").update(active=False)
    codes = [s["service_code"] for s in body(o311.get("services.json"))]
    assert "0102" not in codes
    assert "0101" in codes
    assert o311.get("services/0102.json").status_code == 404


def test_service_definition_has_no_attributes(db, o311):
    response = o311.get("services/0102.json")
    assert response.status_code == 200
    assert body(response) == {"service_code": "0102", "attributes": []}
    root = xml_root(o311.get("services/0102.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "0102"
    assert len(root.find("attributes")) == 0


def test_an_unknown_service_code_is_a_404_error_body(db, o311):
    response = o311.get("services/0000.json")
    assert response.status_code == 404
    assert body(response) == [{"code": 404, "description": "service_code_unknown: Unknown service_code 0000"}]
    root = xml_root(o311.get("services/0000.xml"))
    assert root.tag == "errors"
    assert children(root) == ["error"]
    assert children(root.find("error")) == ["code", "description"]
    assert root.find("error").findtext("code") == "404"
    assert root.find("error").findtext("description") == "service_code_unknown: Unknown service_code 0000"


def test_an_unknown_format_is_a_404_in_xml(db, o311):
    response = o311.get("services.csv")
    assert response.status_code == 404
    root = xml_root(response)
    assert root.find("error").findtext("description") == "format_unknown: Unknown format: add .xml or .json to the URL"


def test_a_wrong_method_is_refused_with_an_error_body(db, o311):
    response = o311.post("services.json", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert body(response) == [{"code": 405, "description": "method_not_allowed: Use GET on this URL"}]


def test_the_endpoints_never_touch_the_session(db, o311):
    response = o311.get("services.json")
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
