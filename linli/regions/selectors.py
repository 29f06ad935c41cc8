"""Reads of the region tree, always within what the user may see."""

from __future__ import annotations

from linli.accounts.scoping import scope_regions, visible_region_or_404
from linli.regions.models import Level, Region, RegionQuerySet

__all__ = ["region_children", "region_get", "region_list", "grids_within"]


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
