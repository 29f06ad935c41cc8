"""/api/demands over HTTP: submission with an Idempotency-Key, bad input, scoping, moves, the queue."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.demands.models import Demand
from linli.demands.tests.factories import submit


@pytest.fixture
def api(world):
    """``api(persona)`` → a client authenticated with a bearer token of that persona."""

    def _client(persona):
        _token, raw = api_token_create(user=world.users[persona], name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _client


def post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


GOOD = {"region": "330502001001-G01-M1", "item": "0102", "description": "张阿姨腿脚不便，想每天中午有人送饭"}


def test_a_grid_worker_records_a_demand_for_a_resident(world, api):
    body = {**GOOD, "resident": world.resident_a1.pk, "channel": "phone"}
    response = post(api("grid_a1"), "/api/demands", body, HTTP_IDEMPOTENCY_KEY="call-0001")
    assert response.status_code == 201
    data = response.json()
    assert (data["state"], data["item"], data["channel"], data["consent"], data["resident_name"]) == (
        "submitted", {"code": "0102", "name": "老年助餐"}, "phone", "verbal", "张秀英")
    assert data["contact_mobile_masked"] == "138****1234"
    assert data["urgency"] == 2 and data["possible_duplicates"] == []
    assert len(data["tracking_number"]) == 8


def test_the_same_idempotency_key_returns_the_first_demand_with_200(world, api):
    client = api("grid_a1")
    first = post(client, "/api/demands", GOOD, HTTP_IDEMPOTENCY_KEY="net-retry-7")
    again = post(client, "/api/demands", GOOD, HTTP_IDEMPOTENCY_KEY="net-retry-7")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Demand.objects.count() == 1
    other = post(client, "/api/demands", {**GOOD, "description": "别的事"}, HTTP_IDEMPOTENCY_KEY="net-retry-7")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_keys_of_different_callers_do_not_collide(world, api):
    a = post(api("grid_a1"), "/api/demands", GOOD, HTTP_IDEMPOTENCY_KEY="k")
    b = post(api("community_a"), "/api/demands", GOOD, HTTP_IDEMPOTENCY_KEY="k")
    assert (a.status_code, b.status_code) == (201, 201)
    assert Demand.objects.count() == 2


@pytest.mark.parametrize(("change", "status", "code", "field"), [
    ({"item": "7777"}, 400, "item_unknown", "item"),
    ({"region": "330502001201-G01"}, 400, "region_unknown", "region"),   # another community
    ({"region": "no-such-code"}, 400, "region_unknown", "region"),
    ({"region": "330502001"}, 400, "region_unknown", "region"),          # the street: above the grid worker
    ({"description": "   "}, 400, "description_required", "description"),
    ({"description": "长" * 2001}, 400, "description_too_long", "description"),
    ({"channel": "carrier_pigeon"}, 400, "channel_invalid", "channel"),
    ({"urgency": 9}, 400, "urgency_invalid", "urgency"),
    ({"contact_mobile": "12345"}, 400, "mobile_format", "contact_mobile"),
    ({"lat": 123}, 422, "invalid_input", None),
])
def test_bad_input_gets_a_stable_code_and_stores_nothing(world, api, change, status, code, field):
    response = post(api("grid_a1"), "/api/demands", {**GOOD, **change}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (response.status_code, response.json()["code"], response.json().get("field")) == (status, code, field)
    assert response.json()["message"]
    assert Demand.objects.count() == 0


def test_a_street_is_too_high_for_a_demand(world, api):
    response = post(api("street"), "/api/demands", {**GOOD, "region": "330502001"})
    assert (response.status_code, response.json()["code"]) == (400, "region_too_high")


def test_a_ten_megabyte_description_is_refused_and_nothing_is_stored(world, api):
    response = post(api("grid_a1"), "/api/demands", {**GOOD, "description": "x" * (10 * 1024 * 1024)})
    assert (response.status_code, response.json()["code"]) == (400, "description_too_long")
    assert Demand.objects.count() == 0


def test_messages_follow_accept_language(world, api):
    zh = post(api("grid_a1"), "/api/demands", {**GOOD, "item": "7777"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    en = post(api("grid_a1"), "/api/demands", {**GOOD, "item": "7777"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["message"] == "Unknown or withdrawn service item"
    assert zh["message"] != en["message"]


def test_a_grid_worker_gets_404_for_a_demand_of_another_grid(world, api):
    d = submit(world, resident="a2", item="1002", description="水管漏水", user=world.users["community_a"])
    assert api("grid_a1").get(f"/api/demands/{d.pk}").status_code == 404
    assert api("grid_a2").get(f"/api/demands/{d.pk}").status_code == 200
    assert api("community_b").get(f"/api/demands/{d.pk}").status_code == 404
    assert api("platform").get(f"/api/demands/{d.pk}").status_code == 404
    assert [x["id"] for x in api("grid_a1").get("/api/demands").json()["items"]] == []


def test_a_move_that_lost_the_race_answers_409(world, api):
    d = submit(world, item="1001", description="需要打扫")
    client = api("community_a")
    ok = post(client, f"/api/demands/{d.pk}/transitions", {"action": "triage", "version": d.version})
    late = post(client, f"/api/demands/{d.pk}/transitions",
                {"action": "reject", "reason": "out_of_scope", "note": "x", "version": d.version})
    assert (ok.status_code, ok.json()["state"]) == (200, "triaged")
    assert (late.status_code, late.json()["code"]) == (409, "conflict")


def test_a_forbidden_move_answers_403_and_a_wrong_state_409(world, api):
    d = submit(world, item="1001", description="需要打扫")
    r = post(api("grid_a1"), f"/api/demands/{d.pk}/transitions", {"action": "reject", "reason": "out_of_scope", "note": "x"})
    assert (r.status_code, r.json()["code"]) == (403, "action_forbidden")
    r = post(api("community_a"), f"/api/demands/{d.pk}/transitions", {"action": "close", "reason": "no_response"})
    assert (r.status_code, r.json()["code"]) == (409, "state_conflict")


def test_the_queue_pages_by_keyset_newest_first(world, api):
    ids = [submit(world, item="1001", description=f"第{i}件事").pk for i in range(5)]
    client = api("community_a")
    first = client.get("/api/demands", {"limit": 2}).json()
    assert [x["id"] for x in first["items"]] == ids[::-1][:2]
    second = client.get("/api/demands", {"limit": 2, "before": first["next_before"]}).json()
    assert [x["id"] for x in second["items"]] == ids[::-1][2:4]
    last = client.get("/api/demands", {"limit": 2, "before": second["next_before"]}).json()
    assert ([x["id"] for x in last["items"]], last["next_before"]) == ([ids[0]], None)


def test_the_queue_takes_a_fixed_number_of_queries(world, api, django_assert_num_queries):
    for i in range(6):
        submit(world, item="1001", description=f"第{i}件事")
    client = api("community_a")
    client.get("/api/demands")  # warm the token's last-used stamp
    # token + user, memberships (scope), demands with their joins
    with django_assert_num_queries(3):
        assert len(client.get("/api/demands").json()["items"]) == 6


def test_bulk_moves_report_each_demand(world, api):
    mine = [submit(world, item="1001", description=f"第{i}件事").pk for i in range(2)]
    other = submit(world, resident="b1", item="1001", description="别村的事", user=world.users["community_b"]).pk
    r = post(api("community_a"), "/api/demands/bulk-transitions", {"ids": [*mine, other], "action": "triage"})
    assert [(x["id"], x["ok"], x["code"]) for x in r.json()] == [(mine[0], True, ""), (mine[1], True, ""), (other, False, "not_found")]


def test_the_resident_rates_a_resolved_demand(world, api):
    d = submit(world, item="1001", description="需要打扫")
    Demand.objects.filter(pk=d.pk).update(state="resolved")
    client = api("resident_a1")
    assert post(client, f"/api/demands/{d.pk}/rating", {"rating": 6}).json()["code"] == "rating_invalid"
    r = post(client, f"/api/demands/{d.pk}/rating", {"rating": 5, "comment": "很及时"})
    assert (r.status_code, r.json()["rating"]) == (200, 5)
    assert post(api("community_a"), f"/api/demands/{d.pk}/rating", {"rating": 1}).status_code == 403


def test_triage_suggests_an_item_and_finds_crisis_words(world, api):
    client = api("grid_a1")
    assert client.get("/api/triage", {"text": "楼道灯坏了"}).status_code == 405  # never in a URL
    r = post(client, "/api/triage", {"text": "楼道灯坏了。他说活着没意思"}).json()
    assert r["suggestions"][0]["item"]["code"] == "1103"
    assert (r["urgency"], r["crisis_phrases"]) == (4, ["活着没意思"])


def test_an_item_of_a_withdrawn_category_is_refused_like_on_the_pages(world, api):
    from linli.catalog.models import ServiceCategory

    ServiceCategory.objects.filter(items__code="0102").update(active=False)
    response = post(api("grid_a1"), "/api/demands", GOOD)
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (400, "item_unknown", "item")
    assert Demand.objects.count() == 0
