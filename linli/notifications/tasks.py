"""Background delivery of notifications through the outside backends (SMS, WeChat, e-mail)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks import task

from linli.notifications.backends import OutgoingMessage
from linli.notifications.models import Delivery, Notification

logger = logging.getLogger("linli.notifications")


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


@task()
def deliver(notification_ids: list[int]) -> int:
    """Send each notification once through each backend; safe to run twice (skips what was sent)."""
    sent = 0
    backends = _backends()
    for n in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        done = set(n.deliveries.filter(status__in=["sent", "skipped"]).values_list("backend", flat=True))
        message = _message(n)
        for backend in backends:
            if backend.name in done:
                continue
            try:
                status, detail = backend.send(message)
            except Exception as exc:  # a gateway error must not lose the other deliveries
                logger.warning("notification %s via %s failed: %s", n.pk, backend.name, exc)
                status, detail = "failed", str(exc)[:300]
            Delivery.objects.create(notification=n, backend=backend.name, status=status, detail=detail)
            sent += status == "sent"
    return sent
