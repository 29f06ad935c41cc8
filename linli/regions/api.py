"""``/api/regions``: the region tree, limited to the caller's subtrees."""

from __future__ import annotations

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from linli.core.api_support import (
    COUNT_DESCRIPTION,
    NEXT_DESCRIPTION,
    PREVIOUS_DESCRIPTION,
    PageQuery,
    PathCode,
    caller,
    paginate,
    responses,
)
from linli.regions.selectors import region_children, region_get, region_list

router = Router(tags=["regions"])


class RegionRef(Schema):
    code: str = Field(description="Unique region code, e.g. `330502001001` or `330502001001-G01`.")
    name: str = Field(description="Name of the region.")


class RegionOut(Schema):
    code: str = Field(description="Unique region code.")
    name: str = Field(description="Name of the region.")
    level: int = Field(description="1 district, 2 street, 3 community/village, 4 grid, 5 micro-grid, 6 building.")
    parent_code: str | None = Field(description="Code of the parent region; null for a district.")
    stats_code: str = Field(description="Official 12-digit statistics code, or empty.")
    community_type: str = Field(description="urban, rural, mixed or urban_village for a community; else empty.")

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef] = Field(description="Ancestors the caller may see, the highest first.")
    children: list[RegionOut] = Field(description="Child regions the caller may see.")

    @staticmethod
    def resolve_ancestors(obj) -> list:
        return obj.visible_ancestors

    @staticmethod
    def resolve_children(obj) -> list:
        return obj.visible_children


class RegionPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    next: str | None = Field(description=NEXT_DESCRIPTION)
    previous: str | None = Field(description=PREVIOUS_DESCRIPTION)
    items: list[RegionOut] = Field(description="The regions on this page, in tree order.")


class RegionFilters(PageQuery):
    level: int | None = Field(None, ge=1, le=6, description="Only regions of this level.")
    parent: str | None = Field(None, description="Only the children of the region with this code.")
    q: str = Field("", max_length=100, description="Name containing, or code starting with, this text.")


@router.get("/regions", response=responses({200: RegionPage}), summary="List regions")
def region_index(request, filters: Query[RegionFilters]):
    qs = region_list(user=caller(request), level=filters.level).select_related("parent").order_by("path")
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return paginate(request, qs, filters)


@router.get("/regions/{code}", response=responses({200: RegionDetailOut}, errors=(401, 404)), summary="One region")
def region_detail(request, code: PathCode):
    user = caller(request)
    region = region_get(user=user, code=code)
    visible = {r.path: r for r in region_list(user=user).filter(path__in=region.ancestor_paths())}
    region.visible_ancestors = [visible[p] for p in region.ancestor_paths() if p in visible]
    region.visible_children = list(region_children(user=user, node=region).select_related("parent"))
    return region
