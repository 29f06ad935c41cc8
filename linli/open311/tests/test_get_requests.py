"""GET requests.{fmt}, requests/{id}.{fmt} and tokens/{token}.{fmt}, field by field."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.open311 import selectors
from linli.open311.tests.conftest import body, children, public_demand, xml_root

REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def w3c(value: dt.datetime) -> str:
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


def aged(demand: Demand, days: float) -> Demand:
    Demand.objects.filter(pk=demand.pk).update(created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=days))
    demand.refresh_from_db()
    return demand


def ids(response) -> list[str]:
    return [row["service_request_id"] for row in body(response)]


def test_an_open_public_area_demand_has_every_spec_field(keys, world, o311):
    d = public_demand(world)
    data = body(o311.get("requests.json", api_key=keys.community_a))
    assert data == [{
        "service_request_id": d.tracking_number,
        "status": "open",
        "status_notes": None,
        "service_name": "Public-facility repair",
        "service_code": "1103",
        "description": "楼道灯坏了，晚上很黑",
        "agency_responsible": "西林寺社区",
        "service_notice": f"西林寺社区 will handle it by {d.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}.",
        "requested_datetime": w3c(d.created_at),
        "updated_datetime": w3c(d.updated_at),
        "expected_datetime": w3c(d.due_at),
        "address": "3幢楼道",
        "address_id": "330502001001-G01-M1",
        "zipcode": None,
        "lat": 30.867123,
        "long": 120.093456,
        "media_url": None,
    }]
    assert list(data[0]) == REQUEST_FIELDS


def test_the_service_name_is_chinese_by_default(keys, world, o311):
    public_demand(world)
    assert body(o311.get("requests.json", lang=None, api_key=keys.community_a))[0]["service_name"] == "公共设施报修"


def test_datetimes_are_w3c_with_the_shanghai_offset(keys, world, o311):
    d = public_demand(world)
    Demand.objects.filter(pk=d.pk).update(created_at=dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC))
    row = body(o311.get(f"requests/{d.tracking_number}.json", api_key=keys.community_a))[0]
    assert row["requested_datetime"] == "2026-11-23T11:00:00+08:00"


def test_in_xml_every_request_has_the_spec_elements_in_order(keys, world, o311):
    d = public_demand(world)
    public_demand(world, lat="", lon="", address="")
    root = xml_root(o311.get("requests.xml", api_key=keys.community_a))
    assert root.tag == "service_requests"
    assert children(root) == ["request", "request"]
    assert all(children(request) == REQUEST_FIELDS for request in root)
    without, with_place = root  # newest first
    assert with_place.findtext("service_request_id") == d.tracking_number
    assert (with_place.findtext("lat"), with_place.findtext("long")) == ("30.867123", "120.093456")
    assert with_place.findtext("status") == "open"
    assert with_place.findtext("requested_datetime") == w3c(d.created_at)
    assert (without.find("lat").text, without.find("long").text) == (None, None)
    assert without.findtext("address") == "第一微网格"
    assert without.find("zipcode").text is None


def test_lat_and_long_are_numbers_or_null_in_json(keys, world, o311):
    public_demand(world)
    public_demand(world, lat="", lon="")
    rows = body(o311.get("requests.json", api_key=keys.community_a))
    assert [(type(r["lat"]), type(r["long"])) for r in rows] == [(type(None), type(None)), (float, float)]


def test_a_closed_demand_is_closed_with_its_closing_note(keys, world, o311):
    d = public_demand(world)
    demand_transition(demand=d, user=world.users["community_a"], action="reject", reason="out_of_scope",
                      note="路灯归市政管理，已转告")
    d.refresh_from_db()
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert row["status"] == "closed"
    assert row["status_notes"] == "路灯归市政管理，已转告"
    assert row["service_notice"] is None
    assert row["updated_datetime"] == w3c(d.closed_at)


def test_every_state_maps_to_open_or_closed(keys, world, o311):
    from linli.demands.workflow import OPEN_STATES, State

    for state in State.values:
        d = public_demand(world)
        Demand.objects.filter(pk=d.pk).update(state=state)
    rows = body(o311.get("requests.json", api_key=keys.community_a))
    by_id = {d.tracking_number: d.state for d in Demand.objects.all()}
    assert len(rows) == len(State.values)
    assert {row["status"] for row in rows} == {"open", "closed"}
    for row in rows:
        assert row["status"] == ("open" if by_id[row["service_request_id"]] in OPEN_STATES else "closed")


def test_the_assigned_unit_is_the_agency_responsible(keys, world, o311):
    d = public_demand(world)
    demand_transition(demand=d, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    assert body(o311.get("requests.json", api_key=keys.community_a))[0]["agency_responsible"] == "西林寺邻里互助社"


def test_reading_requests_needs_a_live_api_key(keys, world, o311):
    public_demand(world)
    for params, description in [
        ({}, "api_key_required: An api_key is required"),
        ({"api_key": "o311_wrong"}, "api_key_invalid: The api_key is unknown or has been revoked"),
    ]:
        for path in ["requests.json", f"requests/{Demand.objects.get().tracking_number}.json",
                     f"tokens/{Demand.objects.get().tracking_number}.json"]:
            response = o311.get(path, **params)
            assert response.status_code == 403
            assert body(response) == [{"code": 403, "description": description}]


def test_a_key_reads_only_its_own_region(keys, world, o311):
    a = public_demand(world)
    b = public_demand(world, region=world.grid_b1, user=world.users["community_b"])
    assert ids(o311.get("requests.json", api_key=keys.community_a)) == [a.tracking_number]
    assert ids(o311.get("requests.json", api_key=keys.community_b)) == [b.tracking_number]
    assert ids(o311.get("requests.json", api_key=keys.street)) == [b.tracking_number, a.tracking_number]
    assert ids(o311.get("requests.json", api_key=keys.community_b, service_request_id=a.tracking_number)) == []
    response = o311.get(f"requests/{a.tracking_number}.json", api_key=keys.community_b)
    assert response.status_code == 404
    assert body(response) == [{"code": 404, "description": (
        "service_request_unknown: No service request has this id in the area of this api_key")}]


def test_one_request_by_id_is_a_one_element_list(keys, world, o311):
    d = public_demand(world)
    for spelling in [d.tracking_number, d.tracking_display, d.tracking_number.lower()]:
        rows = body(o311.get(f"requests/{spelling}.json", api_key=keys.community_a))
        assert [r["service_request_id"] for r in rows] == [d.tracking_number]
        assert list(rows[0]) == REQUEST_FIELDS
    root = xml_root(o311.get(f"requests/{d.tracking_number}.xml", api_key=keys.community_a))
    assert (root.tag, children(root)) == ("service_requests", ["request"])
    response = o311.get("requests/ZZZZZZZZ.xml", api_key=keys.community_a)
    assert response.status_code == 404
    assert xml_root(response).tag == "errors"


def test_a_token_is_the_service_request_id(keys, world, o311):
    d = public_demand(world)
    assert body(o311.get(f"tokens/{d.tracking_number}.json", api_key=keys.community_a)) == [
        {"service_request_id": d.tracking_number, "token": d.tracking_number},
    ]
    root = xml_root(o311.get(f"tokens/{d.tracking_number}.xml", api_key=keys.community_a))
    assert (root.tag, children(root), children(root[0])) == ("service_requests", ["request"], ["service_request_id", "token"])
    assert root[0].findtext("token") == d.tracking_number
    response = o311.get(f"tokens/{d.tracking_number}.json", api_key=keys.community_b)
    assert response.status_code == 404
    assert body(response) == [{"code": 404, "description": (
        "token_unknown: No service request has this token in the area of this api_key")}]


def test_the_default_window_is_the_last_90_days(keys, world, o311):
    recent = aged(public_demand(world), 89)
    aged(public_demand(world), 91)
    assert ids(o311.get("requests.json", api_key=keys.community_a)) == [recent.tracking_number]


def test_start_and_end_dates_select_by_requested_datetime(keys, world, o311):
    a = public_demand(world)
    b = public_demand(world)
    Demand.objects.filter(pk=a.pk).update(created_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
    Demand.objects.filter(pk=b.pk).update(created_at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC))
    get = lambda **p: ids(o311.get("requests.json", api_key=keys.community_a, **p))  # noqa: E731
    assert get(start_date="2026-02-15T00:00:00+08:00", end_date="2026-05-15T00:00:00+08:00") == [
        b.tracking_number, a.tracking_number]
    assert get(start_date="2026-03-02T00:00:00Z", end_date="2026-05-15T00:00:00Z") == [b.tracking_number]
    assert get(start_date="2026-01-15T00:00:00Z") == [a.tracking_number]  # 90 days from the start
    assert get(end_date="2026-05-15T00:00:00Z") == [b.tracking_number, a.tracking_number]  # 90 days to the end
    assert get(start_date="2026-03-01", end_date="2026-03-02") == [a.tracking_number]  # dates are local midnights


@pytest.mark.parametrize(("params", "description"), [
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:01Z"},
     "date_range_too_long: start_date and end_date may be at most 90 days apart"),
    ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
     "date_range_invalid: end_date is before start_date"),
    ({"start_date": "yesterday"}, "start_date_invalid: start_date is not a w3c datetime such as 2026-01-01T00:00:00+08:00"),
    ({"end_date": "2026-02-30T00:00:00Z"}, "end_date_invalid: end_date is not a w3c datetime such as 2026-01-01T00:00:00+08:00"),
    ({"status": "open,pending"}, "status_invalid: status is open, closed or both (comma-separated)"),
])
def test_bad_filters_are_a_400(keys, world, o311, params, description):
    response = o311.get("requests.json", api_key=keys.community_a, **params)
    assert response.status_code == 400
    assert body(response) == [{"code": 400, "description": description}]


def test_exactly_90_days_is_allowed(keys, world, o311):
    response = o311.get("requests.json", api_key=keys.community_a, start_date="2026-01-01T00:00:00Z",
                        end_date="2026-04-01T00:00:00Z")
    assert response.status_code == 200


def test_service_request_ids_override_every_other_filter(keys, world, o311):
    old = aged(public_demand(world), 400)
    new = public_demand(world)
    other = public_demand(world)
    demand_transition(demand=new, user=world.users["community_a"], action="reject", reason="out_of_scope", note="x")
    got = ids(o311.get("requests.json", api_key=keys.community_a, status="open", service_code="0101",
                       start_date="2020-01-01T00:00:00Z", end_date="2020-01-02T00:00:00Z",
                       service_request_id=f"{old.tracking_number}, {new.tracking_display.lower()}"))
    assert got == [new.tracking_number, old.tracking_number]
    assert other.tracking_number not in got


def test_service_codes_are_a_comma_list(keys, world, o311):
    lights = public_demand(world, item="1103")
    green = public_demand(world, item="1102")
    public_demand(world, item="1101")
    assert ids(o311.get("requests.json", api_key=keys.community_a, service_code="1103,1102")) == [
        green.tracking_number, lights.tracking_number]
    assert ids(o311.get("requests.json", api_key=keys.community_a, service_code="1103")) == [lights.tracking_number]


def test_the_status_filter_takes_open_closed_or_both(keys, world, o311):
    open_one = public_demand(world)
    closed_one = public_demand(world)
    demand_transition(demand=closed_one, user=world.users["community_a"], action="reject", reason="out_of_scope",
                      note="x")
    get = lambda s: ids(o311.get("requests.json", api_key=keys.community_a, status=s))  # noqa: E731
    assert get("open") == [open_one.tracking_number]
    assert get("closed") == [closed_one.tracking_number]
    assert get("open,closed") == get("") == [closed_one.tracking_number, open_one.tracking_number]


def test_at_most_max_rows_newest_first(keys, world, o311, monkeypatch):
    made = [public_demand(world) for _ in range(4)]
    monkeypatch.setattr(selectors, "MAX_ROWS", 3)
    assert ids(o311.get("requests.json", api_key=keys.community_a)) == [d.tracking_number for d in made[::-1][:3]]


def test_the_spec_limit_is_1000_rows(db):
    assert selectors.MAX_ROWS == 1000
    assert selectors.WINDOW == dt.timedelta(days=90)


def test_the_list_takes_a_fixed_number_of_queries(keys, world, o311, django_assert_num_queries):
    for _ in range(3):
        public_demand(world)
    o311.get("requests.json", api_key=keys.community_a)  # records last_used_at
    with django_assert_num_queries(2):  # the key, the demands (with their last event)
        response = o311.get("requests.json", api_key=keys.community_a)
    assert len(body(response)) == 3
    for _ in range(3):
        public_demand(world)
    with django_assert_num_queries(2):
        response = o311.get("requests.json", api_key=keys.community_a)
    assert len(body(response)) == 6
