"""A deadlock or a lost connection in the middle of a submission or a move is retried: the demand
ends whole (one demand, one event per move, its messages once), never half-written, never a 500."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import OperationalError

from linli.core import db
from linli.demands import notify as demand_notify
from linli.demands.models import Demand, DemandEvent
from linli.demands.services import demand_transition
from linli.demands.tests.factories import submit
from linli.notifications.models import Notification

# Retrying is the outermost transaction's job: these tests run outside the usual test transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _deadlock() -> OperationalError:
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        return wrapped


@pytest.fixture
def fails_once(monkeypatch):
    """``fails_once(module, name)``: the function raises a transient error the first time only."""
    monkeypatch.setattr(db.time, "sleep", lambda _s: None)

    def install(module, name):
        original, calls = getattr(module, name), []

        def flaky(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise _deadlock()
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, flaky)
        return calls

    return install


def test_a_submission_that_meets_a_deadlock_is_written_once_with_its_message(world, fails_once):
    calls = fails_once(demand_notify, "submitted")
    demand = submit(world, item="0102", description="想请人每天中午送饭")
    assert len(calls) == 2
    assert Demand.objects.count() == 1
    assert list(DemandEvent.objects.filter(demand=demand).values_list("action", flat=True)) == ["submit"]
    assert Notification.objects.filter(template="demand_received").count() == 1


def test_a_move_that_meets_a_deadlock_is_retried_from_where_the_caller_stood(world, fails_once):
    demand = submit(world, item="0102", description="想请人每天中午送饭")
    before = demand.version
    calls = fails_once(demand_notify, "transitioned")
    demand_transition(demand=demand, user=world.users["community_a"], action="triage")
    assert len(calls) == 2
    demand.refresh_from_db()
    assert (demand.state, demand.version) == ("triaged", before + 1)
    assert list(DemandEvent.objects.filter(demand=demand).values_list("action", flat=True)) == ["submit", "triage"]
