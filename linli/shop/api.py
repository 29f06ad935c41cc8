"""``/api/shop``: the shelf, redemptions and cancellations for volunteers; items, donations,
pickups and the monthly report for the shop keeper."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema, Status

from linli.core.api_support import PathId, Points, Quantity, caller, responses
from linli.records.permissions import shopkeeper_paths
from linli.shop import selectors as sel
from linli.shop import services
from linli.supply.selectors import volunteer_of

router = Router(tags=["shop"])


class ShopItemOut(Schema):
    id: int = Field(description="Item id.")
    name: str = Field(description="Name.")
    description: str = Field(description="Description.")
    price: int = Field(description="Price in points.")
    stock: int = Field(description="How many are on the shelf.")
    active: bool = Field(description="On the shelf.")


class ShopItemIn(Schema):
    region: str = Field(description="Community code (the shop).")
    name: str = Field(description="Name.")
    price: Points = Field(description="Price in points (a whole number above zero).")
    description: str = Field("", description="Description.")


class ShopItemPatch(Schema):
    price: Points | None = Field(None, description="New price in points.")
    active: bool | None = Field(None, description="On or off the shelf.")


class DonationIn(Schema):
    donor_name: str = Field(description="Donor, as they wish to be thanked.")
    donor_kind: str = Field(description="business, resident, organisation or other.")
    quantity: Quantity = Field(description="How many.")
    note: str = Field("", description="Note.")


class DonationOut(Schema):
    id: int = Field(description="Donation id.")
    item_id: int = Field(description="Item.")
    donor_name: str = Field(description="Donor.")
    quantity: int = Field(description="How many.")
    received_at: dt.datetime = Field(description="When.")


class RedeemIn(Schema):
    quantity: Quantity = Field(1, description="How many (1–20).")


class RedemptionOut(Schema):
    id: int = Field(description="Redemption id.")
    item_id: int = Field(description="Item.")
    quantity: int = Field(description="How many.")
    points: int = Field(description="Points paid.")
    state: str = Field(description="reserved (ready for pickup), picked_up or cancelled.")
    pickup_code: str = Field(description="Show this code at the shop.")
    created_at: dt.datetime = Field(description="When.")


class PickupIn(Schema):
    region: str = Field(description="Community code (the shop).")
    code: str = Field(description="The volunteer's pickup code.")


class CancelIn(Schema):
    reason: str = Field("", description="Optional reason.")


class MonthOut(Schema):
    month: dt.date = Field(description="First day of the month.")
    donations: int = Field(description="Donations received.")
    donated: int = Field(description="Goods received.")
    redemptions: int = Field(description="Redemptions (not cancelled).")
    redeemed: int = Field(description="Goods redeemed.")
    points: int = Field(description="Points spent.")


def _shop_region(code: str):
    """The shop's community by code; whether the caller keeps it is the service's question (404)."""
    from linli.regions.models import Region

    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


def _keeper(request):
    user = caller(request)
    if not shopkeeper_paths(user):
        raise Http404
    return user


@router.get("/shop/items", response=responses({200: list[ShopItemOut]}, errors=(401,)),
            summary="The shelf of my community's shop (volunteers) or its stock (shop keepers)")
def list_items(request):
    user = caller(request)
    if shopkeeper_paths(user):
        return list(sel.keeper_items(user))
    volunteer = volunteer_of(user)
    return list(sel.shelf(volunteer)) if volunteer else []


@router.post("/shop/items", response=responses({201: ShopItemOut}, errors=(400, 401, 404, 422)), summary="Add an item")
def create_item(request, payload: ShopItemIn):
    user = _keeper(request)
    return Status(201, services.item_create(user=user, region=_shop_region(payload.region),
                                            name=payload.name, price=payload.price, description=payload.description))


@router.patch("/shop/items/{item_id}", response=responses({200: ShopItemOut}, errors=(400, 401, 404, 422)),
              summary="Change an item's price or take it off the shelf")
def update_item(request, item_id: PathId, payload: ShopItemPatch):
    user = _keeper(request)
    item = sel.keeper_items(user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return services.item_update(user=user, item=item, price=payload.price, active=payload.active)


@router.post("/shop/items/{item_id}/donations", response=responses({201: DonationOut}, errors=(400, 401, 404, 422)),
             summary="Record a donation (the stock rises)")
def donate(request, item_id: PathId, payload: DonationIn):
    user = _keeper(request)
    item = sel.keeper_items(user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return Status(201, services.donation_receive(user=user, item=item, donor_name=payload.donor_name,
                                                 donor_kind=payload.donor_kind, quantity=payload.quantity, note=payload.note))


@router.post("/shop/items/{item_id}/redeem", response=responses({201: RedemptionOut}, errors=(400, 401, 404, 422)),
             summary="Redeem an item for points (stock and points move together)")
def redeem(request, item_id: PathId, payload: RedeemIn):
    user = caller(request)
    volunteer = volunteer_of(user)
    item = sel.shelf(volunteer).filter(pk=item_id).first() if volunteer else None
    if item is None:
        raise Http404
    return Status(201, services.redeem(user=user, item=item, quantity=payload.quantity))


@router.get("/shop/redemptions", response=responses({200: list[RedemptionOut]}, errors=(401,)),
            summary="My redemptions (volunteers) or the shop's (shop keepers)")
def list_redemptions(request):
    user = caller(request)
    qs = sel.keeper_redemptions(user) if shopkeeper_paths(user) else sel.my_redemptions(user)
    return list(qs[:500])


@router.post("/shop/redemptions/{redemption_id}/cancel", response=responses({200: RedemptionOut}, errors=(400, 401, 404, 422)),
             summary="Cancel before pickup: points back by reversal, goods back on the shelf")
def cancel(request, redemption_id: PathId, payload: CancelIn):
    user = caller(request)
    redemption = sel.my_redemptions(user).filter(pk=redemption_id).first() or sel.keeper_redemptions(user).filter(
        pk=redemption_id).first()
    if redemption is None:
        raise Http404
    return services.redemption_cancel(user=user, redemption=redemption, reason=payload.reason)


@router.post("/shop/pickup", response=responses({200: RedemptionOut}, errors=(400, 401, 404, 422)),
             summary="Hand over the goods for a pickup code")
def pickup(request, payload: PickupIn):
    user = _keeper(request)
    return services.pickup(user=user, region=_shop_region(payload.region), code=payload.code)


@router.get("/shop/report", response=responses({200: list[MonthOut]}, errors=(401, 404)),
            summary="Donations and redemptions per month")
def report(request):
    return sel.monthly_report(_keeper(request))
