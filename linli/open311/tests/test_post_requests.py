"""POST requests.{fmt}: a public-area demand through demand_submit, kept inside the key's region."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from linli.demands.models import Channel, Consent, Demand, DemandEvent
from linli.demands.workflow import Actor, State
from linli.open311.models import ApiKey
from linli.open311.tests.conftest import body, children, xml_root


def _shanghai(value) -> str:
    return value.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


def form(key: str, **extra) -> dict:
    return {"api_key": key, "service_code": "1103", "description": "小区东门的路灯坏了", **extra}


def test_a_post_with_lat_long_creates_a_public_area_demand_in_the_keys_community(keys, world, o311):
    response = o311.post("requests.json", form(
        keys.community_a, lat="30.8671234567", long="120.0934", first_name="小明", last_name="王",
        phone="+86 138-0000-9999", email="wang@example.com", device_id="dev-1", account_id="acc-7",
        media_url="http://example.com/1.jpg", **{"attribute[ABC]": "1"},
    ))
    assert response.status_code == 200
    data = body(response)
    demand = Demand.objects.get()
    assert data == [{
        "service_request_id": demand.tracking_number,
        "service_notice": f"西林寺社区 will handle it by {_shanghai(demand.due_at)}.",
        "account_id": None,
    }]
    assert demand.channel == Channel.OPEN311
    assert demand.resident is None
    assert demand.consent == Consent.PUBLIC_AREA
    assert demand.created_by is None
    assert demand.region == world.community_a
    assert demand.community == world.community_a
    assert demand.item.code == "1103"
    assert demand.description == "小区东门的路灯坏了"
    assert (demand.lat, demand.lon) == (Decimal("30.867123"), Decimal("120.093400"))
    assert demand.contact_name == "王小明"
    assert demand.contact_mobile == "13800009999"
    assert demand.address == ""
    assert demand.state == State.SUBMITTED
    assert demand.idempotency_scope == ""
    event = DemandEvent.objects.get(demand=demand)
    assert (event.action, event.actor, event.actor_role) == ("submit", None, Actor.SYSTEM)


def test_the_service_notice_uses_the_platform_time_zone(keys, world, o311):
    o311.post("requests.json", form(keys.community_a, lat="30.1", long="120.1"))
    demand = Demand.objects.get()
    notice = body(o311.get(f"requests/{demand.tracking_number}.json", api_key=keys.community_a))[0]["service_notice"]
    assert notice == f"西林寺社区 will handle it by {_shanghai(demand.due_at)}."


def test_a_post_answers_in_xml_with_the_spec_elements(keys, world, o311):
    response = o311.post("requests.xml", form(keys.community_a, address_string="东门"))
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == "service_requests"
    assert children(root) == ["request"]
    request = root.find("request")
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == Demand.objects.get().tracking_number
    assert request.find("account_id").text is None
    assert Demand.objects.get().address == "东门"


def test_a_street_key_places_the_demand_by_address_id(keys, world, o311):
    response = o311.post("requests.json", form(keys.street, address_id="330502001001-G01-M1", lat="30.1", long="120.2"))
    assert response.status_code == 200
    demand = Demand.objects.get()
    assert demand.region == world.micro_a1
    assert demand.community == world.community_a


def test_a_street_key_with_only_lat_long_must_send_an_address_id(keys, world, o311):
    response = o311.post("requests.json", form(keys.street, lat="30.1", long="120.2"))
    assert response.status_code == 400
    assert body(response) == [{"code": 400, "description": (
        "address_id_required: This api_key covers more than one community: send address_id (the code of a "
        "community, grid, micro-grid or building) with the location")}]
    assert Demand.objects.count() == 0


def test_an_address_id_outside_the_keys_region_is_refused_and_nothing_is_stored(keys, world, o311):
    before = Demand.objects.count()
    for address_id in ["330502001201", "330502001201-G01", "does-not-exist"]:
        response = o311.post("requests.json", form(keys.community_a, address_id=address_id))
        assert response.status_code == 400
        assert body(response) == [{"code": 400, "description": (
            "address_id_unknown: The address_id is not a region code inside the area of this api_key")}]
    assert Demand.objects.count() == before == 0


def test_an_address_id_above_community_level_is_refused(keys, world, o311):
    response = o311.post("requests.json", form(keys.street, address_id="330502001"))
    assert response.status_code == 400
    assert body(response)[0]["description"].startswith("region_too_high: ")
    assert Demand.objects.count() == 0


def test_the_description_is_optional_and_the_service_name_stands_in(keys, world, o311):
    response = o311.post("requests.json", form(keys.community_a, description="", lat="30.1", long="120.1"))
    assert response.status_code == 200
    assert Demand.objects.get().description == "公共设施报修"


def _refused(o311, data, status: int, description: str, fmt: str = "json") -> None:
    response = o311.post(f"requests.{fmt}", data)
    assert response.status_code == status, response.content
    assert body(response) == [{"code": status, "description": description}]


def test_bad_input_is_refused_with_the_spec_error_body_and_nothing_is_stored(keys, world, o311):
    key = keys.community_a
    cases = [
        ({"service_code": "1103", "lat": "30", "long": "120", "description": "x"}, 403,
         "api_key_required: An api_key is required"),
        (form("o311_not-a-key", lat="30", long="120"), 403,
         "api_key_invalid: The api_key is unknown or has been revoked"),
        (form("ll_not-an-open311-key", lat="30", long="120"), 403,
         "api_key_invalid: The api_key is unknown or has been revoked"),
        ({"api_key": key, "lat": "30", "long": "120", "description": "x"}, 400,
         "service_code_required: service_code is required"),
        (form(key, service_code="0000", lat="30", long="120"), 404,
         "service_code_unknown: Unknown service_code 0000: see services.json for the list"),
        (form(key), 400, "location_required: A location is required: lat and long, address_string or address_id"),
        (form(key, lat="30.1"), 400, "lat_long_incomplete: Send both lat and long, or neither"),
        (form(key, lat="north", long="120"), 400,
         "lat_invalid: lat must be a decimal number between -90 and 90 (WGS-84)"),
        (form(key, lat="30", long="1e2"), 400,
         "long_invalid: long must be a decimal number between -180 and 180 (WGS-84)"),
        (form(key, lat="91", long="120"), 400,
         "lat_invalid: lat must be a decimal number between -90 and 90 (WGS-84)"),
        (form(key, lat="NaN", long="120"), 400,
         "lat_invalid: lat must be a decimal number between -90 and 90 (WGS-84)"),
        (form(key, lat="30", long="120", phone="12345"), 400,
         "phone_invalid: A mobile number has 11 digits and starts with 13–19"),
        (form(key, address_string="路" * 201), 400, "address_string_too_long: address_string is longer than 200 characters"),
        (form(key, address_string="东门", first_name="名" * 30, last_name="姓" * 21), 400,
         "name_too_long: first_name and last_name together exceed 50 characters"),
        (form(key, lat="30", long="120", description="灯" * 2001), 400,
         "description_too_long: The description has 2001 characters; this server accepts at most 2000"),
    ]
    for data, status, description in cases:
        _refused(o311, data, status, description)
    assert Demand.objects.count() == 0


def test_a_description_of_4000_characters_is_allowed_by_the_spec_but_not_here(keys, world, o311):
    _refused(o311, form(keys.community_a, lat="30", long="120", description="a" * 4000), 400,
             "description_too_long: The description has 4000 characters; this server accepts at most 2000")
    assert Demand.objects.count() == 0


def test_a_ten_megabyte_description_is_refused_before_the_body_is_read(keys, world, o311):
    payload = f"api_key={keys.community_a}&service_code=1103&lat=30&long=120&description=" + "a" * (10 * 1024 * 1024)
    response = o311.post_raw("requests.json", payload)
    assert response.status_code == 400
    assert body(response) == [{"code": 400, "description": (
        "request_too_large: The request is larger than 64 KiB; the description may have at most 2000 characters")}]
    assert Demand.objects.count() == 0
    assert ApiKey.objects.get(name="community a").last_used_at is None  # the key was never even read


def test_a_body_that_is_not_a_form_is_refused(keys, world, o311):
    response = o311.post_raw("requests.json", '{"api_key": "x"}', content_type="application/json")
    assert response.status_code == 400
    assert body(response) == [{"code": 400, "description": (
        "content_type_invalid: Send the form as application/x-www-form-urlencoded")}]


def test_a_revoked_key_is_refused(keys, world, o311):
    ApiKey.objects.filter(name="community a").update(revoked_at="2026-01-01T00:00:00+08:00")
    _refused(o311, form(keys.community_a, lat="30", long="120"), 403,
             "api_key_invalid: The api_key is unknown or has been revoked")
    assert Demand.objects.count() == 0


def test_errors_are_xml_for_xml_requests(keys, world, o311):
    response = o311.post("requests.xml", form(keys.community_a))
    assert response.status_code == 400
    root = xml_root(response)
    assert (root.tag, children(root), children(root[0])) == ("errors", ["error"], ["code", "description"])
    assert root[0].findtext("code") == "400"


def test_errors_are_in_chinese_by_default(keys, world, o311):
    response = o311.post("requests.json", form(keys.community_a), lang=None)
    assert body(response)[0]["description"].startswith("location_required: ")


def test_the_same_idempotency_key_twice_creates_one_demand(keys, world, o311):
    data = form(keys.community_a, lat="30.1", long="120.1")
    first = o311.post("requests.json", data, HTTP_IDEMPOTENCY_KEY="retry-1")
    second = o311.post("requests.json", data, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == second.status_code == 200
    assert body(first)[0]["service_request_id"] == body(second)[0]["service_request_id"]
    demand = Demand.objects.get()
    key = ApiKey.objects.get(name="community a")
    assert (demand.idempotency_scope, demand.idempotency_key) == (f"open311:{key.pk}", "retry-1")


def test_an_idempotency_key_is_scoped_to_its_api_key(keys, world, o311):
    o311.post("requests.json", form(keys.community_a, lat="30.1", long="120.1"), HTTP_IDEMPOTENCY_KEY="k")
    o311.post("requests.json", form(keys.grid_a1, lat="30.1", long="120.1"), HTTP_IDEMPOTENCY_KEY="k")
    assert Demand.objects.count() == 2


def test_an_idempotency_key_reused_for_another_demand_is_refused(keys, world, o311):
    o311.post("requests.json", form(keys.community_a, lat="30.1", long="120.1"), HTTP_IDEMPOTENCY_KEY="k")
    _refused_with_header = o311.post("requests.json", form(keys.community_a, lat="30.2", long="120.1"),
                                     HTTP_IDEMPOTENCY_KEY="k")
    assert _refused_with_header.status_code == 400
    assert body(_refused_with_header) == [{"code": 400, "description": (
        "idempotency_key_reused: This Idempotency-Key was already used for a different demand")}]
    assert Demand.objects.count() == 1


def test_an_overlong_idempotency_key_is_refused(keys, world, o311):
    response = o311.post("requests.json", form(keys.community_a, lat="30", long="120"), HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert body(response)[0]["description"] == (
        "idempotency_key_too_long: The Idempotency-Key header is longer than 100 characters")
    assert Demand.objects.count() == 0


def test_the_api_key_may_also_come_in_the_query_string(keys, world, client):
    response = client.post(f"/open311/v2/requests.json?api_key={keys.community_a}",
                           {"service_code": "1103", "address_string": "东门", "description": "路灯坏了"})
    assert response.status_code == 200
    assert Demand.objects.count() == 1


def test_a_post_needs_no_csrf_token(keys, world):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/open311/v2/requests.json", form(keys.community_a, address_string="东门"))
    assert response.status_code == 200


def test_using_a_key_records_when_it_was_last_used(keys, world, o311):
    o311.post("requests.json", form(keys.community_a, address_string="东门"))
    assert ApiKey.objects.get(name="community a").last_used_at is not None
    assert ApiKey.objects.get(name="community b").last_used_at is None
