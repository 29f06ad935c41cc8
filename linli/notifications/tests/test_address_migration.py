"""Existing rows after the upgrade: no mobile number left in clear; delivered messages keep only the
masked address; a recent one never answered keeps it encrypted (the outbox sends it); repeated
delivery rows fold into one per notification and backend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("notifications", "0001_initial")]
AFTER = [("notifications", "0004_address_encrypted_and_delivery_key")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_encrypts_or_erases_every_address_and_keeps_one_delivery_per_backend():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Notification, Delivery = old.get_model("notifications", "Notification"), old.get_model("notifications", "Delivery")
    delivered = Notification.objects.create(address="13912345678", template="t", subject="s", body="b")
    Delivery.objects.create(notification=delivered, backend="sms-log", status="failed")
    Delivery.objects.create(notification=delivered, backend="sms-log", status="sent")
    Delivery.objects.create(notification=delivered, backend="email", status="skipped")
    waiting = Notification.objects.create(address="13812340000", template="t", subject="s", body="b")
    stale = Notification.objects.create(address="visitor@example.com", template="t", subject="s", body="b")
    Notification.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(days=3))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, address, address_masked, delivery_done_at IS NULL FROM notifications_notification")
        rows = {pk: (address, masked, pending) for pk, address, masked, pending in cursor.fetchall()}
    assert rows[delivered.pk] == ("", "139****5678", False)
    assert rows[stale.pk] == ("", "v***@example.com", False)
    ciphertext, masked, pending = rows[waiting.pk]
    assert (ciphertext.startswith("v1:"), "13812340000" in ciphertext, masked, pending) == (True, False, "138****0000", True)

    from linli.notifications.models import Delivery as Now
    from linli.notifications.models import Notification as NowNotification

    assert NowNotification.objects.get(pk=waiting.pk).address == "13812340000"
    assert sorted(Now.objects.values_list("notification_id", "backend", "status", "attempts")) == [
        (delivered.pk, "email", "skipped", 1), (delivered.pk, "sms-log", "sent", 2)]
