"""Reads of organisations, always within what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from linli.accounts.scoping import scope_organisations
from linli.catalog.models import ServiceCategory
from linli.regions.models import Region
from linli.supply.models import Organisation, OrganisationProject, SocialWorker


def organisation_list(*, user, kind: str = "", community: Region | None = None) -> QuerySet[Organisation]:
    """Organisations in the user's area with their region and service domains (2 queries)."""
    qs = scope_organisations(Organisation.objects.filter(active=True), user)
    if kind:
        qs = qs.filter(kind=kind)
    if community is not None:
        qs = qs.filter(region__path__startswith=community.path)
    return (
        qs.select_related("region")
        .prefetch_related(Prefetch("domains", queryset=ServiceCategory.objects.order_by("sort_order", "code")))
        .order_by("name", "id")
    )


def organisation_get(*, user, pk: int) -> Organisation:
    qs = scope_organisations(Organisation.objects.all(), user).select_related("region").prefetch_related(
        "domains",
        Prefetch("projects", queryset=OrganisationProject.objects.order_by("-year", "title")),
        Prefetch("social_workers", queryset=SocialWorker.objects.filter(active=True).select_related("region")),
    )
    try:
        return qs.get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
