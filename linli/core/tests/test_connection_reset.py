"""The first request after the database dropped a kept connection (a restart, a failover, an idle
timeout in a proxy) is served, not a 500: ``CONN_HEALTH_CHECKS`` checks a kept connection before
its first use in each request and reconnects.

The requests go through Django's real WSGI handler (the test client skips the request signals that
close and check connections), and the backend is terminated from a second connection.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

from linli.testing import terminate_backend

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="terminating a backend needs PostgreSQL")


def _get(path: str) -> tuple[int, dict]:
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(headers)

    response = WSGIHandler()(RequestFactory().get(path).environ, start_response)
    b"".join(response)
    response.close()  # request_finished: kept connections stay open (CONN_MAX_AGE)
    return started["status"], started["headers"]



@pytest.fixture
def kept_connections(monkeypatch):
    """Connections kept between requests, as in production (the tests run with DB_CONN_MAX_AGE=0)."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()  # the next connection is opened with these settings


def test_health_checks_are_on():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_first_request_after_the_connection_was_terminated_is_served(kept_connections):
    assert _get("/healthz")[0] == 200
    pid = connection.connection.info.backend_pid  # kept after the request

    terminate_backend(pid)

    assert _get("/healthz")[0] == 200
    assert connection.connection.info.backend_pid != pid  # a new connection


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_health_checks_the_request_that_meets_the_dead_connection_is_a_503_not_a_500(kept_connections, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    assert _get("/healthz")[0] == 200
    terminate_backend(connection.connection.info.backend_pid)

    status, headers = _get("/healthz")

    assert (status, headers["Retry-After"]) == (503, "2")
    assert _get("/healthz")[0] == 200  # the broken connection was dropped at the end of that request
