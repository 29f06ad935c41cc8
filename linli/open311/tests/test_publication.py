"""What Open311 publishes: only demands marked as about a public place, and their words only once a
worker approved them (the approved text, never the original)."""

from __future__ import annotations

from linli.catalog.models import ServiceItem
from linli.demands.models import Channel, Demand
from linli.demands.services import (
    DemandInput,
    demand_publication_approve,
    demand_publication_withdraw,
    demand_submit,
    demand_transition,
)
from linli.open311.tests.conftest import body, public_demand
from linli.open311.tests.test_privacy import _everything


def _self_service(world) -> Demand:
    """我要服务 without an account: the sender's own need, typed with their address and mobile."""
    data = DemandInput(region=world.community_a, description="我家水管漏了，住3幢201，电话13900002222",
                       channel=Channel.SELF_SERVICE, item=ServiceItem.objects.get(code="1103"),
                       address="凤凰路3幢201", contact_name="李四", contact_mobile="13900002222")
    return demand_submit(user=None, data=data).demand


def test_a_self_service_demand_without_an_account_is_not_published(keys, world, o311):
    d = _self_service(world)
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert row["service_request_id"] == d.tracking_number
    assert (row["description"], row["address"], row["address_id"], row["lat"], row["long"]) == (
        None, "西林寺社区", "330502001001", None, None)
    for content in _everything(o311, keys.community_a, d):
        text = content.decode("utf-8")
        for secret in ["水管", "3幢201", "凤凰路", "13900002222", "李四"]:
            assert secret not in text, (secret, text)


def test_a_public_area_demand_shows_its_place_but_not_its_words_until_approved(keys, world, o311):
    d = public_demand(world, description="3幢楼道灯坏了，我是王先生13700001111", published=False)
    demand_transition(demand=d, user=world.users["community_a"], action="reject", reason="out_of_scope",
                      note="已转王先生的物业处理")
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert (row["description"], row["address"], row["address_id"], row["lat"], row["long"]) == (
        None, "第一微网格", "330502001001-G01-M1", 30.867123, 120.093456)
    assert row["status_notes"] == "Rejected: Not a community service"
    for content in _everything(o311, keys.community_a, d):
        text = content.decode("utf-8")
        for secret in ["灯坏了", "3幢楼道", "13700001111", "王先生", "物业"]:
            assert secret not in text, (secret, text)


def test_only_the_approved_text_is_published(keys, world, o311):
    d = public_demand(world, description="3幢楼道灯坏了，我是王先生13700001111", published=False)
    demand_publication_approve(demand=d, user=world.users["grid_a1"], description="3幢楼道灯坏了", address="3幢")
    row = body(o311.get(f"requests/{d.tracking_number}.json", api_key=keys.community_a))[0]
    assert (row["description"], row["address"]) == ("3幢楼道灯坏了", "3幢")
    for content in _everything(o311, keys.community_a, d):
        text = content.decode("utf-8")
        assert "13700001111" not in text
        assert "王先生" not in text
    assert Demand.objects.get(pk=d.pk).description == "3幢楼道灯坏了，我是王先生13700001111"


def test_the_closing_note_of_an_approved_demand_is_shown(keys, world, o311):
    d = public_demand(world)
    demand_transition(demand=d, user=world.users["community_a"], action="reject", reason="out_of_scope",
                      note="路灯归市政管理，已转告")
    assert body(o311.get("requests.json", api_key=keys.community_a))[0]["status_notes"] == "路灯归市政管理，已转告"


def test_withdrawing_the_approval_hides_the_words_again(keys, world, o311):
    d = public_demand(world)
    assert body(o311.get("requests.json", api_key=keys.community_a))[0]["description"] == "楼道灯坏了，晚上很黑"
    demand_publication_withdraw(demand=d, user=world.users["community_a"])
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert (row["description"], row["address"]) == (None, "第一微网格")
    for content in _everything(o311, keys.community_a, d):
        assert "楼道灯" not in content.decode("utf-8")


def test_a_request_posted_through_open311_waits_for_approval_too(keys, world, o311):
    o311.post("requests.json", {"api_key": keys.community_a, "service_code": "1103", "lat": "30.1", "long": "120.1",
                                "description": "东门路灯坏了，我家电话13912345678"})
    d = Demand.objects.get()
    row = body(o311.get(f"requests/{d.tracking_number}.json", api_key=keys.community_a))[0]
    assert (row["description"], row["lat"], row["long"]) == (None, 30.1, 120.1)
    demand_publication_approve(demand=d, user=world.users["community_a"], description="东门路灯坏了")
    row = body(o311.get(f"requests/{d.tracking_number}.json", api_key=keys.community_a))[0]
    assert row["description"] == "东门路灯坏了"
