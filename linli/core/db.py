"""Transient database faults: retried inside, never a 500 outside.

Some database errors say nothing about the request, only about the moment: PostgreSQL chose this
transaction as the victim of a deadlock (SQLSTATE 40P01) or of a serialization failure (40001),
the connection was lost (class 08, or the server terminated the backend: 57P01–57P03), SQLite's
database was locked by another writer past the busy timeout. Run again a moment later, the same
work succeeds. So:

- :func:`atomic_retry` runs a function in ``transaction.atomic`` and, when it fails with a
  transient error, rolls back and runs the *whole* function again (up to ``attempts`` times, with a
  short jittered backoff). Only the outermost transaction retries: nested in an outer atomic block,
  the function runs once in a savepoint and the error goes up to whoever owns the transaction
  (re-running a savepoint after a deadlock would not help: the outer transaction is the victim).
  Services that lock rows use it; a function it wraps must have no effects outside the database
  except through ``transaction.on_commit``.
- :class:`TransientErrorMiddleware` (and :func:`install_api_handler` for the JSON API) turn a
  transient error that still escapes into ``503 Service Unavailable`` with ``Retry-After``: the
  client is told to try again ("请稍后再试"), never shown a server error.
"""

from __future__ import annotations

import functools
import logging
import random
import sqlite3
import time

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installs
    psycopg = None

logger = logging.getLogger("linli.db")

#: serialization_failure, deadlock_detected: the transaction was chosen as the victim.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})
#: admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now; class 08 is added below.
CONNECTION_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 2


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def transient_kind(exc: BaseException) -> str | None:
    """``"conflict"`` (deadlock, serialization failure, SQLite busy), ``"connection"`` (the
    connection is gone) or ``None`` for an error that would happen again."""
    for e in _chain(exc):
        if psycopg is not None and isinstance(e, psycopg.Error):
            state = e.sqlstate or ""
            if state in CONFLICT_SQLSTATES:
                return "conflict"
            if state in CONNECTION_SQLSTATES or state.startswith("08"):
                return "connection"
            if not state and isinstance(e, psycopg.OperationalError | psycopg.InterfaceError):
                return "connection"  # "server closed the connection unexpectedly", "the connection is closed"
            return None
        if isinstance(e, sqlite3.OperationalError):
            message = str(e).lower()
            return "conflict" if "locked" in message or "busy" in message else None
    return None


def is_transient(exc: BaseException) -> bool:
    return transient_kind(exc) is not None


def atomic_retry(func=None, *, using: str | None = None, attempts: int = 4, backoff: float = 0.05):
    """``@atomic_retry`` or ``@atomic_retry(attempts=…)``: run the function in one transaction and
    run it again after a transient error (see the module's docstring). Between attempts it waits
    ``backoff × 2^n`` seconds scaled by a random factor in [0.5, 1.5), so the two sides of a
    deadlock do not meet again at once."""

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            alias = using or DEFAULT_DB_ALIAS
            connection = connections[alias]
            if connection.in_atomic_block:
                with transaction.atomic(using=alias):
                    return f(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    with transaction.atomic(using=alias):
                        return f(*args, **kwargs)
                except Exception as exc:
                    kind = transient_kind(exc)
                    if kind is None or attempt == attempts:
                        raise
                    if kind == "connection":
                        connection.close()  # the next attempt opens a new one
                    logger.warning("%s: %s (attempt %d of %d), retrying: %s", f.__qualname__,
                                   "connection lost" if kind == "connection" else "transient conflict",
                                   attempt, attempts, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                    time.sleep(backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
            raise AssertionError("unreachable")  # pragma: no cover

        wrapper.atomic_retry = True
        return wrapper

    return decorate(func) if func is not None else decorate


# --- requests: what still escapes is a 503, not a 500 ------------------------------------------


def _message():
    return _("The service is busy. Please try again in a moment.")


def transient_response(request) -> HttpResponse:
    """503 with ``Retry-After``: JSON for the API and Open311, a small page for people. The page
    does not touch the database (no base template, no context processors)."""
    message = str(_message())
    path = request.path_info or ""
    if path.startswith("/open311/"):
        response = JsonResponse([{"code": 503, "description": message}], safe=False, status=503)
    elif path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"code": "try_again", "message": message}, status=503)
    else:
        response = HttpResponse(render_to_string("core/try_again.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class TransientErrorMiddleware:
    """A view that fails with a transient database error answers 503 + ``Retry-After``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = transient_kind(exception)
        if kind is None:
            return None
        logger.warning("%s %s: transient database error (%s), answered 503: %s", request.method, request.path, kind,
                       str(exception).splitlines()[0] if str(exception) else type(exception).__name__)
        return transient_response(request)


def install_api_handler(api) -> None:
    """The same for the Django Ninja API, which catches exceptions before the middleware does."""
    from django.db import Error as DatabaseError

    def handler(request, exc):
        if not is_transient(exc):
            raise exc
        return TransientErrorMiddleware(None).process_exception(request, exc)

    api.add_exception_handler(DatabaseError, handler)
