"""``/api/catalog``: the service catalog and each community's menu."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Router, Schema

from linli.catalog.models import ServiceItem
from linli.catalog.selectors import catalog_tree, community_menu, menu_community_get
from linli.core.api_support import PathCode, caller, responses
from linli.regions.api import RegionRef

router = Router(tags=["catalog"])


class CatalogItemOut(Schema):
    code: str = Field(description="Stable four-digit item code, e.g. `0102`.")
    name: str = Field(description="Label in the request's language.")
    name_zh: str = Field(description="Chinese label.")
    name_en: str = Field(description="English label.")
    category_code: str = Field(description="Code of the item's category.")
    description: str = Field(description="What the service is, or empty.")
    source: str = Field(description="Policy source of the item, or empty.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label

    @staticmethod
    def resolve_name_zh(obj) -> str:
        return obj.name

    @staticmethod
    def resolve_category_code(obj) -> str:
        return obj.category.code


class CategoryOut(Schema):
    code: str = Field(description="Stable two-digit category code, e.g. `01`.")
    name: str = Field(description="Label in the request's language.")
    name_zh: str = Field(description="Chinese label.")
    name_en: str = Field(description="English label.")
    items: list[CatalogItemOut] = Field(description="The category's active items.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label

    @staticmethod
    def resolve_name_zh(obj) -> str:
        return obj.name

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class ProviderOut(Schema):
    id: int = Field(description="Organisation id.")
    name: str = Field(description="Organisation name.")


class MenuLineOut(Schema):
    code: str = Field(description="Service item code.")
    name: str = Field(description="Service item label in the request's language.")
    category_code: str = Field(description="Code of the item's category.")
    note: str = Field(description="The community's note on this line, or empty.")
    providers: list[ProviderOut] = Field(description="Organisations providing the service here.")

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.item.code

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.item.label

    @staticmethod
    def resolve_category_code(obj) -> str:
        return obj.item.category.code

    @staticmethod
    def resolve_providers(obj) -> list:
        return list(obj.providers.all())


class MenuOut(Schema):
    community: RegionRef = Field(description="The community whose menu this is.")
    items: list[MenuLineOut] = Field(description="The services the community offers, by item code.")


@router.get("/catalog/categories", response=responses({200: list[CategoryOut]}, errors=(401,)), summary="Catalog")
def category_index(request):
    """The two-level service catalog: active categories with their active items."""
    return catalog_tree(active_only=True)


@router.get("/catalog/items/{code}", response=responses({200: CatalogItemOut}, errors=(401, 404)), summary="One service item")
def item_detail(request, code: PathCode):
    item = ServiceItem.objects.filter(code=code, active=True).select_related("category").first()
    if item is None:
        raise Http404
    return item


@router.get(
    "/catalog/menus/{community_code}",
    response=responses({200: MenuOut}, errors=(401, 404)),
    summary="A community's menu",
)
def menu_detail(request, community_code: PathCode):
    """The services a community offers and who provides them; staff see the communities of their
    area, residents and volunteers their own community."""
    community = menu_community_get(user=caller(request), code=community_code)
    return {"community": community, "items": list(community_menu(community=community))}
