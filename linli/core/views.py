"""The home page (one short dashboard per role) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from linli.accounts.roles import RESTRICTED, Role
from linli.accounts.scoping import scope_for, scope_residents
from linli.catalog.selectors import community_menu, home_community
from linli.demands.selectors import demand_counts
from linli.notifications.selectors import unread_count
from linli.people.models import Resident, ResidentStatus, ResidentTag
from linli.people.selectors import visible_tags
from linli.regions.models import SEGMENT, Level, Region
from linli.regions.selectors import region_list
from linli.supply.models import Organisation


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    if not request.user.is_authenticated:
        return landing(request)
    return _home(request)


def landing(request):
    """The deployment's public front page: ask for a service, follow one, a community's menu, log in."""
    communities = list(region_list_public())
    chosen = next((c for c in communities if c.code == request.GET.get("c")), communities[0] if communities else None)
    menu = list(community_menu(community=chosen)) if chosen is not None else []
    notices = []
    if chosen is not None:
        from linli.demands.models import Demand

        # Public-area issues whose words a worker approved for publication (Open311): the community's notices.
        notices = list(Demand.objects.filter(community=chosen, published_at__isnull=False).order_by("-published_at")[:5])
    return render(request, "core/landing.html", {
        "communities": communities, "community": chosen, "menu": menu, "notices": notices})


def region_list_public():
    return Region.objects.current().filter(level=Level.COMMUNITY).order_by("path")


@login_required
def _home(request):
    user = request.user
    scope = scope_for(user)
    context: dict = {"scope": scope, "unread": unread_count(user=user)}
    if scope.resident_paths:
        context.update(_resident_counts(user, scope))
    if scope.resident_paths or scope.organisation_ids:
        context["demand_counts"] = demand_counts(user=user)
    if {Role.STREET_OFFICER, Role.DISTRICT_OFFICER} & scope.roles:
        context["community_rows"] = _per_community(user)
    if Role.ORG_ADMIN in scope.roles and scope.organisation_ids:
        context["organisations"] = list(
            Organisation.objects.filter(pk__in=scope.organisation_ids).select_related("region")
            .prefetch_related("menu_items__item", "menu_items__community")
        )
    if Role.VOLUNTEER in scope.roles:
        context["volunteer_home"] = _volunteer_home(user)
    if {Role.RESIDENT, Role.VOLUNTEER} & scope.roles:
        if Role.RESIDENT in scope.roles:
            own = Resident.objects.filter(user=user).select_related("region").first()
            context["own_record"] = own
            if own is not None:
                context["own_demands"] = list(own.demands.select_related("item").order_by("-id")[:5])
        community = home_community(user)
        if community is not None:
            context["home_community"] = community
            context["menu"] = community_menu(community=community)
    return render(request, "core/home.html", context)


def _volunteer_home(user) -> dict:
    """What a volunteer needs now: offers waiting for an answer, today's tasks, hours and points."""
    from linli.dispatch import selectors as dispatch
    from linli.ledger.selectors import wallet
    from linli.ledger.units import hours_text
    from linli.supply.selectors import volunteer_of

    volunteer = volunteer_of(user)
    if volunteer is None:
        return {"registered": False}
    offers = list(dispatch.my_offers(user=user))
    today = timezone.localdate()
    bookings = [b for b in dispatch.my_bookings(user=user) if timezone.localdate(b.start) == today and not b.no_show]
    purse = wallet(volunteer)
    return {"registered": True, "volunteer": volunteer, "offers": offers[:3], "offer_count": len(offers),
            "today": bookings, "hours": hours_text(purse.hours_minutes), "points": purse.points, "stars": purse.stars}


def _resident_counts(user, scope) -> dict:
    """Residents in the user's area and how many carry each tag the user may see (3 queries)."""
    residents = scope_residents(Resident.objects.filter(status=ResidentStatus.ACTIVE), user)
    tags = {t.pk: t for t in visible_tags(user)}
    rows = (
        ResidentTag.objects.filter(resident__in=residents, tag__in=list(tags))
        .values("tag").annotate(n=Count("resident", distinct=True)).order_by()
    )
    counts = {row["tag"]: row["n"] for row in rows}
    tag_rows = [
        {"tag": tag, "count": counts[pk], "restricted": tag.sensitivity >= RESTRICTED}
        for pk, tag in tags.items() if counts.get(pk)
    ]
    return {
        "resident_total": residents.count(),
        "tag_rows": tag_rows,
        "restricted_total": sum(r["count"] for r in tag_rows if r["restricted"]),
    }


def _per_community(user) -> list[dict]:
    """One row per community in the user's area: residents, and residents with any visible tag."""
    length = Level.COMMUNITY * SEGMENT
    communities = list(region_list(user=user, level=Level.COMMUNITY).select_related("parent"))
    residents = scope_residents(Resident.objects.filter(status=ResidentStatus.ACTIVE), user)
    totals = {
        row["c"]: row["n"]
        for row in residents.annotate(c=Substr("region__path", 1, length)).values("c").annotate(n=Count("id")).order_by()
    }
    tagged = {
        row["c"]: row["n"]
        for row in ResidentTag.objects.filter(
            resident__in=residents, tag__sensitivity__lte=scope_for(user).clearance, tag__active=True,
        ).annotate(c=Substr("resident__region__path", 1, length)).values("c")
        .annotate(n=Count("resident", distinct=True)).order_by()
    }
    return [
        {"community": c, "residents": totals.get(c.path, 0), "tagged": tagged.get(c.path, 0)}
        for c in communities
    ]
