"""The community's 爱心铺: goods donated by businesses and residents, redeemed by volunteers for
points.

A redemption takes the stock (``UPDATE … SET stock = stock - n WHERE stock >= n``) and the points
(a ledger transfer from the volunteer to the shop account) in one transaction: a failure of either,
or a crash between them, leaves both as they were. The volunteer gets a pickup code; cancelling
returns the points by a reversing transfer and the goods to the shelf.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.errors import interpolate


class DonorKind(models.TextChoices):
    BUSINESS = "business", _("Business")
    RESIDENT = "resident", _("Resident")
    ORGANISATION = "organisation", _("Organisation")
    OTHER = "other", _("Other")


class ShopItem(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    path = models.CharField(max_length=64, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("price (points)"))
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    pickup_place = models.CharField(_("where to collect"), max_length=120, blank=True,
                                    help_text=_("e.g. the community service centre, ground floor"))
    pickup_hours = models.CharField(_("when to collect"), max_length=120, blank=True,
                                    help_text=_("e.g. weekdays 9:00–17:00"))
    active = models.BooleanField(_("on the shelf"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gt=0), name="shop_price_positive"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="shop_stock_never_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def where_to_collect(self) -> str:
        return self.pickup_place or interpolate(_("the 爱心铺 of %(community)s"), {"community": self.region.name})

    @property
    def when_to_collect(self) -> str:
        return self.pickup_hours or str(_("opening hours: ask the shop keeper"))


class Donation(models.Model):
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="donations", verbose_name=_("item"))
    donor_name = models.CharField(_("donor"), max_length=80)
    donor_kind = models.CharField(_("donor is a"), max_length=12, choices=DonorKind.choices)
    donor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="Set when the donor has an account: they are thanked in the app.")
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="donation_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.donor_name} · {self.item} × {self.quantity}"


class RedemptionState(models.TextChoices):
    RESERVED = "reserved", _("Ready for pickup")
    PICKED_UP = "picked_up", _("Picked up")
    CANCELLED = "cancelled", _("Cancelled")


class Redemption(models.Model):
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("item"))
    path = models.CharField(max_length=64, editable=False)
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.PROTECT, related_name="redemptions",
                                  verbose_name=_("volunteer"))
    quantity = models.PositiveIntegerField(_("quantity"))
    points = models.PositiveIntegerField(_("points"))
    state = models.CharField(_("state"), max_length=10, choices=RedemptionState.choices, default=RedemptionState.RESERVED)
    pickup_code = models.CharField(_("pickup code"), max_length=6)
    transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, related_name="+")
    refund = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="redemption_quantity_positive"),
            models.UniqueConstraint(fields=["path", "pickup_code"], condition=models.Q(state="reserved"),
                                    name="pickup_code_unique_while_reserved"),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity} ({self.pickup_code})"
