"""The region browser: the user's roots, then one node at a time with its children."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Substr
from django.shortcuts import render

from linli.accounts.scoping import scope_for, scope_regions, scope_residents
from linli.people.models import Resident, ResidentStatus
from linli.regions.models import Region
from linli.regions.selectors import region_children, region_get


def _resident_counts(user, nodes: list[Region]) -> dict[str, int] | None:
    """Active residents under each node, by path, in one aggregate query; None if the user may
    not count residents. Nodes must be of one depth (siblings, or the user's roots of one level)."""
    if not nodes or not scope_for(user).resident_paths:
        return None
    counts: dict[str, int] = {}
    for length in sorted({len(n.path) for n in nodes}):
        paths = [n.path for n in nodes if len(n.path) == length]
        rows = (
            scope_residents(Resident.objects.filter(status=ResidentStatus.ACTIVE), user)
            .annotate(prefix=Substr("region__path", 1, length)).filter(prefix__in=paths)
            .values("prefix").annotate(n=Count("id")).order_by()
        )
        counts.update({row["prefix"]: row["n"] for row in rows})
    return counts


def _with_counts(user, nodes: list[Region]) -> list[dict]:
    counts = _resident_counts(user, nodes)
    return [{"node": n, "residents": None if counts is None else counts.get(n.path, 0)} for n in nodes]


@login_required
def tree(request):
    scope = scope_for(request.user)
    if "" in scope.paths:
        roots = list(Region.objects.filter(parent__isnull=True).order_by("sort_order", "path"))
    else:
        roots = list(Region.objects.filter(path__in=scope.paths).order_by("path"))
    return render(request, "regions/tree.html", {
        "rows": _with_counts(request.user, roots),
        "show_counts": bool(scope.resident_paths),
    })


@login_required
def detail(request, code):
    node = region_get(user=request.user, code=code)
    ancestors = list(scope_regions(node.ancestors(), request.user))
    children = list(region_children(user=request.user, node=node))
    return render(request, "regions/detail.html", {
        "node": node,
        "ancestors": ancestors,
        "rows": _with_counts(request.user, children),
        "own_count": (_resident_counts(request.user, [node]) or {}).get(node.path),
        "show_counts": bool(scope_for(request.user).resident_paths),
    })
