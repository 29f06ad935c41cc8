"""A transient database fault (deadlock, serialization failure, dropped connection) is retried by
``atomic_retry``; one that still escapes a request answers 503 with Retry-After, never 500."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, connections

from linli.core import db
from linli.core.db import atomic_retry, is_transient, transient_kind
from linli.regions.models import Region
from linli.shop.tests.factories import give_points, stocked_item
from linli.testing import terminate_backend

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="real deadlocks and backends need PostgreSQL")


def _wrapped(cause: Exception) -> OperationalError:
    """What Django raises: its own OperationalError caused by the driver's error."""
    try:
        try:
            raise cause
        except Exception as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        return wrapped


@pytest.fixture
def no_sleep(monkeypatch):
    """No backoff for made-up errors (a real deadlock needs it: see the test with two threads)."""
    monkeypatch.setattr(db.time, "sleep", lambda _s: None)


@pytest.mark.parametrize(("cause", "kind"), [
    (psycopg.errors.DeadlockDetected("deadlock detected"), "conflict"),
    (psycopg.errors.SerializationFailure("could not serialize access"), "conflict"),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), "connection"),
    (psycopg.errors.ConnectionFailure("connection failure"), "connection"),
    (psycopg.OperationalError("server closed the connection unexpectedly"), "connection"),
    (psycopg.errors.UniqueViolation("duplicate key"), None),
    (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), None),
    (psycopg.errors.UndefinedTable("relation does not exist"), None),
], ids=["deadlock", "serialization", "terminated", "connection failure", "connection lost", "unique", "timeout", "bug"])
def test_which_errors_are_transient(cause, kind):
    assert transient_kind(_wrapped(cause)) == kind


def test_sqlite_busy_is_transient_and_other_errors_are_not():
    import sqlite3

    assert is_transient(_wrapped(sqlite3.OperationalError("database is locked")))
    assert not is_transient(_wrapped(sqlite3.OperationalError("no such table: x")))
    assert not is_transient(ValueError("deadlock"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transient_failure_rolls_back_and_runs_the_whole_block_again(no_sleep):
    calls = []

    @atomic_retry
    def rename(name):
        calls.append(name)
        Region.objects.create(name=f"{name}{len(calls)}", path=f"zz{len(calls):02d}", code=f"zz{len(calls):02d}", level=1)
        if len(calls) < 3:
            raise _wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))
        return len(calls)

    assert rename("试") == 3
    assert list(Region.objects.filter(path__startswith="zz").values_list("name", flat=True)) == ["试3"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_gives_up_after_the_last_attempt_and_never_retries_a_real_error(caplog, no_sleep):
    calls = []

    @atomic_retry(attempts=3)
    def always_deadlocks():
        calls.append(1)
        raise _wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    @atomic_retry
    def duplicate():
        calls.append(2)
        raise IntegrityError("duplicate key")

    with pytest.raises(OperationalError):
        always_deadlocks()
    with pytest.raises(IntegrityError):
        duplicate()
    assert calls == [1, 1, 1, 2]
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name == "linli.db"] == [
        "test_it_gives_up_after_the_last_attempt_and_never_retries_a_real_error.<locals>.always_deadlocks"] * 2


@pytest.mark.django_db
def test_nested_in_an_outer_transaction_it_runs_once_and_leaves_the_retry_to_the_outer_owner():
    calls = []

    @atomic_retry
    def deadlocks():
        calls.append(1)
        raise _wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    assert connection.in_atomic_block  # the test's own transaction
    with pytest.raises(OperationalError):
        deadlocks()
    assert calls == [1]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_locking_in_opposite_orders_both_complete_after_a_real_deadlock(caplog):
    a = Region.objects.create(name="甲", path="zz01", code="zz01", level=1)
    b = Region.objects.create(name="乙", path="zz02", code="zz02", level=1)
    both_hold_one = threading.Barrier(2, timeout=10)
    attempts = [0, 0]
    errors: list = [None, None]

    @atomic_retry
    def lock(i, first, second):
        attempts[i] += 1
        Region.objects.filter(pk=first.pk).update(name=first.name + str(i))
        if attempts[i] == 1:
            both_hold_one.wait()  # each holds one row and asks for the other's: a deadlock
        Region.objects.filter(pk=second.pk).update(name=second.name + str(i))

    def run(i, first, second):
        try:
            lock(i, first, second)
        except Exception as exc:
            errors[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(0, a, b)), threading.Thread(target=run, args=(1, b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == [None, None]
    assert sorted(attempts) == [1, 2]  # PostgreSQL killed one; it ran again and completed
    retried = [r.getMessage() for r in caplog.records if r.name == "linli.db"]
    assert len(retried) == 1 and "transient conflict (attempt 1 of 4)" in retried[0]
    assert sorted(Region.objects.filter(pk__in=[a.pk, b.pk]).values_list("name", flat=True)) in (
        ["乙0", "甲0"], ["乙1", "甲1"])  # whole: both rows from the one that committed last



@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_dropped_in_the_middle_reconnects_and_completes():
    calls = []

    @atomic_retry
    def create():
        calls.append(1)
        if len(calls) == 1:
            terminate_backend(connection.connection.info.backend_pid)
        return Region.objects.create(name="丙", path="zz03", code="zz03", level=1)

    connection.ensure_connection()
    assert create().name == "丙"
    assert calls == [1, 1]
    assert Region.objects.filter(path="zz03").count() == 1


# --- requests ----------------------------------------------------------------------------------


def _deadlocking(**_kwargs):
    raise _wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))


@pytest.mark.django_db
def test_a_page_that_still_meets_a_deadlock_answers_503_with_retry_after_in_chinese(world, login, monkeypatch):
    from linli.ledger.tests.factories import volunteer

    vol = volunteer(world, "小王")
    item = stocked_item(world)
    give_points(world, vol, 100)
    monkeypatch.setattr("linli.shop.services.redeem", _deadlocking)

    response = login(vol.user).post(f"/shop/items/{item.pk}/redeem/", {"quantity": "1", "confirm": "yes"})

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response["Cache-Control"] == "no-store"
    assert "系统繁忙，请稍后再试。" in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_503_json_in_the_callers_language(world, login, monkeypatch):
    from linli.ledger.tests.factories import volunteer

    vol = volunteer(world, "小王")
    item = stocked_item(world)
    monkeypatch.setattr("linli.shop.services.redeem", _deadlocking)
    client = login(vol.user)

    zh = client.post(f"/api/shop/items/{item.pk}/redeem", {"quantity": 1}, content_type="application/json")
    en = client.post(f"/api/shop/items/{item.pk}/redeem", {"quantity": 1}, content_type="application/json",
                     headers={"Accept-Language": "en"})

    assert (zh.status_code, zh["Retry-After"], zh.json()) == (
        503, "2", {"code": "try_again", "message": "系统繁忙，请稍后再试。"})
    assert (en.status_code, en.json()) == (
        503, {"code": "try_again", "message": "The service is busy. Please try again in a moment."})


@pytest.mark.django_db
def test_a_real_error_is_still_a_server_error(world, login, monkeypatch):
    from linli.ledger.tests.factories import volunteer

    vol = volunteer(world, "小王")
    item = stocked_item(world)

    def broken(**_kwargs):
        raise _wrapped(psycopg.errors.UndefinedTable('relation "x" does not exist'))

    monkeypatch.setattr("linli.shop.services.redeem", broken)
    with pytest.raises(OperationalError):  # the test client re-raises what would be a 500
        login(vol.user).post(f"/api/shop/items/{item.pk}/redeem", {"quantity": 1}, content_type="application/json")
