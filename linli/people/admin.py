"""Only the target-group vocabulary is administered here. Residents and households are never
registered in the admin: platform admins do not read residents' identifiers (see linli.core.admin)."""

from django.contrib import admin

from linli.core.admin import ScopedModelAdmin
from linli.people.models import TargetGroupTag


@admin.register(TargetGroupTag)
class TargetGroupTagAdmin(ScopedModelAdmin):
    scope_field = None
    list_display = ["code", "name", "name_en", "group", "sensitivity", "has_grade", "sort_order", "active"]
    list_filter = ["group", "sensitivity", "active"]
    search_fields = ["code", "name", "name_en"]
