"""The 爱心铺 on a phone: the volunteer's shelf, redemptions and pickup codes; the shop keeper's page
(stock, donations, pickups, the month's figures)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import DomainError
from linli.records.permissions import shopkeeper_paths
from linli.shop import selectors as sel
from linli.shop import services


@login_required
@require_GET
def index(request):
    from linli.ledger.selectors import wallet
    from linli.supply.selectors import volunteer_of

    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(request, "shop/index.html", {
        "wallet": wallet(volunteer), "items": list(sel.shelf(volunteer)),
        "redemptions": list(sel.my_redemptions(request.user)[:20]), "donors": list(sel.recent_donors(volunteer.region.path)),
    })


@login_required
@require_POST
def redeem(request, pk: int):
    from linli.supply.selectors import volunteer_of

    volunteer = volunteer_of(request.user)
    item = sel.shelf(volunteer).filter(pk=pk).first() if volunteer else None
    if item is None:
        raise Http404
    quantity = request.POST.get("quantity", "1")
    if request.POST.get("confirm") != "yes":
        # First the confirmation: what, how many points, and where and when to collect it.
        return _confirm(request, volunteer, item, quantity)
    try:
        r = services.redeem(user=request.user, item=item, quantity=quantity)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Redeemed. Show the pickup code %(code)s at %(place)s (%(hours)s).") % {
            "code": r.pickup_code, "place": item.where_to_collect, "hours": item.when_to_collect})
    return redirect("shop:index")


def _confirm(request, volunteer, item, quantity):
    from linli.ledger.selectors import wallet

    try:
        n = int(quantity)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= services.MAX_QUANTITY:
        messages.error(request, _("Choose how many to redeem"))
        return redirect("shop:index")
    points = wallet(volunteer).points
    return render(request, "shop/confirm.html", {
        "item": item, "quantity": n, "cost": item.price * n, "points": points, "after": points - item.price * n,
    })


@login_required
@require_POST
def cancel(request, pk: int):
    redemption = sel.my_redemptions(request.user).filter(pk=pk).first() or sel.keeper_redemptions(request.user).filter(pk=pk).first()
    if redemption is None:
        raise Http404
    try:
        services.redemption_cancel(user=request.user, redemption=redemption, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Cancelled: the points are back."))
    return redirect("shop:keeper" if request.POST.get("next") == "keeper" else "shop:index")


def _keeper_region(user):
    from linli.regions.models import Region

    paths = shopkeeper_paths(user)  # community paths
    if not paths:
        raise Http404
    return Region.objects.get(path=paths[0])


@login_required
def keeper(request):
    """Stock, donations, pickups by code and the month's figures, for the community's shop keeper."""
    region = _keeper_region(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "item":
                services.item_create(user=request.user, region=region, name=request.POST.get("name", ""),
                                     price=request.POST.get("price", ""), description=request.POST.get("description", ""),
                                     pickup_place=request.POST.get("pickup_place", ""),
                                     pickup_hours=request.POST.get("pickup_hours", ""))
                messages.success(request, _("Added to the shelf."))
            elif action == "donation":
                item = sel.keeper_items(request.user).filter(pk=request.POST.get("item") or 0).first()
                if item is None:
                    raise DomainError("not_found", _("Not found"), field="item")
                services.donation_receive(user=request.user, item=item, donor_name=request.POST.get("donor_name", ""),
                                          donor_kind=request.POST.get("donor_kind", ""),
                                          quantity=request.POST.get("quantity", ""), note=request.POST.get("note", ""))
                messages.success(request, _("Donation recorded. Thank the donor!"))
            elif action == "pickup":
                r = services.pickup(user=request.user, region=region, code=request.POST.get("code", ""))
                messages.success(request, _("Hand over: %(item)s × %(n)s to %(name)s.") % {
                    "item": r.item.name, "n": r.quantity, "name": r.volunteer.name})
            return redirect("shop:keeper")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    from linli.shop.models import DonorKind

    return render(request, "shop/keeper.html", {
        "region": region, "items": list(sel.keeper_items(request.user)), "donor_kinds": DonorKind.choices,
        "waiting": list(sel.keeper_redemptions(request.user).filter(state="reserved")[:100]),
        "report": sel.monthly_report(request.user), "values": request.POST,
    })
