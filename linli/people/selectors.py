"""Reads of residents, always scoped to the user's region and clearance."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from linli.accounts.scoping import prefix_q, scope_for, scope_residents
from linli.people.models import Resident, ResidentTag, TargetGroupTag
from linli.regions.models import Region


def visible_tags(user) -> QuerySet[TargetGroupTag]:
    return TargetGroupTag.objects.filter(active=True, sensitivity__lte=scope_for(user).clearance)


def resident_list(
    *,
    user,
    within: Region | None = None,
    tag: TargetGroupTag | None = None,
    query: str = "",
    status: str | None = "active",
) -> QuerySet[Resident]:
    """Residents the user may see, with their region and visible tags prefetched (3 queries)."""
    qs = scope_residents(Resident.objects.all(), user)
    if within is not None:
        qs = qs.filter(prefix_q("region__path", within.path))
    if tag is not None:
        if tag.sensitivity > scope_for(user).clearance:
            return qs.none()
        qs = qs.filter(resident_tags__tag=tag)
    if status:
        qs = qs.filter(status=status)
    query = (query or "").strip()
    if query:
        if query.isdigit() and len(query) == 11:
            qs = qs.by_mobile(query)
        elif len(query) == 18:
            qs = qs.by_id_number(query.upper())
        elif query.isdigit() and len(query) == 4:
            qs = qs.filter(id_number_tail=query)
        else:
            qs = qs.filter(name__startswith=query)
    tags_qs = (ResidentTag.objects.filter(tag__sensitivity__lte=scope_for(user).clearance).select_related("tag")
               .order_by("tag__sort_order", "tag__code"))  # one order for the pages, the API and the export
    return (
        qs.select_related("region")
        .prefetch_related(Prefetch("resident_tags", queryset=tags_qs, to_attr="visible_tags"))
        .order_by("id")
    )


def resident_get(*, user, pk: int) -> Resident:
    try:
        return resident_list(user=user, status=None).select_related("household").get(pk=pk)
    except Resident.DoesNotExist:
        raise Http404 from None
