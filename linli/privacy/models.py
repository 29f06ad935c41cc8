"""The access log: every reveal of a full identifier and every bulk export of personal data.

Rows are append-only (the admin shows them read-only); they answer "who looked at whom, which field,
when, and why" as PIPL Art. 51 and GB/T 35273 §11 expect.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    REVEAL = "reveal", _("Reveal")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class RevealReason(models.TextChoices):
    VERIFY_IDENTITY = "verify_identity", _("Verify identity during a visit")
    CONTACT = "contact", _("Contact the resident")
    SERVICE = "service", _("Process a service or application")
    EMERGENCY = "emergency", _("Emergency")
    OTHER = "other", _("Other (explain)")


class AccessLog(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who"),
    )
    actor_username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="access_logs", verbose_name=_("whom"),
    )
    field = models.CharField(_("field"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=30, choices=RevealReason.choices, blank=True)
    reason_text = models.CharField(_("explanation"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("records"), default=1)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["resident", "-at"], name="accesslog_resident")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.field}"
