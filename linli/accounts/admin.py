from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from linli.accounts.models import ApiToken, Membership, User
from linli.core.admin import ReadOnlyScopedModelAdmin, ScopedInline, ScopedModelAdmin

# Access is by role membership (linli.accounts.roles), not by Django permission groups.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class MembershipInline(ScopedInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["region", "organisation"]
    fields = ["role", "region", "organisation", "active"]


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    """Accounts of people with a membership in the admin's area. Only a superuser may grant
    superuser status or edit Django permissions; the admin itself opens only to platform admins
    (see linli.core.admin)."""

    scope_field = "memberships__region__path"
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "is_active", "is_staff", "locked_until", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["username", "display_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "failed_logins", "locked_until")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined", "failed_logins"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields


@admin.register(Membership)
class MembershipAdmin(ScopedModelAdmin):
    list_display = ["user", "role", "region", "organisation", "active", "created_at"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "user__display_name", "region__name", "region__code"]
    autocomplete_fields = ["user", "region", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyScopedModelAdmin):
    """Tokens are issued through the API's own flow (the raw value is shown once there); here they
    can be reviewed and revoked. Only the prefix is shown, never the digest."""

    scope_field = "user__memberships__region__path"
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
