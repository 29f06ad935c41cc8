"""Reads of the catalog and of community menus."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from linli.accounts.scoping import scope_for, scope_organisations
from linli.catalog.models import MenuItem, ServiceCategory, ServiceItem
from linli.regions.models import Level, Region
from linli.regions.selectors import region_get, region_list
from linli.supply.models import Organisation


def active_items() -> QuerySet[ServiceItem]:
    """The service items anyone may ask for now: the item and its category both active. Every
    channel (pages, API, import, Open311) checks a code against this one set."""
    return ServiceItem.objects.filter(active=True, category__active=True).select_related("category").order_by(
        "category__sort_order", "category__code", "sort_order", "code")


def catalog_tree(*, active_only: bool = False) -> list[ServiceCategory]:
    """Categories with their items prefetched (2 queries)."""
    items = ServiceItem.objects.order_by("sort_order", "code")
    categories = ServiceCategory.objects.all()
    if active_only:
        items = items.filter(active=True)
        categories = categories.filter(active=True)
    return list(categories.prefetch_related(Prefetch("items", queryset=items)))


def community_menu(*, community: Region) -> QuerySet[MenuItem]:
    """The items a community offers, with their category and providers (2 queries)."""
    return (
        MenuItem.objects.filter(community=community, active=True, item__active=True)
        .select_related("item__category")
        .prefetch_related(Prefetch("providers", queryset=Organisation.objects.order_by("name")))
        .order_by("item__category__sort_order", "item__code")
    )


def home_community(user) -> Region | None:
    """The community of a resident's or volunteer's membership (they have no staff scope)."""
    membership = (
        user.memberships.filter(active=True, region__level=Level.COMMUNITY)
        .select_related("region").order_by("id").first()
    )
    return membership.region if membership else None


def menu_community_get(*, user, code: str) -> Region:
    """A community whose menu the user may see: within the staff scope, the community above a
    grid worker's grid, or the own community of a resident or volunteer. Anything else is a 404."""
    scope = scope_for(user)
    if scope.paths:
        try:
            community = region_get(user=user, code=code)
        except Http404:
            # A grid worker's scope starts below the community; its menu is theirs to read too.
            community = Region.objects.filter(code=code, level=Level.COMMUNITY).first()
            if community is None or not any(p.startswith(community.path) for p in scope.paths):
                raise
    else:
        community = home_community(user)
        if community is None or community.code != code:
            raise Http404
    if community.level != Level.COMMUNITY:
        raise Http404
    return community


def menu_communities(*, user) -> list[Region]:
    """Communities whose menu the user may open from the catalog page."""
    if scope_for(user).paths:
        return list(region_list(user=user, level=Level.COMMUNITY).select_related("parent"))
    community = home_community(user)
    return [community] if community else []


def menu_editable(*, user, community: Region) -> bool:
    scope = scope_for(user)
    return scope.covers(community.path, scope.menu_paths)


def provider_choices(*, user) -> QuerySet[Organisation]:
    """Organisations the user may name as providers of a menu item."""
    return scope_organisations(Organisation.objects.filter(active=True), user).order_by("name")
