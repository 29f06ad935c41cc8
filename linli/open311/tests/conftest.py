"""Fixtures for the Open311 tests.

The tests use the plain ``db`` fixture (through ``world``), never a transactional one: a demand's
notifications run on commit and are not what these tests are about.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from linli.catalog.models import ServiceItem
from linli.demands.models import Channel, Consent, Demand
from linli.demands.services import DemandInput, demand_publication_approve, demand_submit
from linli.open311.services import apikey_create

BASE = "/open311/v2/"


class Keys:
    """Raw keys: ``street`` covers the whole street, ``community_a`` and ``community_b`` one
    community each, ``grid_a1`` the grid of the first micro-grid."""

    def __init__(self) -> None:
        self.street = apikey_create(name="street", region_code="330502001")[1]
        self.community_a = apikey_create(name="community a", region_code="330502001001")[1]
        self.community_b = apikey_create(name="community b", region_code="330502001201")[1]
        self.grid_a1 = apikey_create(name="grid a1", region_code="330502001001-G01")[1]


@pytest.fixture
def keys(world) -> Keys:
    return Keys()


@pytest.fixture
def o311(client):
    """``o311.get(path, **params)`` / ``o311.post(path, data, **headers)`` under /open311/v2/,
    in English (error descriptions are compared exactly), returning the response."""

    class Client:
        def get(self, path: str, lang: str | None = "en", **params):
            headers = {"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}
            return client.get(BASE + path, params, **headers)

        def post(self, path: str, data, lang: str | None = "en", **headers):
            if lang:
                headers["HTTP_ACCEPT_LANGUAGE"] = lang
            return client.post(BASE + path, data, **headers)

        def post_raw(self, path: str, body: bytes | str, content_type="application/x-www-form-urlencoded", **headers):
            return client.generic("POST", BASE + path, body, content_type=content_type, HTTP_ACCEPT_LANGUAGE="en",
                                  **headers)

    return Client()


def body(response):
    """The JSON body of a response."""
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def parse_xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own output, in a test


def xml_root(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    return parse_xml(response.content)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def public_demand(world, *, item="1103", description="楼道灯坏了，晚上很黑", region=None, address="3幢楼道",
                  lat="30.867123", lon="120.093456", user=None, published=True) -> Demand:
    """A public-area demand recorded by a community worker (of community A unless ``user`` is given),
    its words approved for publication as they were written unless ``published`` is false."""
    user = user or world.users["community_a"]
    data = DemandInput(
        region=region or world.micro_a1, description=description, channel=Channel.PHONE,
        item=ServiceItem.objects.get(code=item), address=address,
        lat=Decimal(lat) if lat else None, lon=Decimal(lon) if lon else None,
        contact_name="王先生", contact_mobile="13700001111", consent=Consent.PUBLIC_AREA,
    )
    demand = demand_submit(user=user, data=data).demand
    return demand_publication_approve(demand=demand, user=user) if published else demand


def resident_demand(world, *, description="想请人每天中午送一份饭，我住3幢201", item="0102") -> Demand:
    """A demand about resident A1 (张秀英), recorded by the community worker."""
    data = DemandInput(
        region=world.resident_a1.region, description=description, channel=Channel.PHONE,
        item=ServiceItem.objects.get(code=item), resident=world.resident_a1, address="3幢201",
        lat=Decimal("30.867999"), lon=Decimal("120.093999"),
    )
    return demand_submit(user=world.users["community_a"], data=data).demand
