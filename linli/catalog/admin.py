from django.contrib import admin

from linli.catalog.models import MenuItem, ServiceCategory, ServiceItem
from linli.core.admin import ScopedInline, ScopedModelAdmin


class ServiceItemInline(ScopedInline):
    model = ServiceItem
    extra = 0
    fields = ["code", "name", "name_en", "source", "sort_order", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # items are switched off, never deleted: their codes stay meaningful


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ScopedModelAdmin):
    scope_field = None
    list_display = ["code", "name", "name_en", "sort_order", "active"]
    list_editable = ["active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [ServiceItemInline]


@admin.register(ServiceItem)
class ServiceItemAdmin(ScopedModelAdmin):
    scope_field = None
    list_display = ["code", "name", "name_en", "category", "source", "active"]
    list_filter = ["category", "active"]
    list_editable = ["active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["category"]


@admin.register(MenuItem)
class MenuItemAdmin(ScopedModelAdmin):
    scope_field = "community__path"
    list_display = ["community", "item", "active", "updated_at"]
    list_filter = ["active", "item__category"]
    search_fields = ["community__name", "item__code", "item__name"]
    list_select_related = ["community", "item"]
    autocomplete_fields = ["community", "item", "providers"]
