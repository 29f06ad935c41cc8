"""Writes of the 爱心铺: items, donations (recorded and thanked), redemptions, pickups, cancellations.

**Lock order.** Every write here that takes more than one row lock takes them in this order, so
two of them never wait for each other in a cycle (a deadlock):

1. the redemption being cancelled or picked up (its row, by the conditional UPDATE of its state);
2. the item (``ShopItem``, by the UPDATE of its stock);
3. the points accounts, in id order (``ledger.transfer_post`` / ``transfer_reverse`` sort them);
4. rows inserted last (the new redemption, the transfer and its entries).

A redemption takes 2 → 3 → 4, a cancellation 1 → 2 → 3 → 4 (the stock goes back *before* the
points are reversed), a pickup 1. Should PostgreSQL still pick a transaction as a deadlock or
serialization victim, ``atomic_retry`` runs it again.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.db import atomic_retry
from linli.core.errors import DomainError
from linli.ledger import services as ledger
from linli.ledger.models import AccountKind, Ledger, TransferKind
from linli.records.permissions import shopkeeper_covers
from linli.regions.models import SEGMENT, Region
from linli.shop.models import Donation, DonorKind, Redemption, RedemptionState, ShopItem

#: The most of one item a volunteer takes in one redemption.
MAX_QUANTITY = 20


def _require_keeper(user, path: str):
    if not shopkeeper_covers(user, path):
        raise DomainError("not_found", _("Not found"))


def item_create(*, user, region: Region, name: str, price, description: str = "", pickup_place: str = "",
                pickup_hours: str = "") -> ShopItem:
    community = ledger.community_path(region.path)
    if len(community) != len(region.path):
        region = Region.objects.get(path=community)
    _require_keeper(user, region.path)
    name = (name or "").strip()[:80]
    if not name:
        raise DomainError("required", _("This field is required"), field="name")
    price = ledger.check_amount(price, field="price")
    return ShopItem.objects.create(region=region, path=region.path, name=name, price=price,
                                   description=(description or "").strip()[:200], created_by=user,
                                   pickup_place=(pickup_place or "").strip()[:120],
                                   pickup_hours=(pickup_hours or "").strip()[:120])


def item_update(*, user, item: ShopItem, price=None, active: bool | None = None) -> ShopItem:
    _require_keeper(user, item.path)
    changes = {}
    if price is not None:
        changes["price"] = ledger.check_amount(price, field="price")
    if active is not None:
        changes["active"] = bool(active)
    if changes:
        ShopItem.objects.filter(pk=item.pk).update(**changes)
        item.refresh_from_db()
    return item


def donation_receive(*, user, item: ShopItem, donor_name: str, donor_kind: str, quantity, note: str = "",
                     donor_user=None) -> Donation:
    """Goods on the shelf, the donor on record; a donor with an account is thanked in the app."""
    _require_keeper(user, item.path)
    quantity = ledger.check_amount(quantity, field="quantity")
    donor_name = (donor_name or "").strip()[:80]
    if not donor_name:
        raise DomainError("required", _("This field is required"), field="donor_name")
    if donor_kind not in DonorKind.values:
        raise DomainError("donor_kind_invalid", _("Choose what kind of donor this is"), field="donor_kind")
    with transaction.atomic():
        donation = Donation.objects.create(item=item, donor_name=donor_name, donor_kind=donor_kind, quantity=quantity,
                                           note=(note or "").strip()[:200], received_by=user, donor_user=donor_user)
        ShopItem.objects.filter(pk=item.pk).update(stock=F("stock") + quantity)
        if donor_user is not None:
            from linli.notifications.services import notify

            notify(  # in the donation's transaction: the thanks commits with it (outbox)
                template="shop_thanks", users=[donor_user], link="/shop/",
                context={"donor": donor_name, "item": item.name, "quantity": quantity},
            )
    item.refresh_from_db()
    return donation


def redeem(*, user, item: ShopItem, quantity=1) -> Redemption:
    """Take the stock and the points together, or neither; the volunteer gets a pickup code."""
    from linli.supply.selectors import volunteer_required

    volunteer = volunteer_required(user)
    quantity = ledger.check_amount(quantity, field="quantity")
    if quantity > MAX_QUANTITY:
        raise DomainError("quantity_too_large", _("Take at most 20 at a time"), field="quantity")
    if not item.active or not volunteer.region.path.startswith(item.path[: 2 * SEGMENT]):
        raise DomainError("not_found", _("Not found"))
    points = item.price * quantity
    wallet = ledger.volunteer_account(volunteer, Ledger.POINTS)
    shop = ledger.system_account(Ledger.POINTS, AccountKind.SHOP, item.region)
    for _attempt in range(5):
        try:
            return _redeem(user=user, item=item, volunteer=volunteer, quantity=quantity, points=points,
                           wallet=wallet, shop=shop)
        except IntegrityError:  # the pickup code is in use at this shop: draw another
            continue
    raise DomainError("try_again", _("Please try again"))


@atomic_retry
def _redeem(*, user, item: ShopItem, volunteer, quantity: int, points: int, wallet, shop) -> Redemption:
    # The item, then the accounts (the lock order in the module's docstring).
    if ShopItem.objects.filter(pk=item.pk, active=True, stock__gte=quantity).update(stock=F("stock") - quantity) != 1:
        raise DomainError("out_of_stock", _("Not enough of this item is left"), field="quantity")
    transfer = ledger.transfer_post(ledger=Ledger.POINTS, kind=TransferKind.REDEEM, created_by=user,
                                    memo=f"{item.name} × {quantity}", source=f"shop_item:{item.pk}",
                                    lines=[(wallet, -points), (shop, points)])
    return Redemption.objects.create(item=item, path=item.path, volunteer=volunteer, quantity=quantity,
                                     points=points, pickup_code=f"{secrets.randbelow(10**6):06d}", transfer=transfer)


def redemption_cancel(*, user, redemption: Redemption, reason: str = "") -> Redemption:
    """The volunteer (or the shop keeper) cancels before pickup: points back by reversal, goods back on the shelf."""
    own = redemption.volunteer.user_id == getattr(user, "pk", None)
    if not own:
        _require_keeper(user, redemption.path)
    _cancel(user=user, redemption=redemption, reason=reason)
    redemption.refresh_from_db()
    return redemption


@atomic_retry
def _cancel(*, user, redemption: Redemption, reason: str) -> None:
    # The redemption, the item, then the accounts (the lock order in the module's docstring).
    if Redemption.objects.filter(pk=redemption.pk, state=RedemptionState.RESERVED).update(
            state=RedemptionState.CANCELLED, cancelled_at=timezone.now(), handled_by=user,
            cancel_reason=(reason or "").strip()[:200]) != 1:
        raise DomainError("redemption_closed", _("This redemption was already picked up or cancelled"))
    ShopItem.objects.filter(pk=redemption.item_id).update(stock=F("stock") + redemption.quantity)
    refund = ledger.transfer_reverse(transfer=redemption.transfer, created_by=user, memo=f"cancelled: {redemption.pk}")
    Redemption.objects.filter(pk=redemption.pk).update(refund=refund)


def pickup(*, user, region: Region, code: str) -> Redemption:
    """The shop keeper hands over the goods for a pickup code."""
    path = ledger.community_path(region.path)
    _require_keeper(user, path)
    code = (code or "").strip()
    redemption = Redemption.objects.filter(path=path, pickup_code=code, state=RedemptionState.RESERVED).first()
    if redemption is None:
        raise DomainError("code_unknown", _("No redemption waiting for pickup has this code"), field="code")
    if Redemption.objects.filter(pk=redemption.pk, state=RedemptionState.RESERVED).update(
            state=RedemptionState.PICKED_UP, picked_up_at=timezone.now(), handled_by=user) != 1:
        raise DomainError("redemption_closed", _("This redemption was already picked up or cancelled"))
    redemption.refresh_from_db()
    return redemption
