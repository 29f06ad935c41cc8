"""Accounts, region-bound memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import POLICIES, Role


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("failed logins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    preferred_language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class Membership(models.Model):
    """A user's role at a node of the region tree; the user sees that node's subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True,
        related_name="memberships", verbose_name=_("region"),
    )
    organisation = models.ForeignKey(
        "supply.Organisation", on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("organisation"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="membership_unique_role_region"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region or '-'}"

    @property
    def policy(self):
        return POLICIES[self.role]


def reads_residents(role: str) -> bool:
    """Whether a role opens the resident register (``sees_residents``) or reveals identifiers."""
    policy = POLICIES.get(role)
    return bool(policy and (policy.sees_residents or policy.can_reveal))


class GrantState(models.TextChoices):
    PENDING = "pending", _("Waiting for a second administrator")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class RoleGrant(models.Model):
    """A role that reads residents, given in the admin: it takes effect only when a second
    administrator (neither the one who asked nor the grantee) approves it. Until then the
    membership it is about stays inactive."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="grants",
                                   verbose_name=_("membership"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    state = models.CharField(_("state"), max_length=10, choices=GrantState.choices, default=GrantState.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region or '-'} ({self.get_state_display()})"


class AccountAction(models.TextChoices):
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_CHANGED = "role_changed", _("Role changed")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    GRANT_REQUESTED = "grant_requested", _("Grant requested")
    GRANT_APPROVED = "grant_approved", _("Grant approved")
    GRANT_REFUSED = "grant_refused", _("Grant refused")
    PASSWORD_SET = "password_set", _("Password set by an administrator")


class AccountEvent(models.Model):
    """The audit trail of accounts: every grant, change and revocation of a role and every password
    set by an administrator. Append-only (the admin shows it read-only)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who"))
    actor_username = models.CharField(_("by"), max_length=150,
                                      help_text=_("The administrator, or the command run on the server"))
    action = models.CharField(_("action"), max_length=20, choices=AccountAction.choices)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account"))
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    path = models.CharField(max_length=64, blank=True, editable=False)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.username}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for API clients. Only a SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "ll_" + secrets.token_urlsafe(32)
