"""Open311 API keys: one key per integrating system, bound to the region subtree it may use.

A key looks like ``o311_`` followed by 32 URL-safe random characters. Only its SHA-256 digest is
stored (like ``accounts.ApiToken``); the raw key is printed once by ``linli apikey create``. The
first 8 characters are kept in clear as ``prefix`` so that lists can tell keys apart.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "o311_"
#: ``secrets.token_urlsafe(24)`` is 32 characters of the URL-safe base64 alphabet.
KEY_RANDOM_BYTES = 24
PREFIX_LENGTH = 8


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses the key, e.g. the system it is for."))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="open311_keys", verbose_name=_("region"),
        help_text=_("The key may submit and read demands only inside this region's subtree."),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return KEY_PREFIX + secrets.token_urlsafe(KEY_RANDOM_BYTES)
