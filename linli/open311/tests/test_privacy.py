"""What never leaves through GET requests: a resident's words, address, place and notes, and anyone's
contact details."""

from __future__ import annotations

from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.open311.tests.conftest import body, public_demand, resident_demand


def _everything(o311, key: str, demand: Demand) -> list[bytes]:
    """Every way a key can read the demand, in both formats."""
    out = []
    for fmt in ("json", "xml"):
        for path, params in [
            (f"requests.{fmt}", {}),
            (f"requests.{fmt}", {"service_request_id": demand.tracking_number}),
            (f"requests/{demand.tracking_number}.{fmt}", {}),
            (f"tokens/{demand.tracking_number}.{fmt}", {}),
        ]:
            for lang in ("en", None):
                response = o311.get(path, lang=lang, api_key=key, **params)
                assert response.status_code == 200
                out.append(response.content)
    return out


def test_a_demand_about_a_resident_never_leaks_its_description_or_address(keys, world, o311):
    d = resident_demand(world)
    demand_transition(demand=d, user=world.users["community_a"], action="reject", reason="out_of_scope",
                      note="张秀英的女儿已经安排了送饭")
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert row["description"] is None
    assert row["address"] == "西林寺社区"
    assert row["address_id"] == "330502001001"
    assert (row["lat"], row["long"]) == (None, None)
    assert row["status"] == "closed"
    assert row["status_notes"] == "Rejected: Not a community service"
    for content in _everything(o311, keys.community_a, d):
        text = content.decode("utf-8")
        for secret in ["送一份饭", "3幢201", "张秀英", "13800001234", "138****1234", "30.867999", "120.093999",
                       "第一微网格", "330502001001-G01-M1", "女儿"]:
            assert secret not in text, (secret, text)


def test_a_public_area_demand_never_leaks_its_contact(keys, world, o311):
    d = public_demand(world)
    for content in _everything(o311, keys.community_a, d):
        text = content.decode("utf-8")
        assert "王先生" not in text
        assert "13700001111" not in text
        assert "137****1111" not in text


def test_a_contact_sent_through_open311_is_stored_but_never_read_back(keys, world, o311):
    o311.post("requests.json", {"api_key": keys.community_a, "service_code": "1103", "address_string": "东门",
                                "description": "路灯坏了", "first_name": "建国", "last_name": "李",
                                "phone": "13912345678"})
    d = Demand.objects.get()
    assert (d.contact_name, d.contact_mobile) == ("李建国", "13912345678")
    for content in _everything(o311, keys.community_a, d):
        text = content.decode("utf-8")
        assert "李建国" not in text
        assert "13912345678" not in text


def test_a_public_area_demand_with_crisis_words_is_shown_without_its_words(keys, world, o311):
    d = public_demand(world, description="楼顶天台门没锁，有人说不想活了要跳楼", published=False)
    assert d.crisis
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert row["description"] is None
    assert row["address"] == "西林寺社区"
    assert (row["lat"], row["long"]) == (None, None)
    for content in _everything(o311, keys.community_a, d):
        assert "不想活" not in content.decode("utf-8")


def test_staff_notes_on_an_open_demand_are_never_shown(keys, world, o311):
    from linli.demands.services import demand_note

    d = public_demand(world)
    demand_note(demand=d, user=world.users["community_a"], note="联系人王先生说晚上才在家")
    row = body(o311.get("requests.json", api_key=keys.community_a))[0]
    assert row["status_notes"] is None
    for content in _everything(o311, keys.community_a, d):
        assert "晚上才在家" not in content.decode("utf-8")
