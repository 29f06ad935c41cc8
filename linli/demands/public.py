"""The resident's pages: "我要服务" (ask for a service) and following a demand by tracking number.

Both work without an account: a visitor gives their community and mobile number, gets a tracking
number, and later proves who they are with the tracking number plus the same mobile number. A
logged-in resident skips those fields. The verified demands are remembered in the session.

Without an account both are rate-limited (``settings.RATE_LIMITS``): guesses of the mobile per
address and per tracking number, submissions (each texts the mobile given) per address and per
mobile. Over the limit the page answers 429 with ``Retry-After`` and says how long to wait.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.catalog.models import MenuItem
from linli.catalog.selectors import active_items
from linli.core.errors import DomainError
from linli.core.ratelimit import client_ip, ratelimit_hit
from linli.demands.forms import ComplainForm, RatingForm, ServeForm, TrackForm
from linli.demands.models import Channel, Demand, normalise_tracking
from linli.demands.services import (
    DemandInput,
    actors_for,
    demand_owner_check,
    demand_rate,
    demand_submit,
    demand_transition,
)
from linli.demands.workflow import Actor
from linli.privacy.identifiers import IdentifierError, parse_mobile
from linli.regions.models import Level, Region

SESSION_KEY = "linli_tracked_demands"


def _own_resident(user):
    return getattr(user, "resident", None) if user.is_authenticated else None


def _items_for(resident):
    """The community's menu when it has one, else the whole catalog."""
    items = active_items()
    if resident is not None:
        menu = MenuItem.objects.filter(community=resident.region.community(), active=True).values_list("item_id", flat=True)
        menu_items = items.filter(pk__in=list(menu))
        if menu_items.exists():
            return menu_items
    return items


def _mobile(text: str) -> str:
    try:
        return parse_mobile(text)
    except IdentifierError:
        return "".join(ch for ch in text if ch.isdigit())


def _too_many(request, template: str, context: dict, form, verdict) -> HttpResponse:
    form.add_error(None, verdict.message)
    response = render(request, template, {**context, "limited": True}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _remember(request, demand: Demand) -> None:
    tracked = [pk for pk in request.session.get(SESSION_KEY, []) if pk != demand.pk][-19:]
    request.session[SESSION_KEY] = [*tracked, demand.pk]


@require_http_methods(["GET", "POST"])
def serve(request):
    resident = _own_resident(request.user)
    anonymous = resident is None
    communities = list(Region.objects.current().filter(level=Level.COMMUNITY).order_by("path")) if anonymous else []
    form = ServeForm(request.POST or None, items=_items_for(resident), communities=communities, anonymous=anonymous)
    context = {"form": form, "anonymous": anonymous, "resident": resident}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if anonymous:
            verdict = ratelimit_hit(page="serve", values={
                "ip": client_ip(request), "mobile": _mobile(data.get("contact_mobile", ""))})
            if not verdict.allowed:
                return _too_many(request, "demands/serve.html", context, form, verdict)
            region = next(c for c in communities if c.code == data["community"])
        else:
            region = resident.region
        item = active_items().filter(code=data["item"]).first()
        try:
            result = demand_submit(user=request.user, data=DemandInput(
                region=region, description=data["description"], channel=Channel.SELF_SERVICE, item=item,
                resident=resident, address=data.get("address", ""), contact_name=data.get("contact_name", ""),
                contact_mobile=data.get("contact_mobile", ""),
            ))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            _remember(request, result.demand)
            messages.success(request, _("Received. Keep your tracking number: %(n)s") % {"n": result.demand.tracking_display})
            return redirect("demands:track_detail", tracking=result.demand.tracking_number)
    return render(request, "demands/serve.html", context)


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verdict = ratelimit_hit(page="track", values={
            "ip": client_ip(request), "number": normalise_tracking(form.cleaned_data["tracking_number"])})
        if not verdict.allowed:
            return _too_many(request, "demands/track.html", {"form": form, "mine": []}, form, verdict)
        try:
            demand = demand_owner_check(tracking_number=form.cleaned_data["tracking_number"],
                                        mobile=form.cleaned_data["mobile"])
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            _remember(request, demand)
            return redirect("demands:track_detail", tracking=demand.tracking_number)
    mine = []
    resident = _own_resident(request.user)
    if resident is not None:
        mine = list(Demand.objects.filter(resident=resident).select_related("item").order_by("-id")[:20])
    return render(request, "demands/track.html", {"form": form, "mine": mine})


def _owned(request, tracking: str) -> tuple[Demand, bool]:
    """The demand, and whether the visitor proved ownership in this session (404 otherwise)."""
    from django.http import Http404

    demand = Demand.objects.select_related("item", "community", "resident", "assignee_org").filter(
        tracking_number=tracking.upper()).first()
    if demand is None:
        raise Http404
    verified = demand.pk in request.session.get(SESSION_KEY, [])
    if not verified and Actor.OWNER not in actors_for(request.user, demand):
        raise Http404
    return demand, verified


@require_http_methods(["GET", "POST"])
def track_detail(request, tracking: str):
    demand, verified = _owned(request, tracking)
    rating_form = RatingForm(request.POST if request.POST.get("do") == "rate" else None)
    complain_form = ComplainForm(request.POST if request.POST.get("do") == "complain" else None)
    if request.method == "POST":
        try:
            _verdict(request, demand, verified, rating_form, complain_form)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            if not rating_form.errors and not complain_form.errors:
                return redirect("demands:track_detail", tracking=demand.tracking_number)
    events = demand.events.exclude(action__in=["note", "remind"]).order_by("at", "id")
    return render(request, "demands/track_detail.html", {
        "demand": demand, "events": events, "rating_form": rating_form, "complain_form": complain_form,
        "can_verdict": demand.state in {"resolved", "closed"},
    })


def _verdict(request, demand, verified, rating_form, complain_form) -> None:
    do = request.POST.get("do")
    if do == "confirm":
        demand_transition(demand=demand, user=request.user, action="confirm", owner_verified=verified)
        messages.success(request, _("Thank you for confirming."))
    elif do == "rate" and rating_form.is_valid():
        demand_rate(demand=demand, user=request.user, rating=rating_form.cleaned_data["rating"],
                    comment=rating_form.cleaned_data["comment"], owner_verified=verified)
        messages.success(request, _("Thank you for your rating."))
    elif do == "complain" and complain_form.is_valid():
        demand_transition(demand=demand, user=request.user, action="complain", note=complain_form.cleaned_data["note"],
                          owner_verified=verified)
        messages.success(request, _("Your complaint was sent; the demand is open again."))
