"""Reads of the 爱心铺: a volunteer's shelf and redemptions, the keeper's stock and pickups, the
monthly figures of donations and redemptions."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from linli.accounts.scoping import path_q
from linli.ledger.services import community_path
from linli.records.permissions import shopkeeper_paths
from linli.shop.models import Donation, Redemption, RedemptionState, ShopItem


def shelf(volunteer) -> QuerySet[ShopItem]:
    """What the volunteer's community shop has on the shelf."""
    return ShopItem.objects.filter(path=community_path(volunteer.region.path), active=True).order_by("price", "name")


def my_redemptions(user) -> QuerySet[Redemption]:
    return Redemption.objects.filter(volunteer__user=user).select_related("item__region").order_by("-id")


def keeper_items(user) -> QuerySet[ShopItem]:
    return ShopItem.objects.filter(path_q("path", shopkeeper_paths(user))).order_by("name")


def keeper_redemptions(user) -> QuerySet[Redemption]:
    paths = shopkeeper_paths(user)
    return Redemption.objects.filter(path_q("path", paths)).select_related("item", "volunteer").order_by("-id")


def recent_donors(path: str, limit: int = 10) -> QuerySet[Donation]:
    """The thanks wall: the latest donations to the community's shop."""
    return (Donation.objects.filter(item__path=community_path(path)).select_related("item")
            .order_by("-id")[:limit])


def monthly_report(user, months: int = 12) -> list[dict]:
    """Per month: donations (count, goods) and redemptions (count, goods, points), newest first."""
    paths = shopkeeper_paths(user)
    donations = {row["month"].date() if hasattr(row["month"], "date") else row["month"]: row for row in
                 Donation.objects.filter(path_q("item__path", paths)).annotate(month=TruncMonth("received_at"))
                 .values("month").annotate(n=Count("id"), goods=Sum("quantity"))}
    redemptions = {row["month"].date() if hasattr(row["month"], "date") else row["month"]: row for row in
                   Redemption.objects.filter(path_q("path", paths)).exclude(state=RedemptionState.CANCELLED)
                   .annotate(month=TruncMonth("created_at")).values("month")
                   .annotate(n=Count("id"), goods=Sum("quantity"), points=Sum("points"))}
    out = []
    for month in sorted(set(donations) | set(redemptions), reverse=True)[:months]:
        d, r = donations.get(month, {}), redemptions.get(month, {})
        out.append({"month": month, "donations": d.get("n", 0), "donated": d.get("goods", 0) or 0,
                    "redemptions": r.get("n", 0), "redeemed": r.get("goods", 0) or 0, "points": r.get("points", 0) or 0})
    return out
