"""Pages of the organising unit (records waiting, overdue first; completing and confirming; a group
activity; answering corrections) and the volunteer's correction request."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.scoping import prefix_q
from linli.core.errors import DomainError
from linli.ledger.units import minutes_from_hours
from linli.records import selectors as sel
from linli.records import services
from linli.records.permissions import recorder_paths
from linli.regions.models import SEGMENT


def _require_recorder(user):
    if not recorder_paths(user):
        raise Http404


@login_required
@require_GET
def queue(request):
    _require_recorder(request.user)
    overdue = request.GET.get("overdue") == "1"
    records = sel.unit_records(request.user, overdue=overdue)
    return render(request, "records/queue.html", {
        "records": list(records[:200]), "total": records.count(), "overdue_only": overdue,
        "corrections": list(sel.open_corrections(request.user)[:100]), "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    """Complete a pending record and confirm it (or discard it with a reason)."""
    record = sel.unit_record(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "discard":
                services.record_discard(user=request.user, record=record, reason=request.POST.get("reason", ""))
                messages.success(request, _("The record will not count; it stays on file."))
                return redirect("records:queue")
            record = services.record_complete(
                user=request.user, record=record, minutes=minutes_from_hours(request.POST.get("hours", "")),
                activity=request.POST.get("activity"), place=request.POST.get("place"),
                content=request.POST.get("content"), person_in_charge=request.POST.get("person_in_charge"))
            if action == "confirm":
                services.record_confirm(user=request.user, record=record)
                messages.success(request, _("Confirmed: the hours, points and time-bank hours are credited."))
                return redirect("records:queue")
            messages.success(request, _("Saved."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return render(request, "records/detail.html", {"record": record})


@login_required
@require_http_methods(["GET", "POST"])
def group(request):
    """Record a group activity for several volunteers at once (confirmed by the unit recording it)."""
    from linli.regions.models import Region
    from linli.supply.models import Volunteer

    paths = recorder_paths(request.user)
    if not paths:
        raise Http404
    region = Region.objects.get(path=paths[0])
    street = region.path[: 2 * SEGMENT]  # a unit records volunteers of its street, as record_create allows
    volunteers = Volunteer.objects.filter(prefix_q("region__path", street), status="active").order_by("name")
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            chosen = list(volunteers.filter(pk__in=[int(v) for v in request.POST.getlist("volunteers") if v.isdigit()])
                          .select_related("region"))
            day = dt.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD."))
        else:
            try:
                records = services.record_create(
                    user=request.user, volunteers=chosen, region=region, activity=request.POST.get("activity", ""),
                    date=day, place=request.POST.get("place", ""), content=request.POST.get("content", ""),
                    minutes=minutes_from_hours(request.POST.get("hours", "")),
                    person_in_charge=request.POST.get("person_in_charge", ""))
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("%(n)s records confirmed.") % {"n": len(records)})
                return redirect("records:queue")
    return render(request, "records/group.html", {"volunteers": volunteers[:500], "region": region, "values": values,
                                                  "chosen": set(values.getlist("volunteers")) if values else set()})


@login_required
@require_POST
def decide(request, pk: int):
    correction = sel.unit_correction(request.user, pk)
    try:
        services.correction_decide(user=request.user, request=correction, accept=request.POST.get("answer") == "accept",
                                   reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Answered. The volunteer has been told."))
    return redirect("records:queue")


@login_required
@require_POST
def ask_correction(request, pk: int):
    record = sel.my_record(request.user, pk)
    try:
        services.correction_request(user=request.user, record=record, reason=request.POST.get("reason", ""),
                                    minutes=minutes_from_hours(request.POST.get("hours", "")),
                                    content=request.POST.get("content", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Sent. The organising unit will accept or refuse it with a reason."))
    return redirect("ledger:mine")
