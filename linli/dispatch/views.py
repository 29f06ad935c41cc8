"""The volunteer's day on a phone: offers to accept or decline, today's tasks in time order with a
map link, check-in and check-out, and emergency calls to answer."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError
from linli.dispatch import selectors as sel
from linli.dispatch import services
from linli.regions.selectors import region_get


@login_required
@require_GET
def my_day(request):
    volunteer = sel.own_volunteer(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(request, "dispatch/my_day.html", {
        "volunteer": volunteer,
        "offers": list(sel.my_offers(user=request.user)),
        "bookings": list(sel.my_bookings(user=request.user)),
        "calls": list(sel.open_calls(user=request.user)),
    })


def _run(request, action, success: str):
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("dispatch:me")


@login_required
@require_POST
def answer_offer(request, pk: int, answer: str):
    offer = sel.my_offer(user=request.user, pk=pk)
    if answer == "accept":
        return _run(request, lambda: services.offer_accept(offer=offer, user=request.user), _("Booked. Thank you!"))
    if answer == "decline":
        return _run(request, lambda: services.offer_decline(offer=offer, user=request.user,
                                                             reason=request.POST.get("reason", "")),
                    _("Declined. It will be offered to someone else."))
    raise Http404


@login_required
@require_POST
def check(request, pk: int, step: str):
    booking = sel.my_booking(user=request.user, pk=pk)
    if step == "in":
        return _run(request, lambda: services.booking_check_in(booking=booking, user=request.user), _("Checked in."))
    if step == "out":
        return _run(request, lambda: services.booking_check_out(booking=booking, user=request.user), _("Checked out. Thank you!"))
    raise Http404


@login_required
@require_POST
def accept_call(request, pk: int):
    call = sel.call_get(user=request.user, pk=pk)
    return _run(request, lambda: services.call_accept(call=call, user=request.user), _("You are booked for this call."))


def _week_start(raw: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


@login_required
@require_GET
def gaps(request):
    """The gap report for a week (Monday first) in the user's area or a region of it."""
    scope = scope_for(request.user)
    if not scope.resident_paths:
        raise Http404
    from linli.dispatch.gaps import gap_report
    from linli.regions.models import Region

    code = request.GET.get("region")
    within = region_get(user=request.user, code=code) if code else Region.objects.get(path=scope.resident_paths[0])
    week = _week_start(request.GET.get("week"))
    return render(request, "dispatch/gaps.html", {
        "rows": gap_report(within=within, week_start=week), "within": within, "week": week,
        "previous": week - dt.timedelta(days=7), "next": week + dt.timedelta(days=7),
    })
