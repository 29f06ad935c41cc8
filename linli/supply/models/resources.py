"""What organisations offer and the places and vehicles services use.

An offering says which catalog item an organisation provides, where, how many times a week and at
what price. Not all supply is free: 一元钱法律服务 and the Lanzhou 虚拟养老院 model are low-fee
(低偿) or paid; a free offering costs 0 fen and a priced one more than 0. Money is in fen.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceKind(models.TextChoices):
    FREE = "free", _("Free")
    LOW_FEE = "low_fee", _("Low fee (低偿)")
    PAID = "paid", _("Paid")


class ServiceOffering(models.Model):
    organisation = models.ForeignKey(
        "supply.Organisation", on_delete=models.CASCADE, related_name="offerings", verbose_name=_("organisation"),
    )
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, related_name="offerings", verbose_name=_("service item"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="offerings", verbose_name=_("region served"),
    )
    capacity_per_week = models.PositiveIntegerField(_("capacity per week"))
    price_kind = models.CharField(_("price"), max_length=10, choices=PriceKind.choices, default=PriceKind.FREE)
    price_fen = models.PositiveIntegerField(_("price (fen)"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["item__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "item", "region"], name="offering_unique_per_region"),
            models.CheckConstraint(
                condition=(models.Q(price_kind="free") & models.Q(price_fen=0))
                | (models.Q(price_kind__in=["low_fee", "paid"]) & models.Q(price_fen__gt=0)),
                name="offering_price_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.item}"

    @property
    def price_yuan(self) -> str:
        return f"{self.price_fen // 100}.{self.price_fen % 100:02d}"


class Station(models.Model):
    """A fixed service station (服务站点): where demand is collected and services are given."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="stations", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class VehicleKind(models.TextChoices):
    CAR = "car", _("Car")
    VAN = "van", _("Van")
    ACCESSIBLE = "accessible", _("Wheelchair-accessible vehicle")
    TRICYCLE = "tricycle", _("Electric tricycle")
    MOBILE_STATION = "mobile_station", _("Mobile service vehicle")


class Vehicle(models.Model):
    """A service vehicle (服务车辆), based at a region."""

    name = models.CharField(_("name"), max_length=100)
    plate = models.CharField(_("plate number"), max_length=20, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("based in"))
    kind = models.CharField(_("kind"), max_length=20, choices=VehicleKind.choices, default=VehicleKind.CAR)
    seats = models.PositiveSmallIntegerField(_("seats"), default=4)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service vehicle")
        verbose_name_plural = _("service vehicles")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.plate}".strip()


class Venue(models.Model):
    """A venue (场地): a room or hall a community activity can use."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="venues", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=0)
    bookable = models.BooleanField(_("bookable"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
