"""At least once, never twice: a worker that dies at any point of a delivery leaves the outbox
whole, and the sweep finishes it with exactly one message per notification and channel.

The tests commit for real (``transaction=True``), so each claim is what another worker would
see; a death is ``WorkerDied``, a ``BaseException`` that nothing in the delivery code catches,
raised at the point under test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.notifications import tasks
from linli.notifications.models import Delivery, Notification
from linli.notifications.services import notify

CTX = {"tracking": "ABCD-2345", "item": "送餐", "link": "/track/"}
BACKENDS = ["linli.notifications.tests.test_outbox_faults.GatewaySms",
            "linli.notifications.tests.test_outbox_faults.GatewayMail"]


class WorkerDied(BaseException):
    """The process ends here: no ``except Exception`` stops it, nothing after it runs."""


class Gateway:
    """A gateway that drops a repeat of a delivery key, as real SMS gateways do with their out-id."""

    calls: Counter = Counter()  # every hand-over, by key
    accepted: Counter = Counter()  # what reached the person, by key
    die_in_send = False

    def send(self, message):
        Gateway.calls[message.key] += 1
        if Gateway.die_in_send:
            Gateway.die_in_send = False
            raise WorkerDied
        address = message.mobile if self.name == "sms" else message.email
        if not address:
            return "skipped", ""
        if message.key not in Gateway.accepted:
            Gateway.accepted[message.key] += 1
        return "sent", ""


class GatewaySms(Gateway):
    name = "sms"


class GatewayMail(Gateway):
    name = "mail"


@pytest.fixture(autouse=True)
def _tasks_wait_in_the_queue(settings):
    # Enqueued deliveries are only recorded: each test runs them itself, at the moment it chooses.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def gateway(settings):
    settings.NOTIFICATION_BACKENDS = BACKENDS
    Gateway.calls, Gateway.accepted, Gateway.die_in_send = Counter(), Counter(), False
    return Gateway


def _each_once():
    """(notification, backend) → status, for every delivery row."""
    rows = Delivery.objects.values_list("notification_id", "backend", "status")
    assert len(rows) == len({(n, b) for n, b, _s in rows})
    return {(n, b): s for n, b, s in rows}


def test_a_second_delivery_row_for_one_notification_and_backend_is_refused(db):
    n = Notification.objects.create(template="t", subject="s", body="b")
    Delivery.objects.create(notification=n, backend="sms", status="sent")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(notification=n, backend="sms", status="sent")


def test_the_mobile_is_kept_encrypted_until_delivered_then_only_masked(db, gateway):
    from django.db import connection

    (n,) = notify(template="demand_received", context=CTX, addresses=["13912345678"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, address_masked FROM notifications_notification WHERE id = %s", [n.pk])
        stored, masked = cursor.fetchone()
    assert "13912345678" not in stored and stored.startswith("v1:")
    assert masked == "139****5678"
    assert Notification.objects.get(pk=n.pk).address == "13912345678"

    tasks.deliver_notifications([n.pk])
    n.refresh_from_db()
    assert (n.address, n.address_masked, n.delivery_done_at is not None) == ("", "139****5678", True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notifications_notification WHERE id = %s", [n.pk])
        assert cursor.fetchone() == ("",)
    assert dict(gateway.accepted) == {f"linli-{n.pk}-sms": 1}


def test_without_outside_backends_no_full_address_is_kept(db, settings):
    settings.NOTIFICATION_BACKENDS = []
    (n,) = notify(template="demand_received", context=CTX, addresses=["13912345678"])
    n.refresh_from_db()
    assert (n.address, n.address_masked, n.delivery_done_at is not None) == ("", "139****5678", True)


def _die_before_claim(monkeypatch, gateway):
    monkeypatch.setattr(tasks, "_message", _raise)


def _die_in_send(monkeypatch, gateway):
    gateway.die_in_send = True


def _die_after_send(monkeypatch, gateway):
    monkeypatch.setattr(tasks, "_finish", _raise)


def _die_before_settling(monkeypatch, gateway):
    monkeypatch.setattr(tasks, "_settle", _raise)


def _raise(*args, **kwargs):
    raise WorkerDied


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("die", [_die_before_claim, _die_in_send, _die_after_send, _die_before_settling],
                         ids=["before the claim", "in the gateway call", "after the send", "before settling"])
def test_a_worker_killed_mid_delivery_leaves_it_for_the_sweep_which_sends_each_message_once(
        gateway, monkeypatch, settings, die):
    from linli.accounts.models import User

    settings.NOTIFICATION_SEND_LEASE_SECONDS = 300
    user = User.objects.create(username="street", email="street@example.gov.cn")
    with transaction.atomic():
        notes = notify(template="demand_reminder", context={**CTX, "due": "", "state": ""}, users=[user],
                       addresses=["13912345678"])
    ids = [n.pk for n in notes]

    with monkeypatch.context() as m:
        die(m, gateway)
        with pytest.raises(WorkerDied):
            tasks.deliver_notifications(ids)

    # Whole or untouched: nothing is done, and nothing claimed is marked sent.
    assert Notification.objects.filter(pk__in=ids, delivery_done_at__isnull=True).count() == 2
    assert Notification.objects.get(address_masked="139****5678").address == "13912345678"
    claimed = _each_once()
    assert all(status in {"sending", "sent", "skipped"} for status in claimed.values())

    # The sweep, once the lease of a claim taken by the dead worker has passed, finishes the work.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=301), tick=False):
        tasks.deliver_pending.call()
        tasks.deliver_pending.call()  # and a second sweep finds nothing left

    final = _each_once()
    assert sorted(final.values()) == ["sent", "sent", "skipped", "skipped"]
    assert set(final) == {(i, b) for i in ids for b in ("sms", "mail")}
    assert Notification.objects.filter(pk__in=ids, delivery_done_at__isnull=True).count() == 0
    assert list(Notification.objects.filter(pk__in=ids).exclude(address="")) == []
    sms_to_visitor = f"linli-{Notification.objects.get(address_masked='139****5678').pk}-sms"
    mail_to_user = f"linli-{Notification.objects.get(recipient=user).pk}-mail"
    assert dict(gateway.accepted) == {sms_to_visitor: 1, mail_to_user: 1}
    assert max(gateway.calls.values()) <= 2  # a repeat only ever carries the same delivery key


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_claim_within_its_lease_is_not_taken_by_another_worker(gateway, settings):
    settings.NOTIFICATION_SEND_LEASE_SECONDS = 300
    (n,) = notify(template="demand_received", context=CTX, addresses=["13912345678"])
    Delivery.objects.create(notification=n, backend="sms", status="sending", claimed_at=timezone.now())
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=120), tick=False):
        assert tasks.deliver_pending.call() == 0
    assert gateway.calls[f"linli-{n.pk}-sms"] == 0
    assert Delivery.objects.get(notification=n, backend="sms").status == "sending"
    assert Notification.objects.get(pk=n.pk).delivery_done_at is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_gateway_is_tried_again_up_to_the_limit_then_given_up(settings):
    settings.NOTIFICATION_BACKENDS = ["linli.notifications.tests.test_notifications.BrokenBackend"]
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    (n,) = notify(template="demand_received", context=CTX, addresses=["13912345678"])
    start = timezone.now()
    tasks.deliver_notifications([n.pk], now=start)
    for minute in range(2, 7):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            tasks.deliver_pending.call()
    delivery = Delivery.objects.get(notification=n)
    n.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.detail) == ("failed", 3, "gateway down")
    assert (n.delivery_done_at is not None, n.address, n.address_masked) == (True, "", "139****5678")
