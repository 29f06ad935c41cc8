"""The database cache counts correctly: ``incr`` keeps the entry's expiry and loses no increment
when processes count at once (the rate limits rely on both)."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection


@pytest.mark.django_db
def test_incr_keeps_the_expiry_it_was_added_with():
    with time_machine.travel("2026-11-24T10:00:00+08:00", tick=False) as clock:
        assert cache.add("counter", 1, timeout=3600)
        clock.shift(400)  # past the default timeout (300 s) that a plain set would give it
        assert cache.incr("counter") == 2
        clock.shift(400)
        assert cache.get("counter") == 2
        clock.shift(3600 - 800 + 1)
        assert cache.get("counter") is None
        with pytest.raises(ValueError):
            cache.incr("counter")


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="threads need a server database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_increments_are_all_counted():
    cache.set("concurrent", 0, timeout=600)
    errors = []

    def work():
        try:
            for _ in range(10):
                cache.incr("concurrent")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("concurrent") == 80
    cache.delete("concurrent")
