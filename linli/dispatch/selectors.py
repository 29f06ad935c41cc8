"""Reads of the dispatch service: a volunteer's own offers, bookings and open calls; a
coordinator's tasks, scoped to their region."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linli.accounts.scoping import path_q, scope_for
from linli.dispatch.models import Booking, MobilisationCall, Offer, OfferState, RecurringPlan, Task
from linli.regions.models import SEGMENT, Level, Region
from linli.supply.selectors import volunteer_of


def my_offers(*, user) -> QuerySet[Offer]:
    return Offer.objects.filter(volunteer__user=user, state=OfferState.PENDING, expires_at__gt=timezone.now()).select_related(
        "task__item", "task__region__parent").order_by("task__start")


def my_offer(*, user, pk: int) -> Offer:
    try:
        return Offer.objects.select_related("task", "volunteer").get(pk=pk, volunteer__user=user)
    except Offer.DoesNotExist:
        raise Http404 from None


def my_bookings(*, user, since: dt.datetime | None = None) -> QuerySet[Booking]:
    since = since or timezone.now() - dt.timedelta(hours=12)
    return Booking.objects.filter(volunteer__user=user, end__gte=since).select_related("task__item", "task__region__parent", "task__demand__resident", "task__resident", "call").order_by("start")


def my_booking(*, user, pk: int) -> Booking:
    try:
        return Booking.objects.select_related("task__demand__resident", "task__resident", "volunteer").get(
            pk=pk, volunteer__user=user)
    except Booking.DoesNotExist:
        raise Http404 from None


def open_calls(*, user) -> QuerySet[MobilisationCall]:
    """Calls still filling in the volunteer's street that they have not answered."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        return MobilisationCall.objects.none()
    street = volunteer.region.path[: 2 * SEGMENT]
    return (MobilisationCall.objects.filter(closed_at__isnull=True, end__gt=timezone.now(), path__startswith=street)
            .exclude(bookings__volunteer=volunteer).order_by("start"))


def call_get(*, user, pk: int) -> MobilisationCall:
    try:
        return open_calls(user=user).get(pk=pk)
    except MobilisationCall.DoesNotExist:
        raise Http404 from None


def plan_get(*, user, pk: int):
    try:
        return coordinator_plans(user=user).get(pk=pk)
    except RecurringPlan.DoesNotExist:
        raise Http404 from None


def coordinator_plans(*, user) -> QuerySet[RecurringPlan]:
    """Recurring plans in the coordinator's area, the active ones first."""
    return (RecurringPlan.objects.filter(path_q("path", scope_for(user).resident_paths))
            .select_related("item", "region", "target_tag").order_by("-active", "id"))


def plan_regions(*, user) -> list[Region]:
    """Where a coordinator may make a plan: their area and its communities and grids."""
    paths = scope_for(user).resident_paths
    return list(Region.objects.filter(path_q("path", paths))
                .filter(Q(path__in=paths) | Q(level__in=[Level.COMMUNITY, Level.GRID])).order_by("path"))


def plan_items():
    """The service items volunteers do (``data/item_skills.json``), for a plan."""
    from linli.catalog.models import ServiceItem
    from linli.dispatch.services import item_skills

    return list(ServiceItem.objects.filter(code__in=list(item_skills()), active=True).order_by("code"))


def plan_tags(*, user):
    """The target-group tags a plan may be for: active ones the user is cleared to see."""
    from linli.people.models import TargetGroupTag

    return list(TargetGroupTag.objects.filter(active=True, sensitivity__lte=scope_for(user).clearance))


def coordinator_tasks(*, user, day: dt.date | None = None) -> QuerySet[Task]:
    scope = scope_for(user)
    qs = Task.objects.filter(path_q("path", scope.resident_paths))
    if day is not None:
        start = dt.datetime.combine(day, dt.time.min, dt.timezone(dt.timedelta(hours=8)))
        qs = qs.filter(start__gte=start, start__lt=start + dt.timedelta(days=1))
    return qs.select_related("demand", "item").prefetch_related("bookings__volunteer", "offers__volunteer").order_by("start", "id")


def coordinator_task(*, user, pk: int) -> Task:
    try:
        return coordinator_tasks(user=user).get(pk=pk)
    except Task.DoesNotExist:
        raise Http404 from None


def coordinator_booking(*, user, pk: int) -> Booking:
    """A booking of a task in the coordinator's area (not of an emergency call)."""
    try:
        return (Booking.objects.filter(path_q("task__path", scope_for(user).resident_paths))
                .select_related("task", "volunteer").get(pk=pk))
    except Booking.DoesNotExist:
        raise Http404 from None
