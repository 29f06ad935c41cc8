from django.contrib import admin

from linli.core.admin import ReadOnlyScopedModelAdmin
from linli.privacy.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyScopedModelAdmin):
    """The access log, read-only: no add, no change, no delete, for anyone. Rows about a resident
    are scoped by the resident's region; bulk rows (exports, imports) by the actor's region."""

    scope_field = None
    list_display = ["at", "actor_username", "action", "resident", "field", "reason", "count", "ip"]
    list_filter = ["action", "reason", "field"]
    search_fields = ["actor_username", "detail"]
    date_hierarchy = "at"
    list_select_related = ["resident"]
    fields = ["at", "actor", "actor_username", "action", "resident", "field", "reason", "reason_text", "count", "detail", "ip"]
    readonly_fields = fields

    def get_queryset(self, request):
        from django.db.models import Q

        from linli.accounts.scoping import path_q, scope_for

        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        paths = scope_for(request.user).paths
        return qs.filter(
            path_q("resident__region__path", paths)
            | (Q(resident__isnull=True) & path_q("actor__memberships__region__path", paths))
        ).distinct()
