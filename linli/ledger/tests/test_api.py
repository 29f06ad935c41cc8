"""The M6 API over HTTP: wallet and history, group records and confirmation, corrections, the shop,
bonuses and rules, the trial balance, the check and the time-bank export; bad input answers a
stable code and moves nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.ledger.models import Entry
from linli.ledger.tests.factories import DAY, confirmed, points_rule, volunteer
from linli.records.models import ServiceRecord
from linli.shop.models import Redemption
from linli.shop.tests.factories import give_points, stocked_item


@pytest.fixture
def api(world):
    def _client(user):
        user = world.users[user] if isinstance(user, str) else user
        _token, raw = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _client


def post(client, path, body=None, method="post"):
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")


def test_a_unit_records_a_group_and_the_volunteer_sees_the_wallet(world, api):
    points_rule(world, per_hour=10)
    a, b = volunteer(world, "a"), volunteer(world, "b")
    unit = api("community_a")
    body = {"region": world.community_a.code, "volunteers": [a.pk, b.pk], "activity": "义诊", "date": DAY.isoformat(),
            "place": "社区卫生站", "content": "量血压", "minutes": 120, "person_in_charge": "王主任"}
    response = post(unit, "/api/records", body)
    assert response.status_code == 201 and [r["state"] for r in response.json()] == ["confirmed", "confirmed"]
    wallet = api(a.user).get("/api/me/wallet").json()
    assert wallet == {"hours_minutes": 120, "points": 20, "coins_minutes": 120, "stars": 0, "next_star_hours": 98}
    entries = api(a.user).get("/api/me/entries?ledger=points").json()
    assert [(e["kind"], e["amount"]) for e in entries] == [("issue", 20)]
    trial = unit.get("/api/ledger/trial-balance").json()
    assert {t["ledger"]: (t["entries"], t["balances"]) for t in trial} == {"hours": (0, 0), "points": (0, 0), "coins": (0, 0)}
    assert unit.get("/api/ledger/check").json() == []
    export = unit.get("/api/ledger/timebank-export").json()
    assert export["format"] == "linli-timebank/1" and export["total_minutes"] == 240


@pytest.mark.parametrize(("change", "status", "code", "field"), [
    ({"minutes": 0}, 422, "invalid_input", None),     # the schema's bounds (core/api_support.py)
    ({"minutes": -30}, 422, "invalid_input", None),
    ({"minutes": 2000}, 400, "minutes_too_long", "minutes"),
    ({"activity": " "}, 400, "required", "activity"),
    ({"volunteers": []}, 400, "volunteers_required", "volunteers"),
    ({"date": "2099-01-01"}, 400, "date_in_future", "date"),
])
def test_bad_group_records_are_refused_and_nothing_is_written(world, api, change, status, code, field):
    a = volunteer(world, "a")
    body = {"region": world.community_a.code, "volunteers": [a.pk], "activity": "义诊", "date": DAY.isoformat(),
            "place": "社区卫生站", "content": "量血压", "minutes": 120, "person_in_charge": "王主任", **change}
    response = post(api("community_a"), "/api/records", body)
    assert response.status_code == status
    assert (response.json()["code"], response.json().get("field")) == (code, field)
    assert ServiceRecord.objects.count() == 0 and Entry.objects.count() == 0


def test_a_correction_goes_from_the_volunteer_to_the_unit_and_back(world, api):
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    mine = api(vol.user)
    response = post(mine, f"/api/me/records/{record.pk}/corrections", {"minutes": 90, "reason": "少记了半小时"})
    assert response.status_code == 201
    unit = api("community_a")
    waiting = unit.get("/api/records/corrections").json()
    assert [(c["record_id"], c["minutes"]) for c in waiting] == [(record.pk, 90)]
    response = post(unit, f"/api/records/corrections/{waiting[0]['id']}/decide", {"accept": True})
    assert response.json()["state"] == "accepted"
    assert sorted(r["minutes"] for r in mine.get("/api/me/records").json()) == [-60, 60, 90]
    assert mine.get("/api/me/wallet").json()["hours_minutes"] == 90
    assert post(api("community_b"), f"/api/records/corrections/{waiting[0]['id']}/decide", {"accept": True}).status_code == 404


def test_the_shop_over_the_api(world, api):
    vol, item = volunteer(world, "li"), stocked_item(world, price=25, stock=2)
    give_points(world, vol, 60)
    mine = api(vol.user)
    assert [i["name"] for i in mine.get("/api/shop/items").json()] == ["大米 5kg"]
    response = post(mine, f"/api/shop/items/{item.pk}/redeem", {"quantity": 2})
    assert response.status_code == 201 and response.json()["points"] == 50
    response = post(mine, f"/api/shop/items/{item.pk}/redeem", {"quantity": 1})
    assert (response.status_code, response.json()["code"]) == (400, "out_of_stock")
    redemption = Redemption.objects.get()
    keeper = api("community_a")
    response = post(keeper, "/api/shop/pickup", {"region": world.community_a.code, "code": redemption.pickup_code})
    assert response.json()["state"] == "picked_up"
    assert keeper.get("/api/shop/report").json()[0]["points"] == 50
    assert post(mine, "/api/shop/pickup", {"region": world.community_a.code, "code": "1"}).status_code == 404


def test_bonus_and_rules_are_for_the_units_of_the_area(world, api):
    vol = volunteer(world, "li")
    response = post(api("community_a"), "/api/ledger/bonus", {"volunteer": vol.pk, "points": 30, "reason": "优秀志愿者"})
    assert response.status_code == 201
    assert post(api("community_b"), "/api/ledger/bonus", {"volunteer": vol.pk, "points": 30, "reason": "x"}).status_code == 404
    response = post(api("community_a"), "/api/ledger/bonus", {"volunteer": vol.pk, "points": 0, "reason": "x"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
    response = post(api("community_a"), "/api/ledger/rules", {"region": world.community_a.code, "name": "送餐加分",
                                                              "per_record": 5, "item": "0102", "valid_from": "2026-01-01"})
    assert response.status_code == 201 and response.json()["per_record"] == 5
    assert api(vol.user).get("/api/me/wallet").json()["points"] == 30
