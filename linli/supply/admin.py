from django.contrib import admin

from linli.core.admin import ScopedInline, ScopedModelAdmin
from linli.supply.models import Organisation, OrganisationProject, SocialWorker


class ProjectInline(ScopedInline):
    model = OrganisationProject
    extra = 0
    fields = ["year", "title", "funder", "amount_fen", "summary"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "social_role", "legal_status", "region", "active"]
    list_filter = ["kind", "social_role", "legal_status", "active"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["domains"]
    inlines = [ProjectInline]


@admin.register(SocialWorker)
class SocialWorkerAdmin(ScopedModelAdmin):
    list_display = ["name", "organisation", "region", "certification", "certified_year", "active"]
    list_filter = ["certification", "active"]
    search_fields = ["name"]
    list_select_related = ["organisation", "region"]
    autocomplete_fields = ["user", "organisation", "region"]
