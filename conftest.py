import datetime as dt
import os

import pytest
import time_machine

from linli.testing import build_world


@pytest.fixture(autouse=True, scope="session")
def _clock_ahead():
    """``LINLI_TEST_CLOCK_AHEAD_DAYS=365``: the whole run lives that many days ahead (the clock then
    runs on), so a test that leans on today's date fails now rather than next year (``make
    test-future``). time-machine moves Python's wall clock only; monotonic time and sleeping stay
    real (libfaketime moves those too, and Python's ``sleep`` and ``Event.wait`` break under it)."""
    days = int(os.environ.get("LINLI_TEST_CLOCK_AHEAD_DAYS", "0") or 0)
    if not days:
        yield None
        return
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clock(request):
    """``@pytest.mark.clock("2026-11-24T09:00:00+08:00")`` starts the test's clock at that instant
    (it then runs on): tests that name calendar days get the same answer in any year."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield None
        return
    instant = dt.datetime.fromisoformat(marker.args[0])
    with time_machine.travel(instant, tick=marker.kwargs.get("tick", True)) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s a user; personas need a dozen per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    # Background tasks run in the test's own thread when enqueued (after commit); the tests of the
    # database queue itself choose the database backend explicitly.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as a persona and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
