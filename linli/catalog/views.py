"""The service catalog and the community menu editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.accounts.roles import Role
from linli.accounts.scoping import scope_for
from linli.catalog import services
from linli.catalog.forms import CatalogEntryForm
from linli.catalog.models import MenuItem, ServiceCategory, ServiceItem
from linli.catalog.selectors import (
    catalog_tree,
    menu_communities,
    menu_community_get,
    menu_editable,
    provider_choices,
)
from linli.core.errors import DomainError


def _is_platform_admin(user) -> bool:
    return Role.PLATFORM_ADMIN in scope_for(user).roles


@login_required
def index(request):
    return render(request, "catalog/index.html", {
        "categories": catalog_tree(),
        "communities": menu_communities(user=request.user),
        "can_edit": _is_platform_admin(request.user),
    })


def _edit(request, obj, save, title):
    if not _is_platform_admin(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CatalogEntryForm(request.POST)
        if form.is_valid():
            try:
                save(**form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Saved %(entry)s") % {"entry": obj})
                return redirect("catalog:index")
    else:
        form = CatalogEntryForm(initial={"name": obj.name, "name_en": obj.name_en, "active": obj.active})
    return render(request, "catalog/entry_form.html", {"form": form, "entry": obj, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, code):
    category = get_object_or_404(ServiceCategory, code=code)
    def save(**data):
        return services.category_update(user=request.user, category=category, **data)

    return _edit(request, category, save, _("Edit category"))


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, code):
    item = get_object_or_404(ServiceItem, code=code)
    def save(**data):
        return services.item_update(user=request.user, item=item, **data)

    return _edit(request, item, save, _("Edit service item"))


@login_required
@require_http_methods(["GET", "POST"])
def menu(request, code):
    community = menu_community_get(user=request.user, code=code)
    editable = menu_editable(user=request.user, community=community)
    error = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        codes = request.POST.getlist("items")
        providers = {c: request.POST.getlist(f"providers_{c}") for c in codes}
        try:
            providers = {c: [int(pk) for pk in pks] for c, pks in providers.items()}
            services.menu_set(user=request.user, community=community, item_codes=codes, providers=providers)
        except ValueError as exc:  # DomainError is a ValueError; so is a forged provider id
            error = exc.message if isinstance(exc, DomainError) else _("A chosen provider is not in your area")
        else:
            messages.success(request, _("The menu of %(community)s was saved") % {"community": community.name})
            return redirect("catalog:menu", code=community.code)
    rows = {
        m.item_id: m
        for m in MenuItem.objects.filter(community=community, active=True).prefetch_related("providers")
    }
    organisations = list(provider_choices(user=request.user)) if editable else []
    categories = []
    for category in catalog_tree(active_only=True):
        entries = []
        for item in category.items.all():
            row = rows.get(item.pk)
            entries.append({
                "item": item,
                "offered": row is not None,
                "provider_ids": {p.pk for p in row.providers.all()} if row else set(),
                "providers": list(row.providers.all()) if row else [],
            })
        if editable or any(e["offered"] for e in entries):
            categories.append({"category": category, "entries": entries})
    return render(request, "catalog/menu.html", {
        "community": community,
        "editable": editable,
        "categories": categories,
        "organisations": organisations,
        "offered_count": len(rows),
        "error": error,
    }, status=400 if error else 200)
