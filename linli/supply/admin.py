from django.contrib import admin

from linli.core.admin import ScopedInline, ScopedModelAdmin
from linli.supply.models import (
    CertificateKind,
    Organisation,
    OrganisationProject,
    ServiceOffering,
    Skill,
    SocialWorker,
    Station,
    Team,
    Vehicle,
    Venue,
)


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


# Volunteers are not here, like residents: their personal data is reached only through the scoped
# pages (platform admins administer, they do not read people's records).


@admin.register(CertificateKind)
class CertificateKindAdmin(ScopedModelAdmin):
    scope_field = None
    list_display = ["code", "name", "name_en", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Skill)
class SkillAdmin(ScopedModelAdmin):
    scope_field = None
    list_display = ["code", "name", "name_en", "needs_certificate", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    list_filter = ["active", "needs_certificate"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["needs_certificate"]


@admin.register(Team)
class TeamAdmin(ScopedModelAdmin):
    list_display = ["name", "region", "leader", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    list_select_related = ["region", "leader"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["leader"]


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(ScopedModelAdmin):
    list_display = ["organisation", "item", "region", "capacity_per_week", "price_kind", "price_fen", "active"]
    list_filter = ["price_kind", "active"]
    search_fields = ["organisation__name", "item__name", "item__code"]
    list_select_related = ["organisation", "item", "region"]
    autocomplete_fields = ["organisation", "region"]


@admin.register(Station)
class StationAdmin(ScopedModelAdmin):
    list_display = ["name", "region", "address", "opening_hours", "active"]
    list_filter = ["active"]
    search_fields = ["name", "address"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(Vehicle)
class VehicleAdmin(ScopedModelAdmin):
    list_display = ["name", "plate", "kind", "seats", "region", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "plate"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(Venue)
class VenueAdmin(ScopedModelAdmin):
    list_display = ["name", "region", "capacity", "bookable", "active"]
    list_filter = ["bookable", "active"]
    search_fields = ["name", "address"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
