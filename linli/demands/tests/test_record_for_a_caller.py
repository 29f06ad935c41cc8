"""The quick recording page serves a caller who is not in the register: name, mobile and address
with the need, and with the caller's consent a resident record, never a second one for the same
name and mobile."""

from __future__ import annotations

from django.urls import reverse

from linli.demands.models import Demand
from linli.people.models import Resident

NEED = {"item": "0102", "description": "电话：想每天中午送饭", "urgency": "2", "channel": "phone", "consent": "verbal"}


def test_the_record_page_offers_the_caller_form_when_nobody_is_found(world, login):
    client = login(world.users["grid_a1"])
    found = client.post(reverse("demands:resident_search"), {"q": "赵大妈"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<a href="#caller">为未在册的来电人登记</a>' in found.content.decode()
    page = client.get(reverse("demands:record"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<fieldset id="caller">' in page and 'name="caller_mobile"' in page


def test_a_caller_not_in_the_register_is_served_with_name_mobile_and_address(world, login):
    client = login(world.users["grid_a1"])
    response = client.post(reverse("demands:record"), {
        **NEED, "caller_name": "赵大妈", "caller_mobile": "137 0000 4321", "caller_address": "5幢302",
        "caller_region": world.grid_a1.code,
    })
    d = Demand.objects.get()
    assert response["Location"] == reverse("demands:detail", args=[d.pk])
    assert (d.resident, d.contact_name, d.contact_mobile, d.address, d.region, d.consent) == (
        None, "赵大妈", "13700004321", "5幢302", world.grid_a1, "verbal")
    assert d.mobile_tail == "4321"
    assert not d.is_public_area
    assert Resident.objects.filter(name="赵大妈").count() == 0


def test_with_consent_the_caller_becomes_a_resident_once(world, login):
    client = login(world.users["grid_a1"])
    caller = {"caller_name": "赵大妈", "caller_mobile": "13700004321", "caller_address": "5幢302",
              "caller_region": world.grid_a1.code, "register": "on", "gender": "F"}
    client.post(reverse("demands:record"), {**NEED, **caller})
    client.post(reverse("demands:record"), {**NEED, **caller, "item": "1001", "description": "家里需要打扫"})
    residents = list(Resident.objects.filter(name="赵大妈"))
    assert len(residents) == 1
    assert (residents[0].mobile, residents[0].region, residents[0].address_detail) == ("13700004321", world.grid_a1, "5幢302")
    assert list(Demand.objects.order_by("pk").values_list("resident", flat=True)) == [residents[0].pk] * 2


def test_a_registered_caller_typed_as_new_is_matched_by_name_and_mobile(world, login):
    client = login(world.users["grid_a1"])
    client.post(reverse("demands:record"), {
        **NEED, "caller_name": "张秀英", "caller_mobile": "13800001234", "caller_address": "3幢201",
        "caller_region": world.grid_a1.code, "register": "on", "gender": "F",
    })
    assert Resident.objects.filter(name="张秀英").count() == 1
    assert Demand.objects.get().resident == world.resident_a1


def test_registering_needs_a_gender_and_a_valid_mobile(world, login):
    client = login(world.users["grid_a1"])
    response = client.post(reverse("demands:record"), {
        **NEED, "caller_name": "赵大妈", "caller_mobile": "12345", "caller_address": "5幢302",
        "caller_region": world.grid_a1.code, "register": "on",
    })
    assert response.status_code == 200
    assert set(response.context["caller_form"].errors) == {"gender"}
    response = client.post(reverse("demands:record"), {
        **NEED, "caller_name": "赵大妈", "caller_mobile": "12345", "caller_address": "5幢302",
        "caller_region": world.grid_a1.code,
    })
    assert list(response.context["caller_form"].errors) == ["caller_mobile"]
    assert Demand.objects.count() == 0


def test_a_grid_outside_the_workers_area_is_refused(world, login):
    client = login(world.users["grid_a1"])
    response = client.post(reverse("demands:record"), {
        **NEED, "caller_name": "赵大妈", "caller_mobile": "13700004321", "caller_address": "5幢302",
        "caller_region": world.grid_a2.code,
    })
    assert list(response.context["caller_form"].errors) == ["caller_region"]
    assert Demand.objects.count() == 0
