"""The Django admin, for platform administrators only, scoped to their region.

Who gets in: the admin answers only to an active user who is a superuser or holds an active
``platform_admin`` membership (and has ``is_staff``, which Django's login to the admin checks too).
``is_staff`` alone opens nothing: a community worker whose flag was set by mistake still gets the
admin's login page. A platform admin does not need Django model permissions: :class:`ScopedModelAdmin`
grants view/add/change/delete to platform admins and relies on the region scope instead.

What they see: every list is filtered by the region subtree of the admin's memberships
(``scope_field`` names the path lookup, e.g. ``"region__path"``); superusers see everything.

What is never here: residents and households. Platform admins administer the system but do not
read residents' identifiers (the administrator/operator separation of GB/T 35273 §7.1); the
resident register is reached only through the audited pages.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Role
from linli.accounts.scoping import path_q, scope_for


def is_platform_admin(user) -> bool:
    if not (user and user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or Role.PLATFORM_ADMIN in scope_for(user).roles


def _admin_has_permission(request) -> bool:
    """Replaces ``AdminSite.has_permission`` on the default site (see the module docstring)."""
    return bool(request.user.is_active and request.user.is_staff and is_platform_admin(request.user))


admin.site.has_permission = _admin_has_permission
admin.site.site_header = _("Linli administration")
admin.site.site_title = _("Linli administration")
admin.site.index_title = _("Regions, catalog, organisations and accounts")


def limit_choices_to_scope(db_field, request, kwargs: dict) -> None:
    """Foreign keys and many-to-many fields to regions and organisations offer only the admin's
    area, so a forged form cannot attach a row to a region outside it."""
    if request.user.is_superuser or "queryset" in kwargs:
        return
    from linli.accounts.scoping import scope_organisations, scope_regions
    from linli.regions.models import Region
    from linli.supply.models import Organisation

    if db_field.related_model is Region:
        kwargs["queryset"] = scope_regions(Region.objects.all(), request.user)
    elif db_field.related_model is Organisation:
        kwargs["queryset"] = scope_organisations(Organisation.objects.all(), request.user)


class ScopedInline(admin.TabularInline):
    """An inline in a platform admin's page: same permissions, choices limited to the area."""

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices_to_scope(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose list holds only rows inside the admin's region subtree.

    ``scope_field`` is the lookup of the region path of a row ("path" for regions themselves,
    "region__path" for most models); ``None`` means a platform-wide table (catalog, tags) that
    every platform admin may see.
    """

    scope_field: str | None = "region__path"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or self.scope_field is None:
            return qs
        return qs.filter(path_q(self.scope_field, scope_for(request.user).paths)).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices_to_scope(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices_to_scope(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)


class ReadOnlyScopedModelAdmin(ScopedModelAdmin):
    """For append-only records (the access log): list and view, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
