from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from linli.accounts import services
from linli.accounts.models import AccountEvent, ApiToken, GrantState, Membership, RoleGrant, User
from linli.core.admin import ReadOnlyScopedModelAdmin, ScopedInline, ScopedModelAdmin
from linli.core.errors import DomainError

# Access is by role membership (linli.accounts.roles), not by Django permission groups.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


# Separation of duties (docs/architecture.md, "Scoping and privacy"): memberships are saved through
# accounts.services.membership_save, which refuses an administrator's own account, turns a role that
# reads residents into a grant waiting for a second administrator, and writes the audit trail.

GRANT_PENDING_MESSAGE = _("A role that reads residents takes effect when another administrator approves it "
                          "(Role grants). Until then the membership is inactive.")


def _save_membership(request, membership) -> None:
    grant = services.membership_save(actor=request.user, membership=membership)
    if grant is not None:
        messages.warning(request, GRANT_PENDING_MESSAGE)


class MembershipInline(ScopedInline):
    """A user's memberships; none on the administrator's own account (nobody grants themselves)."""

    model = Membership
    extra = 0
    autocomplete_fields = ["region", "organisation"]
    fields = ["role", "region", "organisation", "active"]

    def _own(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._own(request, obj)


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_revoke(actor=request.user, membership=membership)
        for membership in instances:
            _save_membership(request, membership)
        formset.save_m2m()

    def user_change_password(self, request, id, form_url=""):
        """Django's page, with the new password and its row in the audit trail in one transaction."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                services.password_set_by_admin(actor=request.user, user=self.get_object(request, unquote(id)))
        return response


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "region", "organisation", "active"]

    request_user = None

    def clean(self):
        data = super().clean()
        user = data.get("user")
        own = self.instance.pk is not None and self.instance.user_id == self.request_user.pk
        if own or (user is not None and user.pk == self.request_user.pk):
            raise forms.ValidationError(_("Nobody may give a role to themselves; ask another administrator"),
                                        code="self_grant")
        return data


@admin.register(Membership)
class MembershipAdmin(ScopedModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "region", "organisation", "active", "created_at"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "user__display_name", "region__name", "region__code"]
    autocomplete_fields = ["user", "region", "organisation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def save_model(self, request, obj, form, change):
        _save_membership(request, obj)

    def delete_model(self, request, obj):
        services.membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_revoke(actor=request.user, membership=membership)

    def has_delete_permission(self, request, obj=None):
        own = obj is not None and obj.user_id == request.user.pk
        return super().has_delete_permission(request, obj) and not own


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyScopedModelAdmin):
    """Grants of roles that read residents, asked for in the admin. Another administrator than the
    one who asked (and than the grantee) approves or refuses them with the actions."""

    list_display = ["user", "role", "region", "state", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["state", "role"]
    search_fields = ["user__username", "user__display_name", "region__name", "region__code"]
    fields = list_display
    readonly_fields = fields
    actions = ["approve", "refuse"]

    def _decide(self, request, queryset, approve: bool):
        done = 0
        for grant in queryset.filter(state=GrantState.PENDING):
            try:
                services.role_grant_decide(actor=request.user, grant=grant, approve=approve)
            except DomainError as exc:
                self.message_user(request, f"{grant}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(count)d grant decided.", "%(count)d grants decided.", done)
                              % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected grants"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Refuse the selected grants"))
    def refuse(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyScopedModelAdmin):
    """The accounts' audit trail: grants, changes, revocations and passwords set by administrators."""

    scope_field = "path"
    list_display = ["at", "actor_username", "action", "username", "role", "region", "detail"]
    list_filter = ["action", "role"]
    search_fields = ["actor_username", "username", "detail"]
    fields = list_display
    readonly_fields = fields


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
