"""Publication of a public-area demand's words (FixMyStreet-style moderation): a worker approves the
text that Open311 may show, the original stays as it was, and the approval can be withdrawn.

Only a demand marked as about a public place can be published, and a visitor without an account
on 我要服务 does not mark it so by leaving out an account.
"""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.test import Client
from django.utils import translation

from linli.accounts.services import api_token_create
from linli.catalog.models import ServiceItem
from linli.core.errors import DomainError
from linli.demands.models import Channel, Consent, Demand, DemandEvent
from linli.demands.services import (
    DemandInput,
    demand_publication_approve,
    demand_publication_withdraw,
    demand_submit,
    demand_transition,
)
from linli.demands.workflow import Actor


def public_area(world, description="3幢楼道灯坏了，联系我13700001111", address="3幢楼道") -> Demand:
    data = DemandInput(
        region=world.micro_a1, description=description, channel=Channel.PHONE, item=ServiceItem.objects.get(code="1103"),
        address=address, lat=Decimal("30.867123"), lon=Decimal("120.093456"), consent=Consent.PUBLIC_AREA,
        contact_name="王先生", contact_mobile="13700001111",
    )
    return demand_submit(user=world.users["community_a"], data=data).demand


def self_service(world) -> Demand:
    data = DemandInput(region=world.community_a, description="我家水管漏了，住3幢201，电话13900002222",
                       channel=Channel.SELF_SERVICE, item=ServiceItem.objects.get(code="1103"),
                       contact_mobile="13900002222")
    return demand_submit(user=None, data=data).demand


# --- what is public ---------------------------------------------------------------------------------


def test_a_demand_sent_through_self_service_without_an_account_is_not_about_a_public_place(world):
    d = self_service(world)
    assert d.resident is None
    assert d.consent == Consent.SELF


def test_a_demand_without_a_resident_recorded_by_staff_or_open311_stays_public_area(world):
    data = DemandInput(region=world.micro_a1, description="路灯坏了", channel=Channel.PHONE,
                       item=ServiceItem.objects.get(code="1103"))
    assert demand_submit(user=world.users["community_a"], data=data).demand.consent == Consent.PUBLIC_AREA
    data = DemandInput(region=world.community_a, description="路灯坏了", channel=Channel.OPEN311,
                       item=ServiceItem.objects.get(code="1103"))
    assert demand_submit(user=None, data=data).demand.consent == Consent.PUBLIC_AREA


def test_the_migration_takes_self_service_demands_out_of_the_public_area(world):
    anonymous = self_service(world)
    Demand.objects.filter(pk=anonymous.pk).update(consent=Consent.PUBLIC_AREA)  # as the old default stored it
    staff = public_area(world)
    migration = importlib.import_module("linli.demands.migrations.0003_self_service_demands_not_public_area")
    migration.self_service_is_not_public_area(global_apps, None)
    assert Demand.objects.get(pk=anonymous.pk).consent == Consent.SELF
    assert Demand.objects.get(pk=staff.pk).consent == Consent.PUBLIC_AREA


# --- the services -------------------------------------------------------------------------------------


def test_approving_publishes_the_moderated_text_and_keeps_the_original(world):
    d = public_area(world)
    version = d.version
    demand_publication_approve(demand=d, user=world.users["grid_a1"], description="3幢楼道灯坏了",
                               address=" 3幢 ")
    d.refresh_from_db()
    assert d.description == "3幢楼道灯坏了，联系我13700001111"  # the original is kept
    assert d.address == "3幢楼道"
    assert (d.published_description, d.published_address) == ("3幢楼道灯坏了", "3幢")
    assert d.published_by == world.users["grid_a1"]
    assert d.published_at is not None
    assert d.version == version + 1
    event = d.events.get(action="publish")
    assert (event.actor, event.actor_role, event.from_state, event.to_state) == (
        world.users["grid_a1"], Actor.GRID_WORKER, d.state, d.state)
    assert event.data == {"description_edited": True, "address_edited": True}
    assert event.note == ""
    with translation.override("en"):
        assert event.label == "Approved for publication"


def test_approving_without_an_edit_publishes_the_original_words(world):
    d = public_area(world, description="东门路灯坏了")
    demand_publication_approve(demand=d, user=world.users["community_a"])
    d.refresh_from_db()
    assert (d.published_description, d.published_address) == ("东门路灯坏了", "3幢楼道")
    assert d.events.get(action="publish").data == {"description_edited": False, "address_edited": False}


def test_withdrawing_unpublishes_and_is_in_the_history(world):
    d = public_area(world)
    demand_publication_approve(demand=d, user=world.users["community_a"])
    demand_publication_withdraw(demand=d, user=world.users["street"])
    d.refresh_from_db()
    assert (d.published_description, d.published_address, d.published_at, d.published_by) == ("", "", None, None)
    assert [e.action for e in d.events.order_by("id")][-2:] == ["publish", "unpublish"]
    event = d.events.get(action="unpublish")
    with translation.override("en"):
        assert (event.actor, event.actor_role, event.label) == (world.users["street"], Actor.STREET_OFFICER,
                                                               "Publication withdrawn")
    with pytest.raises(DomainError) as exc:
        demand_publication_withdraw(demand=d, user=world.users["street"])
    assert exc.value.code == "publication_not_published"


@pytest.mark.parametrize("persona", ["grid_a2", "community_b", "org_admin_a", "resident_a1", "volunteer_a",
                                     "outsider", "platform"])
def test_only_staff_who_may_act_on_the_demand_may_publish_it(world, persona):
    d = public_area(world)
    with pytest.raises(DomainError) as exc:
        demand_publication_approve(demand=d, user=world.users[persona])
    assert exc.value.code == "action_forbidden"
    assert not DemandEvent.objects.filter(action="publish").exists()
    assert Demand.objects.get(pk=d.pk).published_at is None


@pytest.mark.parametrize("persona", ["grid_a1", "community_a", "social_a", "street", "district"])
def test_staff_of_the_demands_area_may_publish_it(world, persona):
    d = public_area(world)
    demand_publication_approve(demand=d, user=world.users[persona])
    assert Demand.objects.get(pk=d.pk).published_at is not None


def test_a_demand_about_a_resident_or_not_marked_public_cannot_be_published(world):
    for d in [self_service(world)]:
        with pytest.raises(DomainError) as exc:
            demand_publication_approve(demand=d, user=world.users["community_a"])
        assert exc.value.code == "publication_not_public_area"
    data = DemandInput(region=world.resident_a1.region, description="想请人送饭", channel=Channel.PHONE,
                       item=ServiceItem.objects.get(code="0102"), resident=world.resident_a1,
                       consent=Consent.PUBLIC_AREA)
    d = demand_submit(user=world.users["community_a"], data=data).demand
    with pytest.raises(DomainError) as exc:
        demand_publication_approve(demand=d, user=world.users["community_a"])
    assert exc.value.code == "publication_not_public_area"


def test_a_demand_with_crisis_words_cannot_be_published(world):
    d = public_area(world, description="楼顶天台门没锁，有人说不想活了要跳楼")
    assert d.crisis
    with pytest.raises(DomainError) as exc:
        demand_publication_approve(demand=d, user=world.users["social_a"])
    assert exc.value.code == "publication_crisis"


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"description": "   "}, "description_required", "description"),
    ({"description": "灯" * 2001}, "description_too_long", "description"),
    ({"address": "路" * 201}, "address_too_long", "address"),
])
def test_the_published_text_is_checked(world, kwargs, code, field):
    d = public_area(world)
    with pytest.raises(DomainError) as exc:
        demand_publication_approve(demand=d, user=world.users["community_a"], **kwargs)
    assert (exc.value.code, exc.value.field) == (code, field)


# --- the staff page -----------------------------------------------------------------------------------


def test_the_staff_page_offers_publication_to_staff_who_may_act(world, login):
    d = public_area(world)
    page = login(world.users["grid_a1"]).get(f"/demands/{d.pk}/").content.decode()
    assert 'id="publication"' in page
    assert f'action="/demands/{d.pk}/publication/"' in page
    assert "未公开：Open311 只显示此需求的服务项目、状态和地点，不显示其文字。" in page


def test_the_staff_page_hides_publication_for_a_demand_that_cannot_be_published(world, login):
    d = self_service(world)
    page = login(world.users["community_a"]).get(f"/demands/{d.pk}/").content.decode()
    assert 'id="publication"' not in page


def test_a_worker_approves_and_withdraws_on_the_page(world, login):
    d = public_area(world)
    client = login(world.users["community_a"])
    response = client.post(f"/demands/{d.pk}/publication/", {"op": "approve", "description": "楼道灯坏了",
                                                              "address": "3幢"})
    assert response.status_code == 302
    assert response["Location"] == f"/demands/{d.pk}/"
    d.refresh_from_db()
    assert (d.published_description, d.published_address) == ("楼道灯坏了", "3幢")
    page = client.get(f"/demands/{d.pk}/").content.decode()
    assert "楼道灯坏了" in page
    assert client.post(f"/demands/{d.pk}/publication/", {"op": "withdraw"}).status_code == 302
    assert Demand.objects.get(pk=d.pk).published_at is None


def test_a_refused_approval_on_the_page_shows_the_error(world, login):
    d = public_area(world)
    response = login(world.users["community_a"]).post(f"/demands/{d.pk}/publication/",
                                                      {"op": "approve", "description": "灯" * 2001})
    assert response.status_code == 400
    assert Demand.objects.get(pk=d.pk).published_at is None


def test_someone_outside_the_area_cannot_publish_on_the_page(world, login):
    d = public_area(world)
    response = login(world.users["community_b"]).post(f"/demands/{d.pk}/publication/", {"op": "approve"})
    assert response.status_code == 404
    assert Demand.objects.get(pk=d.pk).published_at is None


# --- the API --------------------------------------------------------------------------------------------


def _api(world, persona) -> Client:
    _token, raw = api_token_create(user=world.users[persona], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def _put(client, pk, body):
    return client.put(f"/api/demands/{pk}/publication", data=json.dumps(body), content_type="application/json")


def test_the_api_approves_and_withdraws_publication(world):
    d = public_area(world)
    client = _api(world, "community_a")
    response = _put(client, d.pk, {"published": True, "description": "楼道灯坏了"})
    assert response.status_code == 200, response.content
    data = response.json()
    d.refresh_from_db()
    assert data == {"published": True, "description": "楼道灯坏了", "address": "3幢楼道",
                    "published_at": data["published_at"], "published_by": "community_a"}
    assert data["published_at"] is not None
    assert d.published_description == "楼道灯坏了"
    response = _put(client, d.pk, {"published": False})
    assert response.status_code == 200
    assert response.json() == {"published": False, "description": "", "address": "", "published_at": None,
                               "published_by": ""}
    assert Demand.objects.get(pk=d.pk).published_at is None


def test_the_api_refuses_publication_with_stable_codes(world):
    d = public_area(world)
    assert _put(_api(world, "community_b"), d.pk, {"published": True}).status_code == 404
    demand_transition(demand=d, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    response = _put(_api(world, "org_admin_a"), d.pk, {"published": True})  # sees it as its provider
    assert (response.status_code, response.json()["code"]) == (403, "action_forbidden")
    private = self_service(world)
    response = _put(_api(world, "community_a"), private.pk, {"published": True})
    assert (response.status_code, response.json()["code"]) == (400, "publication_not_public_area")
    assert not Demand.objects.filter(published_at__isnull=False).exists()
