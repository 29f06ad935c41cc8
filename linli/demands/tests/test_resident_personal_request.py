"""我要服务 from a visitor: a public place keeps no personal data; a personal request keeps who and
where, lands in the grid of the address, is linked to the registered resident only when name and
mobile agree, and otherwise waits for the worker's confirmation; its mobile is revealed with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.demands.models import Demand
from linli.demands.tests.factories import sms_code
from linli.privacy.models import AccessLog
from linli.regions.models import Level
from linli.regions.services import region_create


@pytest.fixture(autouse=True)
def _no_limits(settings):
    settings.RATE_LIMITS = {}


def _post(client, world, **fields):
    data = {"item": "0102", "description": "想请人每天中午送饭", "community": world.community_a.code,
            "contact_name": "赵阿姨", "contact_mobile": "13712345678", "address": ""}
    data.update(fields)
    return client.post(reverse("demands:serve"), data)


def test_a_request_about_a_public_place_keeps_no_personal_data_but_can_be_followed(world, client):
    response = _post(client, world, item="1103", description="3幢门口路灯坏了", public_area="on")
    d = Demand.objects.get()
    assert (d.consent, d.resident, d.contact_name, d.contact_mobile) == ("public_area", None, "", "")
    assert response["Location"] == reverse("demands:track_detail", args=[d.tracking_number])
    stranger = client.__class__()
    found = stranger.post(reverse("demands:track"), {"tracking_number": d.tracking_number, "mobile": "13712345678"})
    assert found["Location"] == reverse("demands:track_mobile")
    opened = stranger.post(reverse("demands:track_mobile"), {"do": "check", "code": sms_code("137****5678")})
    assert opened["Location"] == reverse("demands:track_detail", args=[d.tracking_number])


def test_a_personal_request_keeps_name_mobile_and_address_and_goes_to_the_grid_of_the_building(world, client, login):
    building = region_create(parent=world.micro_a1, level=Level.BUILDING, name="5幢", code="330502001001-G01-M1-B05")
    _post(client, world, address="西林寺小区5幢3单元402")
    d = Demand.objects.get()
    assert (d.consent, d.contact_name, d.contact_mobile, d.address) == ("self", "赵阿姨", "13712345678", "西林寺小区5幢3单元402")
    assert (d.region, d.resident) == (building, None)
    in_grid = login(world.users["grid_a1"]).get(reverse("demands:queue"))
    other_grid = login(world.users["grid_a2"]).get(reverse("demands:queue"))
    assert d.tracking_display in in_grid.content.decode()
    assert d.tracking_display not in other_grid.content.decode()


def test_an_address_naming_no_building_stays_with_the_community(world, client):
    _post(client, world, address="不知道几号楼")
    assert Demand.objects.get().region == world.community_a


def test_name_and_mobile_agreeing_link_the_registered_resident_and_place_it_in_their_grid(world, client):
    _post(client, world, contact_name="李建国", contact_mobile="13900005678")
    d = Demand.objects.get()
    assert (d.resident, d.region) == (world.resident_a2, world.grid_a2)


def test_a_mobile_alone_is_a_suggestion_the_worker_confirms_never_a_silent_merge(world, client, login):
    _post(client, world, contact_name="李师傅", contact_mobile="13900005678")
    d = Demand.objects.get()
    assert d.resident is None
    worker = login(world.users["community_a"])
    page = worker.get(reverse("demands:detail", args=[d.pk])).content.decode()
    assert f'data-candidate="{world.resident_a2.pk}"' in page
    worker.post(reverse("demands:contact_link", args=[d.pk]), {"resident": world.resident_a2.pk})
    d.refresh_from_db()
    assert (d.resident, d.region) == (world.resident_a2, world.grid_a2)
    assert d.events.filter(action="link_resident").count() == 1


def test_a_resident_outside_the_request_cannot_be_linked(world, client, login):
    _post(client, world, contact_name="李师傅", contact_mobile="13900005678")
    d = Demand.objects.get()
    login(world.users["community_a"]).post(reverse("demands:contact_link", args=[d.pk]), {"resident": world.resident_a1.pk})
    d.refresh_from_db()
    assert d.resident is None


def test_the_contact_mobile_is_revealed_with_a_reason_and_logged(world, client, login):
    _post(client, world)
    d = Demand.objects.get()
    worker = login(world.users["community_a"])
    assert "13712345678" not in worker.get(reverse("demands:detail", args=[d.pk])).content.decode()
    refused = worker.post(reverse("demands:contact_reveal", args=[d.pk]), {"reason": ""})
    assert refused.status_code == 302 and AccessLog.objects.count() == 0
    shown = worker.post(reverse("demands:contact_reveal", args=[d.pk]), {"reason": "contact"})
    assert 'href="tel:13712345678"' in shown.content.decode()
    log = AccessLog.objects.get()
    assert (log.actor, log.field, log.reason, log.detail) == (
        world.users["community_a"], "demand.contact_mobile", "contact", f"demand {d.tracking_number}")
