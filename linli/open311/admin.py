from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from linli.core.admin import ScopedModelAdmin
from linli.open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(ScopedModelAdmin):
    """Keys are created with ``linli apikey create`` (the raw key is printed once there); here they
    can be reviewed, renamed and revoked. The digest is shown read-only; the key itself is never
    stored."""

    scope_field = "region__path"
    list_display = ["name", "prefix", "region", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "region__code", "region__name"]
    fields = ["name", "region", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["region", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected Open311 keys"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
