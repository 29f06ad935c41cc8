"""Reads of demands, always scoped: staff see the demands of their subtree, a resident their own.

Queues page by keyset (``before`` = the last id seen), so page 500 of a million demands costs the
same as page 1, and a demand arriving while a worker pages never shifts or repeats a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
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


#: The queue's order: what needs attention first. An open crisis nobody has handled, then overdue,
#: then due before midnight (local time), then the rest; newest first within each.
CRISIS, OVERDUE, DUE_TODAY, OTHER = 0, 1, 2, 3


def with_priority(qs: QuerySet, now=None) -> QuerySet:
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return qs.annotate(priority=Case(
        When(state__in=OPEN_STATES, crisis=True, crisis_cleared_by__isnull=True, then=Value(CRISIS)),
        When(state__in=OPEN_STATES, due_at__lt=now, then=Value(OVERDUE)),
        When(state__in=OPEN_STATES, due_at__lt=midnight, then=Value(DUE_TODAY)),
        default=Value(OTHER), output_field=IntegerField(),
    ))


def parse_cursor(raw: str | None) -> tuple[int, int] | None:
    """The keyset ``before`` of the next page: "priority.id" (a bare id counts as the lowest rank)."""
    raw = (raw or "").strip()
    head, _sep, tail = raw.partition(".")
    if tail and head.isdigit() and tail.isdigit():
        return int(head), int(tail)
    if raw.isdigit():
        return OTHER, int(raw)
    return None


def demand_queue(*, user, filters: QueueFilter, before: int | tuple[int, int] | None = None, limit: int = 50,
                 by_attention: bool = False) -> list[Demand]:
    """One page of the queue after the keyset ``before`` (exclusive): newest first (``before`` = the
    last id seen; the API), or ``by_attention`` (``with_priority``, then newest first; ``before`` =
    (priority, id) of the last row seen; the staff page)."""
    qs = filtered_demands(user=user, filters=filters)
    if not by_attention:
        if before:
            qs = qs.filter(pk__lt=before)
        return list(qs.order_by("-id")[:limit])
    qs = with_priority(qs)
    if before:
        rank, pk = before
        qs = qs.filter(Q(priority__gt=rank) | Q(priority=rank, pk__lt=pk))
    return list(qs.order_by("priority", "-id")[:limit])


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
    qs = _search(qs, filters.query)
    return qs.select_related("item", "region", "community", "assignee_org", "resident")


def _search(qs: QuerySet, raw: str) -> QuerySet:
    """What a worker types on the phone: part of a tracking number (as read out: case, dashes and
    spaces do not matter), the start of the resident's or the caller's name, or the last four
    digits of the caller's mobile (``mobile_tail``; the number itself is encrypted)."""
    text = (raw or "").strip()
    if not text:
        return qs
    tracking = normalise_tracking(text)
    q = Q(resident__name__startswith=text) | Q(contact_name__startswith=text)
    if len(tracking) >= 3 and tracking.isascii() and tracking.isalnum():
        q |= Q(tracking_number__contains=tracking)
    if text.isdigit() and len(text) == 4:
        q |= Q(mobile_tail=text)
    return qs.filter(q)


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
