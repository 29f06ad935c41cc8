"""Races closed in the database: retries with one idempotency key, two workers on one demand.

The threaded tests need a database that several connections share with row locks: PostgreSQL.
On SQLite (the embedded default, one writer at a time) they are skipped; the sequential tests
of the same rules run on both.
"""

from __future__ import annotations

import pytest
from django.db import connection

from linli.catalog.models import ServiceItem
from linli.core.errors import DomainError
from linli.demands.models import Channel, Demand
from linli.demands.services import DemandInput, demand_submit, demand_transition
from linli.demands.tests.factories import submit
from linli.testing import build_world, run_together

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads sharing row locks need PostgreSQL (runs in make test-postgres)",
)


def _input(world, text="想请人每天中午送一份饭"):
    return DemandInput(region=world.micro_a1, description=text, channel=Channel.PHONE,
                       item=ServiceItem.objects.get(code="0102"), resident=world.resident_a1)


def _run_together(n, work):
    results = [None] * n
    errors = run_together(n, work, results=results)
    return results, errors


def test_a_retry_with_the_same_key_returns_the_first_demand(world):
    user = world.users["community_a"]
    first = demand_submit(user=user, data=_input(world), idempotency_scope="user:1", idempotency_key="k-1")
    again = demand_submit(user=user, data=_input(world), idempotency_scope="user:1", idempotency_key="k-1")
    assert (first.created, again.created, again.demand.pk) == (True, False, first.demand.pk)
    assert Demand.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(world):
    user = world.users["community_a"]
    demand_submit(user=user, data=_input(world), idempotency_scope="user:1", idempotency_key="k-1")
    with pytest.raises(DomainError) as caught:
        demand_submit(user=user, data=_input(world, "另一件事：水管漏水"), idempotency_scope="user:1", idempotency_key="k-1")
    assert caught.value.code == "idempotency_key_reused"
    assert Demand.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_one_key_create_exactly_one_demand():
    world = build_world()
    user = world.users["community_a"]
    results, errors = _run_together(8, lambda i: demand_submit(
        user=user, data=_input(world), idempotency_scope=f"user:{user.pk}", idempotency_key="retry-after-timeout"))
    assert errors == [None] * 8
    assert len({r.demand.pk for r in results}) == 1
    assert sorted(r.created for r in results) == [False] * 7 + [True]
    assert Demand.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_closing_the_same_demand_one_wins_the_other_gets_a_conflict():
    world = build_world()
    demand = submit(world, item="1001", description="家里需要打扫")
    Demand.objects.filter(pk=demand.pk).update(state="resolved")
    copies = [Demand.objects.get(pk=demand.pk), Demand.objects.get(pk=demand.pk)]
    users = [world.users["community_a"], world.users["social_a"]]
    results, errors = _run_together(2, lambda i: demand_transition(
        demand=copies[i], user=users[i], action="close", reason="confirmed_by_phone"))
    codes = sorted(getattr(e, "code", repr(e)) if e else "ok" for e in errors)
    assert codes == ["conflict", "ok"]
    demand.refresh_from_db()
    assert (demand.state, demand.events.filter(action="close").count()) == ("closed", 1)
