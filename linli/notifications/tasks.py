"""Background delivery of notifications through the outside backends (SMS, WeChat, e-mail).

At least once, never twice: each (notification, backend) pair is claimed by inserting its
``Delivery`` row (unique) before the message is handed to the backend, and the row records the
answer. A task that dies, or a task that is never run, leaves the notification pending
(``delivery_done_at`` null): ``deliver_pending`` (every minute, from ``linli worker``) sends what is
left. A failed delivery is tried again, up to ``NOTIFICATION_MAX_ATTEMPTS``; a delivery claimed by
a worker that died mid-send (still ``sending`` after ``NOTIFICATION_SEND_LEASE_SECONDS``) is tried
again with the same delivery key, which the backend passes to the gateway so that it can drop the
repeat (the only window where a message could otherwise go out twice: the gateway accepted it and
the worker died before writing the answer down).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from linli.notifications.backends import OutgoingMessage
from linli.notifications.models import Delivery, Notification

logger = logging.getLogger("linli.notifications")

#: What the sweep leaves to the task enqueued on commit: notifications younger than this.
PENDING_GRACE = dt.timedelta(seconds=60)
#: Notifications sent per sweep run (the next run takes the rest).
PENDING_BATCH = 500
#: A failed delivery is tried again no sooner than this after its last try.
RETRY_AFTER = dt.timedelta(seconds=60)

_FINAL = Q(status__in=[Delivery.Status.SENT, Delivery.Status.SKIPPED])


def _max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)


def _send_lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "NOTIFICATION_SEND_LEASE_SECONDS", 300))


def _backends():
    return [import_string(path)() for path in settings.NOTIFICATION_BACKENDS]


def _message(n: Notification) -> OutgoingMessage:
    user = n.recipient
    mobile = email = openid = ""
    if user is not None:
        email = user.email or ""
        resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
        mobile = (resident.mobile if resident is not None else "") or ""
    elif "@" in n.address:
        email = n.address
    else:
        mobile = n.address
    return OutgoingMessage(n.pk, mobile, email, openid, n.subject, n.body, n.urgent)


def _claim(n: Notification, backend: str, now: dt.datetime) -> Delivery | None:
    """The delivery row of ``n`` through ``backend``, now ``sending`` and committed; ``None`` when
    it is sent, skipped, being sent by another worker, or failed for the last time."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(notification=n, backend=backend, status=Delivery.Status.SENDING,
                                           attempts=1, claimed_at=now)
    except IntegrityError:
        pass  # the key exists: taken before
    again = (Q(status=Delivery.Status.FAILED, attempts__lt=_max_attempts(), claimed_at__lte=now - RETRY_AFTER)
             | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - _send_lease()))
    taken = Delivery.objects.filter(again, notification=n, backend=backend).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now, detail="",
    )
    return Delivery.objects.get(notification=n, backend=backend) if taken == 1 else None


def _finish(delivery: Delivery, status: str, detail: str) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, attempts=delivery.attempts).update(
        status=status, detail=detail[:300],
    )


def _settle(n: Notification, backends: list[str], now: dt.datetime) -> bool:
    """Close the outbox entry when every backend has its final answer; the full address goes."""
    final = _FINAL | Q(status=Delivery.Status.FAILED, attempts__gte=_max_attempts())
    if n.deliveries.filter(final, backend__in=backends).count() < len(set(backends)):
        return False
    Notification.objects.filter(pk=n.pk, delivery_done_at__isnull=True).update(delivery_done_at=now, address="")
    return True


def deliver_notifications(notification_ids: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """Send each pending notification through each backend once; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    backends = _backends()
    names = [b.name for b in backends]
    pending = Notification.objects.filter(pk__in=list(notification_ids), delivery_done_at__isnull=True)
    for n in pending.select_related("recipient").order_by("pk"):
        message = _message(n)
        for backend in backends:
            delivery = _claim(n, backend.name, now)
            if delivery is None:
                continue
            try:
                status, detail = backend.send(dataclasses.replace(message, key=delivery.key))
            except Exception as exc:  # a gateway error must not lose the other deliveries
                logger.warning("notification %s via %s failed: %s", n.pk, backend.name, exc)
                status, detail = Delivery.Status.FAILED, str(exc)
            _finish(delivery, status, detail)
            sent += status == Delivery.Status.SENT
        _settle(n, names, now)
    return sent


@task()
def deliver(notification_ids: list[int]) -> int:
    """Enqueued when the notifications' transaction commits; safe to run twice."""
    return deliver_notifications(notification_ids)


@task()
def deliver_pending() -> int:
    """The outbox sweep: what no task delivered (lost, failed, or its worker died) goes now."""
    now = timezone.now()
    ids = list(Notification.objects.filter(delivery_done_at__isnull=True, created_at__lte=now - PENDING_GRACE)
               .order_by("created_at").values_list("pk", flat=True)[:PENDING_BATCH])
    return deliver_notifications(ids, now=now) if ids else 0
