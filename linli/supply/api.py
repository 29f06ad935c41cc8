"""``/api/organisations``: who serves, limited to what the caller may see."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema

from linli.accounts.scoping import scope_organisations
from linli.core.api_support import (
    COUNT_DESCRIPTION,
    NEXT_DESCRIPTION,
    PREVIOUS_DESCRIPTION,
    PageQuery,
    caller,
    paginate,
    responses,
)
from linli.regions.api import RegionRef
from linli.regions.models import Region
from linli.supply.models import Organisation, SocialWorker

router = Router(tags=["supply"])


class OrganisationOut(Schema):
    id: int = Field(description="Organisation id.")
    name: str = Field(description="Name.")
    kind: str = Field(description="social_org, property, local_unit, business or charity.")
    region: RegionRef = Field(description="The region the organisation is based in.")
    social_role: str = Field(description="hub or specialist for social organisations, else empty.")
    legal_status: str = Field(description="registered, filed or none for social organisations, else empty.")


class CategoryRef(Schema):
    code: str = Field(description="Two-digit service category code.")
    name: str = Field(description="Label in the request's language.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label


class ProjectOut(Schema):
    title: str = Field(description="Project title.")
    year: int = Field(description="Year the project ran.")
    funder: str = Field(description="Who paid for it, or empty.")
    amount_fen: int = Field(description="Amount in fen (1 yuan = 100 fen).")
    summary: str = Field(description="Summary, or empty.")


class SocialWorkerOut(Schema):
    id: int = Field(description="Social worker id.")
    name: str = Field(description="Name.")
    certification: str = Field(description="none, assistant, social_worker or senior.")
    region: RegionRef = Field(description="The region the social worker serves.")


class OrganisationDetailOut(OrganisationOut):
    description: str = Field(description="What the organisation does.")
    credit_code: str = Field(description="Unified social credit code, or empty.")
    contact_name: str = Field(description="Contact person, or empty.")
    contact_phone: str = Field(description="Contact phone of the organisation, or empty.")
    domains: list[CategoryRef] = Field(description="Service categories the organisation works in.")
    projects: list[ProjectOut] = Field(description="Past projects, the most recent first.")
    social_workers: list[SocialWorkerOut] = Field(description="Active social workers of the organisation.")

    @staticmethod
    def resolve_domains(obj) -> list:
        return list(obj.domains.all())

    @staticmethod
    def resolve_projects(obj) -> list:
        return list(obj.projects.all())

    @staticmethod
    def resolve_social_workers(obj) -> list:
        return list(obj.social_workers.all())


class OrganisationPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    next: str | None = Field(description=NEXT_DESCRIPTION)
    previous: str | None = Field(description=PREVIOUS_DESCRIPTION)
    items: list[OrganisationOut] = Field(description="The organisations on this page, by name.")


class OrganisationFilters(PageQuery):
    kind: str | None = Field(None, description="Only organisations of this kind.")
    region: str | None = Field(
        None, description="Code of a region; only organisations based in it or below (unknown code: empty list)."
    )


def _organisations(user):
    return scope_organisations(Organisation.objects.filter(active=True), user).select_related("region")


@router.get("/organisations", response=responses({200: OrganisationPage}), summary="List organisations")
def organisation_index(request, filters: Query[OrganisationFilters]):
    qs = _organisations(caller(request)).order_by("name", "pk")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return paginate(request, qs, filters)


@router.get(
    "/organisations/{organisation_id}",
    response=responses({200: OrganisationDetailOut}, errors=(401, 404)),
    summary="One organisation",
)
def organisation_detail(request, organisation_id: int):
    qs = _organisations(caller(request)).prefetch_related(
        "domains", "projects",
        Prefetch("social_workers", queryset=SocialWorker.objects.filter(active=True).select_related("region")),
    )
    organisation = qs.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation
