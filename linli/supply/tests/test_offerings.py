"""Organisations' offerings: free is 0 fen, low-fee and paid cost more than 0; who may edit them."""

from __future__ import annotations

import pytest

from linli.catalog.models import ServiceItem
from linli.core.errors import DomainError
from linli.supply.models import ServiceOffering
from linli.supply.selectors import offering_list
from linli.supply.services import offering_save


@pytest.fixture
def item(db):
    return ServiceItem.objects.order_by("code").first()


def _save(world, item, user="org_admin_a", **fields):
    base = {"organisation": world.org_a, "item": item, "region": world.community_a, "capacity_per_week": 20}
    return offering_save(user=world.users[user], **{**base, **fields})


@pytest.mark.parametrize(("kind", "fen", "code"), [
    ("free", 100, "price_free_not_zero"),
    ("low_fee", 0, "price_required"),
    ("paid", 0, "price_required"),
    ("paid", -5, "price_invalid"),
    ("gift", 0, "price_kind_invalid"),
])
def test_price_must_match_its_kind(world, item, kind, fen, code):
    with pytest.raises(DomainError) as exc:
        _save(world, item, price_kind=kind, price_fen=fen)
    assert exc.value.code == code
    assert ServiceOffering.objects.count() == 0


@pytest.mark.parametrize(("kind", "fen"), [("free", 0), ("low_fee", 100), ("paid", 5000)])
def test_valid_prices_are_saved(world, item, kind, fen):
    offering = _save(world, item, price_kind=kind, price_fen=fen)
    assert (offering.price_kind, offering.price_fen) == (kind, fen)


def test_database_refuses_a_free_offering_with_a_price(world, item):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOffering.objects.create(organisation=world.org_a, item=item, region=world.community_a,
                                       capacity_per_week=1, price_kind="free", price_fen=1)


def test_saving_again_updates_the_same_offering(world, item):
    first = _save(world, item, capacity_per_week=10)
    second = _save(world, item, capacity_per_week=30, price_kind="low_fee", price_fen=100)
    assert first.pk == second.pk
    assert ServiceOffering.objects.get().capacity_per_week == 30


def test_capacity_must_be_positive(world, item):
    with pytest.raises(DomainError) as exc:
        _save(world, item, capacity_per_week=0)
    assert exc.value.code == "capacity_range"


def test_only_the_organisation_and_staff_editing_its_menu_may_save(world, item):
    with pytest.raises(DomainError) as exc:
        _save(world, item, user="grid_a1")
    assert exc.value.code == "action_forbidden"
    with pytest.raises(DomainError) as exc:
        _save(world, item, user="community_b")
    assert exc.value.code == "action_forbidden"
    assert _save(world, item, user="community_a").pk
    with pytest.raises(DomainError) as exc:
        _save(world, item, region=world.community_b)
    assert exc.value.code == "region_out_of_scope"


def test_offerings_are_listed_within_the_users_area(world, item):
    _save(world, item)
    assert [o.organisation.name for o in offering_list(user=world.users["org_admin_a"])] == ["西林寺邻里互助社"]
    assert [o.organisation.name for o in offering_list(user=world.users["street"])] == ["西林寺邻里互助社"]
    assert list(offering_list(user=world.users["community_b"])) == []
