"""Reads of the region tree, always within what the user may see."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import scope_regions, visible_region_or_404
from linli.core.errors import DomainError
from linli.regions.models import Level, Region, RegionQuerySet

__all__ = ["region_children", "region_get", "region_for_input", "region_list", "grids_within"]


def region_list(*, user, level: int | None = None, within: Region | None = None) -> RegionQuerySet:
    qs = scope_regions(Region.objects.all(), user)
    if level is not None:
        qs = qs.filter(level=level)
    if within is not None:
        qs = qs.subtree(within)
    return qs


def region_get(*, user, code: str | None = None, pk: int | None = None) -> Region:
    return visible_region_or_404(user, code=code, pk=pk)


def region_children(*, user, node: Region) -> RegionQuerySet:
    return scope_regions(Region.objects.filter(parent=node), user).order_by("sort_order", "path")


def grids_within(*, user, node: Region | None = None) -> RegionQuerySet:
    return region_list(user=user, level=Level.GRID, within=node)


def region_for_input(*, user, code: str, field: str = "region") -> Region:
    """A region code given as input: unknown and invisible codes get the same 400 ``region_unknown``
    (never a 404 or a message that confirms the region exists)."""
    try:
        return visible_region_or_404(user, code=code)
    except Http404:
        raise DomainError("region_unknown", _("The region does not exist or is outside your area"), field=field) from None
