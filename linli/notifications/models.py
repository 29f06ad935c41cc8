"""Notifications: one row per message per recipient, shown in the app and sent by the backends.

Every message is stored in-app first (the inbox on the home page), then handed to the configured
outside backends (SMS, WeChat, e-mail). A backend's failure is recorded on the delivery row and
never loses the in-app copy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("recipient"),
    )
    #: For people without an account (a resident following a demand by tracking number).
    address = models.CharField(_("address"), max_length=200, blank=True, help_text=_("Mobile number or e-mail"))
    template = models.CharField(_("template"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One attempt to send a notification through an outside backend."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: no address")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    backend = models.CharField(_("backend"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.backend} {self.status}"
