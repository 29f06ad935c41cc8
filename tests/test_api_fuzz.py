"""Property-based tests of the whole JSON API with schemathesis, in-process (no server).

The document is loaded from the app itself (``/api/openapi.json``) and every operation is called
with cases generated from it, as a worker (bearer token of a community worker), as a volunteer
(their own groups) and without credentials; a share of the cases use the ids of objects that exist,
so they get past the 404. Each response must not be a 5xx, must have a status the operation documents and a
body matching the documented schema. Generation is derandomized (a fixed seed: the same cases on
every run) and bounded, so the module runs in about a minute.

Generation mode: valid data (positive) and data that breaks the schema (negative: wrong types,
out-of-range numbers, malformed ids), since a 500 hides best in what the schema refuses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from linli.accounts.services import api_token_create
from linli.demands.tests.factories import submit
from linli.dispatch.services import plan_create, task_create_for_demand
from linli.ledger.tests.factories import confirmed, volunteer
from linli.records.services import correction_request
from linli.shop.services import redeem
from linli.shop.tests.factories import give_points, stocked_item
from linli.supply.tests.factories import make_volunteer
from linli.wsgi import application

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
#: Cases per operation: as a worker, and without credentials (every answer is then a 401).
WORKER_EXAMPLES = 25
ANONYMOUS_EXAMPLES = 3
#: Cases per operation as a volunteer, over the groups a volunteer uses.
VOLUNTEER_EXAMPLES = 10
VOLUNTEER_TAGS = ["supply", "dispatch", "ledgers", "service records", "shop"]
#: Failures reported per operation (the first ones found).
FAILURES_SHOWN = 3
TAGS = ["accounts", "regions", "people", "supply", "catalog", "demands", "dispatch", "ledgers", "service records",
        "shop", "notifications"]


@contextlib.contextmanager
def connections_kept():
    """Like Django's test client: a request does not close the test's connection (and with it
    the transaction the test runs in)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connections_kept():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def in_process(db):
    with connections_kept():
        yield


def operations(schema, tag: str | None = None):
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if tag is None or tag in (op.tags or [])]


def _strategy(operation, known: dict | None = None):
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    existing = known_path_parameters(operation, known or {})
    if existing:
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=existing))
    return st.one_of(*strategies)


def fuzz(operation, *, headers: dict, examples: int, known: dict | None = None) -> list[str]:
    """Run ``examples`` cases of ``operation``; the failures, one line each (empty when all pass)."""
    failures: list[str] = []

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation, known))
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all, assert once
            parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
            what = "; ".join(" / ".join(str(p).strip().splitlines()[:3]) or type(p).__name__ for p in parts)
            if len(failures) < FAILURES_SHOWN:
                failures.append(f"{operation.method.upper()} {operation.path}: {what}\n    {case.as_curl_command()}")

    run()
    return failures


@pytest.fixture
def street(world, in_process):
    """A community worker's token, on a street with a little of everything, and the ids of those
    things: generated ids seldom exist, so a share of the cases use these to get past the 404."""
    user = world.users["community_a"]
    demand = submit(world)
    submit(world, resident="a2", user=user)
    vol = volunteer(world, "fuzz_volunteer")
    record = confirmed(world, vol, minutes=60, day=timezone.localdate() - dt.timedelta(days=7))
    correction = correction_request(user=vol.user, record=record, minutes=90, reason="少记了半小时")
    start = timezone.now() + dt.timedelta(days=1)
    task = task_create_for_demand(user=user, demand=demand, start=start, end=start + dt.timedelta(hours=1),
                                  lat=Decimal("30.87"), lon=Decimal("120.09"))
    plan = plan_create(user=user, region=world.community_a, item_code="0101", rule="weekly", weekday=0,
                       start_time=dt.time(9), end_time=dt.time(10), target_tag_code="elderly-living-alone")
    _token, raw = api_token_create(user=user, name="fuzz")
    known = {
        "demand_id": demand.pk, "resident_id": world.resident_a1.pk, "record_id": record.pk,
        "correction_id": correction.pk, "item_id": stocked_item(world).pk, "volunteer_id": vol.pk,
        "organisation_id": world.org_a.pk, "task_id": task.pk, "plan_id": plan.pk,
        "community_code": world.community_a.code,
    }
    return {"Authorization": f"Bearer {raw}"}, known


@pytest.fixture
def volunteer_street(world, in_process):
    """A volunteer's token: registered with service times, points, a confirmed record, a redemption
    waiting for pickup in the community's shop."""
    vol = make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"], name="陈志远",
                         weekly=[(d, dt.time(8), dt.time(18)) for d in range(7)])
    record = confirmed(world, vol, minutes=60, day=timezone.localdate() - dt.timedelta(days=7))
    give_points(world, vol, 200)
    item = stocked_item(world, price=20, stock=5)
    redemption = redeem(user=vol.user, item=item, quantity=1)
    _token, raw = api_token_create(user=vol.user, name="fuzz")
    known = {"record_id": record.pk, "item_id": item.pk, "redemption_id": redemption.pk, "volunteer_id": vol.pk,
             "community_code": world.community_a.code}
    return {"Authorization": f"Bearer {raw}"}, known


def known_path_parameters(operation, known: dict) -> dict | None:
    """Existing values for every path parameter of ``operation``, or None when one is unknown."""
    values = {**known, "code": "0102" if operation.path.startswith("/api/catalog/") else "330502001001"}
    names = [p.name for p in operation.path_parameters]
    return {n: values[n] for n in names} if names and all(n in values for n in names) else None


def test_every_operation_is_tagged_with_a_group_fuzzed_below(schema):
    assert [op.label for op in operations(schema) if not set(op.tags or []) & set(TAGS)] == []


@pytest.mark.parametrize("tag", TAGS)
def test_the_api_keeps_its_contract_for_a_worker(schema, street, tag):
    headers, known = street
    failures = [f for op in operations(schema, tag)
                for f in fuzz(op, headers=headers, examples=WORKER_EXAMPLES, known=known)]
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("tag", VOLUNTEER_TAGS)
def test_the_api_keeps_its_contract_for_a_volunteer(schema, volunteer_street, tag):
    headers, known = volunteer_street
    failures = [f for op in operations(schema, tag)
                for f in fuzz(op, headers=headers, examples=VOLUNTEER_EXAMPLES, known=known)]
    assert failures == [], "\n".join(failures)


def test_the_api_keeps_its_contract_without_credentials(schema, in_process):
    failures = [f for op in operations(schema) for f in fuzz(op, headers={}, examples=ANONYMOUS_EXAMPLES)]
    assert failures == [], "\n".join(failures)


def test_the_fuzzing_finds_a_server_error(schema, street, monkeypatch):
    """The harness can fail: an endpoint that breaks is reported with a reproducible request."""
    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("linli.accounts.api.scope_for", broken)
    (me,) = [op for op in operations(schema, "accounts") if op.path == "/api/me"]
    failures = fuzz(me, headers=street[0], examples=1)
    assert len(failures) == 1
    assert failures[0].startswith("GET /api/me: ")
    assert "Server error" in failures[0] and "curl -X GET http://localhost/api/me" in failures[0]
