"""Notifications: one row per message per recipient, shown in the app and sent by the backends.

Every message is stored in-app first (the inbox on the home page), then handed to the configured
outside backends (SMS, WeChat, e-mail). A backend's failure is recorded on the delivery row and
never loses the in-app copy.

The rows are the outbox: a notification is written in the same transaction as the change it tells
about, and is sent afterwards (a task enqueued on commit, and the worker's sweep of what is still
pending). ``Delivery`` has one row per notification and backend (the delivery key), claimed
before the message is handed to the backend, so a retry never sends it twice. A bare address (a
visitor's mobile) is kept encrypted while it is needed and erased once delivery is over; only its
masked form stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.privacy.fields import EncryptedTextField


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("recipient"),
    )
    #: For people without an account (a resident following a demand by tracking number): encrypted,
    #: and erased once delivery is over (``delivery_done_at``); the masked form stays.
    address = EncryptedTextField(_("address"), blank=True, help_text=_("Mobile number or e-mail"))
    address_masked = models.CharField(_("address (masked)"), max_length=200, blank=True)
    #: Keyed hash of the address, to find the messages sent to a number (erasure, demo reset).
    address_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    template = models.CharField(_("template"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    #: When every outside backend had its final answer (sent, skipped, or failed for the last time);
    #: null while the notification waits in the outbox.
    delivery_done_at = models.DateTimeField(_("delivery done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox"),
            models.Index(fields=["created_at"], name="notification_outbox", condition=Q(delivery_done_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """A notification through one outside backend: the delivery key (one row per notification and
    backend), claimed (``sending``) before the message is handed over."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: no address")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    backend = models.CharField(_("backend"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    #: When the current attempt was claimed: a ``sending`` row older than the lease belongs to a
    #: worker that died and is taken again.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "backend"], name="delivery_once_per_backend"),
        ]

    def __str__(self) -> str:
        return f"{self.backend} {self.status}"

    @property
    def key(self) -> str:
        """The delivery key, handed to the gateway so that it can drop a repeat of the same message."""
        return delivery_key(self.notification_id, self.backend)


def delivery_key(notification_id: int, backend: str) -> str:
    return f"linli-{notification_id}-{backend}"
