"""Three double-entry ledgers kept apart: service hours (服务时长), volunteer points (志愿积分) and
time-bank coins (时间币).

- An :class:`Account` holds one ledger's units: minutes for hours and coins, whole points for
  points. Its ``balance`` is a cache of the sum of its entries, updated in the same transaction as
  the entries; ``ledger.services.ledger_check`` compares the two.
- A :class:`Transfer` is one movement (a record confirmed, points issued, an item redeemed, coins
  given to a family member, a reversal). Its :class:`Entry` rows sum to zero and all belong to the
  transfer's ledger, so units never cross from one ledger to another: spending points or coins can
  never reduce recorded hours.
- Nothing is updated or deleted: a mistake is put right by a reversing transfer (``reverses``),
  at most one per transfer. On PostgreSQL a trigger refuses UPDATE and DELETE on entries too.
- Holder accounts (a volunteer's, a resident's) never go below zero, and a coins account never
  above its cap: the conditional UPDATE that moves the balance checks it, and a CHECK constraint
  backs it up, so two concurrent redemptions can never overspend.
- Issuer accounts (the record book, the community fund, the time bank) are where units come from;
  they go negative by exactly what has been issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Ledger(models.TextChoices):
    HOURS = "hours", _("Service hours")
    POINTS = "points", _("Volunteer points")
    COINS = "coins", _("Time-bank coins")


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    PERSON = "person", _("Resident")
    ISSUER = "issuer", _("Issuer")
    SHOP = "shop", _("Shop (爱心铺)")
    SERVICES = "services", _("Services received")
    DONATED = "donated", _("Donated time")


#: Accounts that belong to a person: they never go below zero.
HOLDER_KINDS = (AccountKind.VOLUNTEER, AccountKind.PERSON)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("ledger rows are append-only: post a reversing transfer instead")

    def delete(self):
        raise TypeError("ledger rows are append-only: post a reversing transfer instead")


class Account(models.Model):
    code = models.CharField(_("account code"), max_length=80, unique=True,
                            help_text=_("Stable across systems, e.g. coins:v12 or points:issuer:01020304"))
    ledger = models.CharField(_("ledger"), max_length=8, choices=Ledger.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    path = models.CharField(max_length=64, editable=False, db_index=True)
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="ledger_accounts", verbose_name=_("volunteer"))
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("resident"))
    balance = models.BigIntegerField(_("balance"), default=0, help_text=_("Minutes or points; the sum of the entries"))
    cap = models.BigIntegerField(_("cap"), null=True, blank=True, help_text=_("The most this account may hold"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind__in=HOLDER_KINDS) | models.Q(balance__gte=0),
                                   name="holder_never_below_zero"),
            models.CheckConstraint(condition=models.Q(cap__isnull=True) | models.Q(balance__lte=models.F("cap")),
                                   name="account_never_over_cap"),
            models.UniqueConstraint(fields=["ledger", "volunteer"], condition=models.Q(volunteer__isnull=False),
                                    name="one_account_per_volunteer_ledger"),
            models.UniqueConstraint(fields=["ledger", "resident"], condition=models.Q(resident__isnull=False),
                                    name="one_account_per_resident_ledger"),
        ]

    def __str__(self) -> str:
        return self.code


class TransferKind(models.TextChoices):
    RECORD = "record", _("Service recorded")
    ISSUE = "issue", _("Issued")
    BONUS = "bonus", _("Bonus")
    REDEEM = "redeem", _("Redeemed in the shop")
    SPEND = "spend", _("Spent on a service")
    GIFT = "gift", _("Given to family")
    DONATE = "donate", _("Donated")
    REVERSAL = "reversal", _("Reversal")


class Transfer(models.Model):
    ledger = models.CharField(_("ledger"), max_length=8, choices=Ledger.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=TransferKind.choices)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True, db_index=True,
                              help_text="What caused it, e.g. record:12 or redemption:5")
    data = models.JSONField(default=dict, blank=True, help_text="How the amount was worked out (rules applied).")
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.ledger} #{self.pk} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("a transfer is never changed: post a reversing transfer instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("a transfer is never deleted: post a reversing transfer instead")


class Entry(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(_("amount"), help_text=_("Minutes or points; positive in, negative out"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["account", "-id"], name="entry_account_recent")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("an entry is never changed: post a reversing transfer instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("an entry is never deleted: post a reversing transfer instead")


class PointRule(models.Model):
    """How many points a confirmed service earns: per hour, per record, for one service item or
    all; rules are never edited once used, a new one replaces an old one from a date, so every
    past award can be explained by the rules recorded in its transfer's ``data``."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    path = models.CharField(max_length=64, editable=False)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("service item"), help_text=_("Empty: every service"))
    name = models.CharField(_("name"), max_length=80)
    per_hour = models.PositiveIntegerField(_("points per hour"), default=0)
    per_record = models.PositiveIntegerField(_("points per service"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["path", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                                   name="rule_until_after_from"),
        ]

    def __str__(self) -> str:
        return self.name
