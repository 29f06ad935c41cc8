"""Who may credit whom: nobody records service hours for themselves, and a recorder credits only
volunteers living inside their own area (not another community of the same street)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from linli.accounts.services import api_token_create
from linli.core.errors import DomainError
from linli.ledger.models import Entry
from linli.ledger.services import ledger_check
from linli.ledger.tests.factories import DAY, volunteer
from linli.records.models import RecordState, ServiceRecord
from linli.records.services import record_confirm, record_create
from linli.supply.tests.factories import make_volunteer


def _create(world, user, volunteers, region=None, confirm=True):
    return record_create(user=world.users[user], volunteers=volunteers, region=region or world.community_a,
                         activity="义诊", date=DAY, place="社区卫生站", content="量血压", minutes=120,
                         person_in_charge="王主任", confirm=confirm)


def _api_post(world, user, body):
    _token, raw = api_token_create(user=world.users[user], name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.post("/api/records", data=json.dumps(body), content_type="application/json")


def _body(world, volunteers):
    return {"region": world.community_a.code, "volunteers": [v.pk for v in volunteers], "activity": "义诊",
            "date": DAY.isoformat(), "place": "社区卫生站", "content": "量血压", "minutes": 120,
            "person_in_charge": "王主任"}


def test_a_worker_cannot_record_hours_for_themselves(world):
    me = make_volunteer(region=world.grid_a1, user=world.users["community_a"], name="社区干部")
    other = volunteer(world, "a")
    with pytest.raises(DomainError) as exc:
        _create(world, "community_a", [other, me])
    assert (exc.value.code, exc.value.field) == ("recorder_is_volunteer", "volunteers")
    with translation.override("en"):
        assert str(exc.value.message) == "You cannot record service hours for yourself; ask a colleague"
    with translation.override("zh-hans"):
        assert str(exc.value.message) == "不能为自己记录服务时长，请由同事记录"
    assert ServiceRecord.objects.count() == 0 and Entry.objects.count() == 0


def test_a_colleague_may_record_the_workers_hours(world):
    me = make_volunteer(region=world.grid_a1, user=world.users["community_a"], name="社区干部")
    [record] = _create(world, "grid_a1", [me], region=world.grid_a1)
    assert record.state == RecordState.CONFIRMED
    assert ledger_check() == []


def test_a_worker_cannot_confirm_a_pending_record_of_their_own(world):
    me = make_volunteer(region=world.grid_a1, user=world.users["grid_a1"], name="网格员")
    [pending] = _create(world, "community_a", [me], region=world.grid_a1, confirm=False)
    with pytest.raises(DomainError) as exc:
        record_confirm(user=world.users["grid_a1"], record=pending)
    assert exc.value.code == "recorder_is_volunteer"
    pending.refresh_from_db()
    assert pending.state == RecordState.PENDING and Entry.objects.count() == 0


def test_a_recorder_cannot_credit_a_volunteer_of_another_community_of_the_street(world):
    inside, outside = volunteer(world, "a"), volunteer(world, "b", region=world.grid_b1)
    with pytest.raises(DomainError) as exc:
        _create(world, "community_a", [inside, outside])
    assert (exc.value.code, exc.value.field) == ("outside_region", "volunteers")
    assert ServiceRecord.objects.count() == 0 and Entry.objects.count() == 0


def test_a_grid_worker_cannot_credit_a_volunteer_of_the_neighbouring_grid(world):
    neighbour = volunteer(world, "a2", region=world.grid_a2)
    with pytest.raises(DomainError) as exc:
        _create(world, "grid_a1", [neighbour], region=world.grid_a1)
    assert exc.value.code == "outside_region"


def test_the_api_refuses_self_recording_with_a_stable_code(world):
    me = make_volunteer(region=world.grid_a1, user=world.users["community_a"], name="社区干部")
    response = _api_post(world, "community_a", _body(world, [me]))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("recorder_is_volunteer", "volunteers")
    assert ServiceRecord.objects.count() == 0


def test_the_api_refuses_a_volunteer_outside_the_recorders_area(world):
    outside = volunteer(world, "b", region=world.grid_b1)
    response = _api_post(world, "community_a", _body(world, [outside]))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("outside_region", "volunteers")
    assert ServiceRecord.objects.count() == 0 and ledger_check() == []
