"""Writes to the catalog and to community menus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Role
from linli.accounts.scoping import scope_for
from linli.catalog.models import MenuItem, ServiceCategory, ServiceItem
from linli.catalog.selectors import menu_editable, provider_choices
from linli.core.errors import DomainError, interpolate
from linli.regions.models import Level, Region


def _require_platform_admin(user) -> None:
    if Role.PLATFORM_ADMIN not in scope_for(user).roles:
        raise DomainError("catalog_not_allowed", _("Only platform administrators may edit the catalog"))


def _clean_names(name: str, name_en: str) -> tuple[str, str]:
    name, name_en = (name or "").strip(), (name_en or "").strip()
    if not name:
        raise DomainError("name_required", _("The Chinese name is required"), field="name")
    if not name_en:
        raise DomainError("name_en_required", _("The English name is required"), field="name_en")
    if len(name) > 80 or len(name_en) > 120:
        raise DomainError("name_too_long", _("The name is too long"), field="name")
    return name, name_en


def category_update(*, user, category: ServiceCategory, name: str, name_en: str, active: bool) -> ServiceCategory:
    _require_platform_admin(user)
    category.name, category.name_en = _clean_names(name, name_en)
    category.active = active
    category.save(update_fields=["name", "name_en", "active"])
    return category


def item_update(*, user, item: ServiceItem, name: str, name_en: str, active: bool) -> ServiceItem:
    _require_platform_admin(user)
    item.name, item.name_en = _clean_names(name, name_en)
    item.active = active
    item.save(update_fields=["name", "name_en", "active"])
    return item


@transaction.atomic
def menu_set(
    *,
    user,
    community: Region,
    item_codes: Iterable[str],
    providers: Mapping[str, Iterable[int]] | None = None,
) -> list[MenuItem]:
    """Make the community's menu exactly ``item_codes``, each provided by ``providers[code]``.

    Items left out are switched off (their row, providers and note are kept for when the item
    comes back). Providers must be organisations the user can see. All or nothing.
    """
    if community.level != Level.COMMUNITY:
        raise DomainError("menu_not_community", _("Only a community or village has a service menu"), field="community")
    if not menu_editable(user=user, community=community):
        raise DomainError("menu_not_allowed", _("You may not edit the menu of this community"))
    codes = set(item_codes)
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=codes, active=True)}
    unknown = codes - set(items)
    if unknown:
        raise DomainError(
            "menu_item_unknown", interpolate(_("Unknown service item: %(codes)s"), {"codes": ", ".join(sorted(unknown))}),
            field="items",
        )
    providers = {code: {int(pk) for pk in pks} for code, pks in (providers or {}).items() if code in codes}
    wanted_orgs = set().union(*providers.values()) if providers else set()
    allowed = set(provider_choices(user=user).filter(pk__in=wanted_orgs).values_list("pk", flat=True))
    if wanted_orgs - allowed:
        raise DomainError("menu_provider_unknown", _("A chosen provider is not in your area"), field="providers")

    # Lock the community row so two editors saving at once apply one after the other.
    Region.objects.select_for_update().filter(pk=community.pk).first()
    existing = {m.item.code: m for m in MenuItem.objects.filter(community=community).select_related("item")}
    MenuItem.objects.filter(community=community).exclude(item__code__in=codes).update(active=False)
    result = []
    for code in sorted(codes):
        menu_item = existing.get(code)
        if menu_item is None:
            menu_item = MenuItem.objects.create(community=community, item=items[code], active=True)
        elif not menu_item.active:
            menu_item.active = True
            menu_item.save(update_fields=["active", "updated_at"])
        menu_item.providers.set(providers.get(code, set()))
        result.append(menu_item)
    return result
