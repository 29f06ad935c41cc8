"""Reads of demands, always scoped: staff see the demands of their subtree, a resident their own.

Queues page by keyset (``before`` = the last id seen), so page 500 of a million demands costs the
same as page 1, and a demand arriving while a worker pages never shifts or repeats a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linli.accounts.scoping import path_q, prefix_q, scope_for
from linli.demands.models import Demand, normalise_tracking
from linli.demands.workflow import OPEN_STATES


def _staff_paths(user) -> tuple[str, ...]:
    """The subtrees whose demands the user works on: the same as whose residents they may list
    (grid, community and social workers, street and district officers)."""
    return scope_for(user).resident_paths


def scope_demands(qs: QuerySet, user) -> QuerySet:
    """Demands ``user`` may see: by region for staff, by assignment for a provider, own for a resident."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    # Only the arms that apply to this user, so a staff member's queue is a plain path-prefix
    # filter the database answers from its index (an OR across joined tables defeats it).
    arms = []
    paths = _staff_paths(user)
    if paths:
        arms.append(path_q("path", paths))
    orgs = scope_for(user).organisation_ids
    if orgs:
        arms.append(Q(assignee_org_id__in=orgs))
    if not paths:
        arms.append(Q(resident__user=user) | Q(created_by=user, channel__in=["self_service", "api"]))
    q = arms[0]
    for arm in arms[1:]:
        q |= arm
    return qs.filter(q)


@dataclass(frozen=True)
class QueueFilter:
    within_path: str = ""
    states: tuple[str, ...] = ()
    open_only: bool = True
    item_code: str = ""
    category_code: str = ""
    urgency_min: int | None = None
    overdue: bool = False
    crisis: bool = False
    assignee_org_id: int | None = None
    query: str = ""


def demand_queue(*, user, filters: QueueFilter, before: int | None = None, limit: int = 50) -> list[Demand]:
    """One page of the queue, newest first, after the keyset ``before`` (exclusive)."""
    qs = filtered_demands(user=user, filters=filters)
    if before:
        qs = qs.filter(pk__lt=before)
    return list(qs.order_by("-id")[:limit])


def filtered_demands(*, user, filters: QueueFilter) -> QuerySet[Demand]:
    qs = scope_demands(Demand.objects.all(), user)
    if filters.within_path:
        qs = qs.filter(prefix_q("path", filters.within_path))
    if filters.states:
        qs = qs.filter(state__in=filters.states)
    elif filters.open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if filters.item_code:
        qs = qs.filter(item__code=filters.item_code)
    if filters.category_code:
        qs = qs.filter(item__category__code=filters.category_code)
    if filters.urgency_min:
        qs = qs.filter(urgency__gte=filters.urgency_min)
    if filters.overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    if filters.crisis:
        qs = qs.filter(crisis=True)
    if filters.assignee_org_id:
        qs = qs.filter(assignee_org_id=filters.assignee_org_id)
    query = normalise_tracking(filters.query)
    if query:
        qs = qs.filter(Q(tracking_number=query) | Q(resident__name__startswith=filters.query.strip()))
    return qs.select_related("item", "region", "community", "assignee_org", "resident")


def demand_get(*, user, pk: int) -> Demand:
    """A demand the user may see, or 404 (also for one outside their region)."""
    try:
        return scope_demands(Demand.objects.all(), user).select_related(
            "item", "item__category", "region", "community", "assignee_org", "resident", "resident__user",
            "duplicate_of", "created_by", "crisis_cleared_by",
        ).get(pk=pk)
    except Demand.DoesNotExist:
        raise Http404 from None


def demand_counts(*, user) -> dict[str, int]:
    """Open, overdue and crisis demands the user sees, for the home page (one query)."""
    from django.db.models import Count

    now = timezone.now()
    return scope_demands(Demand.objects.filter(state__in=OPEN_STATES), user).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)),
        crisis=Count("pk", filter=Q(crisis=True, crisis_cleared_by__isnull=True)),
    )
