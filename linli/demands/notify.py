"""Who hears about a demand, and when. Called inside the transaction of the change by the services
and the deadline sweep: the notification rows commit with the change (outbox), sending follows.

- On submission: the resident gets the tracking number; a crisis demand alerts every social worker
  of the community at once (urgent); an assigned unit's admins hear of the new work.
- On resolution: the resident is asked to confirm, rate or complain. On a complaint: the community.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from linli.accounts.models import User
from linli.accounts.roles import Role
from linli.demands.models import Demand
from linli.notifications.services import notify


def tracking_link(d: Demand) -> str:
    """The full address a resident opens to follow ``d``: the public URL, the tracking number filled in."""
    return f"{settings.LINLI_PUBLIC_URL.rstrip('/')}{reverse('demands:track')}?n={d.tracking_number}"


def message_context(d: Demand) -> dict:
    due = formats.date_format(timezone.localtime(d.due_at), "Y-m-d H:i") if d.due_at else ""
    return {
        "tracking": d.tracking_display, "item": d.item.label, "urgency": d.get_urgency_display(),
        "community": d.community.name, "due": due, "state": d.get_state_display(),
        "org": d.assignee_org.name if d.assignee_org_id else "", "link": tracking_link(d),
        "phrases": "、".join(d.crisis_phrases), "note": "", "level": "",
    }


def staff_of(d: Demand, roles: set[str], *, levels_up: int = 0) -> list[User]:
    """Active users holding one of ``roles`` on a node that covers the demand's region.

    ``levels_up`` > 0 keeps only memberships at least that many levels above the community
    (1 = street, 2 = district): the people an overdue demand is escalated to.
    """
    paths = [d.path[: i * 4] for i in range(1, len(d.path) // 4 + 1)]
    if levels_up:
        paths = [p for p in paths if len(p) <= len(d.community.path) - 4 * levels_up]
    q = Q(memberships__role__in=roles, memberships__active=True, memberships__region__path__in=paths)
    return list(User.objects.filter(q, is_active=True).distinct())


def owner_targets(d: Demand) -> tuple[list[User], list[str]]:
    if d.resident_id and d.resident.user_id:
        # Read afresh: the language a person chose is theirs now, not what a caller's copy held.
        return list(User.objects.filter(pk=d.resident.user_id)), []
    if d.created_by_id and d.channel in {"self_service", "api"}:
        return [d.created_by], []
    return [], ([d.contact_mobile] if d.contact_mobile else [])


def load_demand(pk: int) -> Demand:
    return Demand.objects.select_related("item", "community", "assignee_org", "resident", "created_by").get(pk=pk)


def submitted(d: Demand) -> None:
    """``d`` as :func:`~linli.demands.services.demand_submit` built it, its relations in hand."""
    ctx = message_context(d)
    users, addresses = owner_targets(d)
    notify(template="demand_received", context=ctx, users=users, addresses=addresses, link=ctx["link"])
    if d.crisis:
        notify(template="demand_crisis", context=ctx, users=staff_of(d, {Role.SOCIAL_WORKER}),
               link=reverse("demands:detail", args=[d.pk]), urgent=True)
    if d.assignee_org_id:
        tell_provider(d, ctx)


def tell_provider(d: Demand, ctx: dict) -> None:
    admins = User.objects.filter(memberships__role=Role.ORG_ADMIN, memberships__organisation_id=d.assignee_org_id,
                                 memberships__active=True, is_active=True).distinct()
    notify(template="demand_assigned", context=ctx, users=admins, link=reverse("demands:detail", args=[d.pk]))


def merged(d: Demand) -> None:
    """Both askers hear that ``d`` is handled together with the demand it repeats (one message each)."""
    original = load_demand(d.duplicate_of_id)
    users, addresses = owner_targets(d)
    more_users, more_addresses = owner_targets(original)
    ctx = {**message_context(d), "original": original.tracking_display, "link": tracking_link(original)}
    notify(template="demand_merged", context=ctx, users=[*users, *more_users],
           addresses=list(dict.fromkeys([*addresses, *more_addresses])), link=ctx["link"])


def transitioned(pk: int, action: str, note: str) -> None:
    d = load_demand(pk)
    if action == "mark_duplicate":
        merged(d)
    ctx = message_context(d)
    if action in {"assign", "reassign"}:
        tell_provider(d, ctx)
    elif action == "resolve":
        users, addresses = owner_targets(d)
        notify(template="demand_resolved", context=ctx, users=users, addresses=addresses, link=ctx["link"])
    elif action == "complain":
        notify(template="demand_complaint", context={**ctx, "note": note},
               users=staff_of(d, {Role.COMMUNITY_WORKER}), link=reverse("demands:detail", args=[d.pk]))
