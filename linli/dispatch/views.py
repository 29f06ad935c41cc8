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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError
from linli.dispatch import selectors as sel
from linli.dispatch import services
from linli.regions.selectors import region_get
from linli.supply.selectors import volunteer_of


@login_required
@require_GET
def my_day(request):
    return _my_day(request)


def _my_day(request, revealed: dict[int, str] | None = None):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    now = timezone.now()
    bookings = list(sel.my_bookings(user=request.user))
    for b in bookings:  # check-in and check-out are offered only within the window around the task
        b.check_opens, b.check_closes = services.check_window(b)
        b.check_open = b.check_opens <= now < b.check_closes
        b.contact = services.booking_contact(b) if b.task_id else {}
        if b.contact and revealed and b.pk in revealed:
            b.contact["mobile"] = revealed[b.pk]  # in this answer only: never in a URL, a session or a cache
    offers = list(sel.my_offers(user=request.user))
    for o in offers:
        o.km = f"{o.distance_m / 1000:.1f}"
    return render(request, "dispatch/my_day.html", {
        "volunteer": volunteer, "now": now,
        "offers": offers,
        "bookings": bookings,
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
def reveal_contact(request, pk: int):
    """The resident's number for the booked volunteer, on the task's day; logged."""
    booking = sel.my_booking(user=request.user, pk=pk)
    try:
        mobile = services.booking_contact_reveal(booking=booking, user=request.user, ip=request.META.get("REMOTE_ADDR"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("dispatch:me")
    return _my_day(request, revealed={booking.pk: mobile})


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


# --- recurring plans -------------------------------------------------------------------------------

#: "Generate" on the plans page makes the occurrences of this many days from today.
PLAN_PAGE_DAYS = 14


def _month(raw: str | None) -> dt.date:
    """The first day of the month ``YYYY-MM``; this month when missing or malformed."""
    try:
        return dt.datetime.strptime(raw or "", "%Y-%m").date()  # noqa: DTZ007 (a calendar month, no time)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _plans_url(month: dt.date) -> str:
    from django.urls import reverse

    return f"{reverse('dispatch:plans')}?month={month:%Y-%m}"


def plan_rows(plans, month: dt.date) -> list[dict]:
    """Each plan with the month's visit rate: residents served at least once of those it covers."""
    from django.utils.dates import WEEKDAYS

    rows = []
    for plan in plans:
        served, covered = services.plan_coverage(plan=plan, month_start=month)
        rows.append({
            "plan": plan, "served": served, "covered": covered,
            "rate": served * 100 // covered if covered else None, "below": served < covered,
            "weekday": WEEKDAYS.get(plan.weekday) if plan.weekday is not None else "",
        })
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    """The coordinator's recurring plans with this month's coverage, and a form for a new one."""
    from linli.dispatch.forms import PlanForm

    _require_coordinator(request.user)
    month = _month(request.GET.get("month"))
    form = PlanForm(request.POST if request.method == "POST" else None, regions=sel.plan_regions(user=request.user),
                    items=sel.plan_items(), tags=sel.plan_tags(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_create(
                user=request.user, region=form.regions[data["region"]], item_code=data["item"], rule=data["rule"],
                weekday=data["weekday"], day_of_month=data["day_of_month"], start_time=data["start_time"],
                end_time=data["end_time"], target_tag_code=data["target_tag"] or None,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Plan created."))
            return redirect(_plans_url(month))
    nxt = (month + dt.timedelta(days=31)).replace(day=1)
    return render(request, "dispatch/plans.html", {
        "rows": plan_rows(sel.coordinator_plans(user=request.user), month), "form": form, "month": month,
        "previous": (month - dt.timedelta(days=1)).replace(day=1), "next": nxt,
        "horizon": PLAN_PAGE_DAYS,
    })


@login_required
@require_POST
def plan_generate(request, pk: int):
    plan = sel.plan_get(user=request.user, pk=pk)
    today = timezone.localdate()
    try:
        created = services.plan_generate(plan=plan, start=today, end=today + dt.timedelta(days=PLAN_PAGE_DAYS - 1))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ngettext("%(n)s task generated for the next %(days)s days.",
                                           "%(n)s tasks generated for the next %(days)s days.", created)
                         % {"n": created, "days": PLAN_PAGE_DAYS})
    return redirect(_plans_url(_month(request.POST.get("month"))))


@login_required
@require_POST
def plan_active(request, pk: int):
    plan = sel.plan_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    services.plan_set_active(user=request.user, plan=plan, active=active)
    messages.success(request, _("Plan resumed.") if active else _("Plan paused: no new tasks are generated."))
    return redirect(_plans_url(_month(request.POST.get("month"))))
