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
from django.utils.translation import ngettext
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


# --- the coordinator's pages ---------------------------------------------------------------------


def _require_coordinator(user):
    if not scope_for(user).resident_paths:
        raise Http404


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def board(request):
    """A day's tasks in the coordinator's area: who is asked, who is booked, who did not come."""
    _require_coordinator(request.user)
    day = _day(request.GET.get("day"))
    tasks = list(sel.coordinator_tasks(user=request.user, day=day))
    return render(request, "dispatch/board.html", {
        "day": day, "tasks": tasks, "now": timezone.now(),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@login_required
@require_POST
def batch(request):
    _require_coordinator(request.user)
    day = _day(request.POST.get("day"))
    from linli.regions.models import Region

    region = Region.objects.get(path=scope_for(request.user).resident_paths[0])
    try:
        out = services.dispatch_batch(user=request.user, region=region, day=day)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(offers)s offers sent for %(tasks)s open tasks; %(unassigned)s found no volunteer.") % out)
    return redirect(f"{_board_url()}?day={day.isoformat()}")


def _board_url():
    from django.urls import reverse

    return reverse("dispatch:board")


@login_required
@require_GET
def task_detail(request, pk: int):
    """One task with the five best volunteers and why, for the coordinator to pick."""
    from linli.supply.models import Volunteer

    task = sel.coordinator_task(user=request.user, pk=pk)
    best = services.task_candidates(task, k=5)
    names = dict(Volunteer.objects.filter(pk__in=[pk for pk, _c in best]).values_list("pk", "name"))
    return render(request, "dispatch/task_detail.html", {
        "task": task, "candidates": [(pk, names.get(pk, ""), c) for pk, c in best],
        "offers": task.offers.select_related("volunteer").order_by("rank"), "now": timezone.now(),
        "broadcast_default": services.BROADCAST_DEFAULT, "broadcast_max": services.BROADCAST_MAX,
    })


@login_required
@require_POST
def task_offer(request, pk: int):
    task = sel.coordinator_task(user=request.user, pk=pk)
    volunteer = request.POST.get("volunteer", "")
    try:
        services.offer_make(user=request.user, task=task, volunteer_id=int(volunteer) if volunteer.isdigit() else 0)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Offer sent. The volunteer decides whether to accept."))
    return redirect("dispatch:task", pk=task.pk)


@login_required
@require_POST
def task_broadcast(request, pk: int):
    """Ask the best volunteers not yet asked all at once; the first to accept is booked."""
    task = sel.coordinator_task(user=request.user, pk=pk)
    raw = request.POST.get("count", "").strip()
    count = int(raw) if raw.isdigit() else (services.BROADCAST_DEFAULT if not raw else 0)
    try:
        sent = services.task_broadcast(user=request.user, task=task, count=count)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ngettext(
            "Asked %(n)s volunteer at once; the first to accept is booked.",
            "Asked %(n)s volunteers at once; the first to accept is booked.", sent) % {"n": sent})
    return redirect("dispatch:task", pk=task.pk)


@login_required
@require_POST
def no_show(request, pk: int):
    booking = sel.coordinator_booking(user=request.user, pk=pk)
    try:
        stand_in = services.booking_no_show(user=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Recorded as a no-show; a stand-in has been asked.") if stand_in
                         else _("Recorded as a no-show; no stand-in is available. Try an emergency call."))
    return redirect("dispatch:task", pk=booking.task_id)


@login_required
@require_POST
def task_from_demand(request, demand_pk: int):
    """From a demand's page: a task for volunteers on a day and time window."""
    from linli.demands.selectors import demand_get

    demand = demand_get(user=request.user, pk=demand_pk)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
        start = dt.datetime.combine(day, dt.time.fromisoformat(request.POST.get("start", "")), services.SHANGHAI)
        end = dt.datetime.combine(day, dt.time.fromisoformat(request.POST.get("end", "")), services.SHANGHAI)
    except ValueError:
        messages.error(request, _("Give the day and the start and end times."))
        return redirect("demands:detail", pk=demand.pk)
    try:
        task = services.task_create_for_demand(user=request.user, demand=demand, start=start, end=end)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("demands:detail", pk=demand.pk)
    return redirect("dispatch:task", pk=task.pk)
