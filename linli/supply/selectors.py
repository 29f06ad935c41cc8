"""Reads of the supply database, always within what the user may see.

Organisations: the region subtree of the user's memberships, plus their own organisation.
Volunteers: staff who may list people (``scope.resident_paths``) see the volunteers living in
their subtree; anyone else sees only their own volunteer record. Offerings: those of the user's
organisations and those serving the user's area. Outside that, an object is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linli.accounts.scoping import path_q, prefix_q, scope_for, scope_organisations
from linli.catalog.models import ServiceCategory
from linli.regions.models import Region
from linli.supply.models import (
    AvailabilityException,
    CertificateKind,
    Organisation,
    OrganisationProject,
    ServiceOffering,
    Skill,
    SocialWorker,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerCertificate,
    VolunteerStatus,
    WeeklyAvailability,
)


def organisation_list(*, user, kind: str = "", community: Region | None = None) -> QuerySet[Organisation]:
    """Organisations in the user's area with their region and service domains (2 queries)."""
    qs = scope_organisations(Organisation.objects.filter(active=True), user)
    if kind:
        qs = qs.filter(kind=kind)
    if community is not None:
        qs = qs.filter(region__path__startswith=community.path)
    return (
        qs.select_related("region")
        .prefetch_related(Prefetch("domains", queryset=ServiceCategory.objects.order_by("sort_order", "code")))
        .order_by("name", "id")
    )


def organisation_get(*, user, pk: int) -> Organisation:
    qs = scope_organisations(Organisation.objects.all(), user).select_related("region").prefetch_related(
        "domains",
        Prefetch("projects", queryset=OrganisationProject.objects.order_by("-year", "title")),
        Prefetch("social_workers", queryset=SocialWorker.objects.filter(active=True).select_related("region")),
        Prefetch("offerings", queryset=ServiceOffering.objects.filter(active=True).select_related("item", "region")),
    )
    try:
        return qs.get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


# --- volunteers ---------------------------------------------------------------------------------


def scope_volunteers(qs: QuerySet, user) -> QuerySet:
    scope = scope_for(user)
    if scope.resident_paths:
        return qs.filter(path_q("region__path", scope.resident_paths))
    if user is not None and user.is_authenticated:
        return qs.filter(user=user)
    return qs.none()


def sees_volunteer_list(user) -> bool:
    return bool(scope_for(user).resident_paths)


def skills() -> QuerySet[Skill]:
    return Skill.objects.filter(active=True).select_related("needs_certificate").order_by("sort_order", "code")


def certificate_kinds() -> QuerySet[CertificateKind]:
    return CertificateKind.objects.filter(active=True).order_by("sort_order", "code")


def available_on_q(day: dt.date) -> Q:
    """Volunteers with some time on ``day``: a weekly window of its weekday or an extra window,
    and not away the whole day. (Windows cut by part-day exceptions are left to the expansion.)"""
    weekly = WeeklyAvailability.objects.filter(volunteer=OuterRef("pk"), weekday=day.weekday())
    extra = AvailabilityException.objects.filter(volunteer=OuterRef("pk"), date=day, available=True)
    away = AvailabilityException.objects.filter(volunteer=OuterRef("pk"), date=day, available=False, start__isnull=True)
    return (Exists(weekly) & ~Exists(away)) | Exists(extra)


def certificate_valid_q(kind: CertificateKind, day: dt.date) -> Q:
    valid = VolunteerCertificate.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        volunteer=OuterRef("pk"), kind=kind,
    )
    return Q(Exists(valid))


def volunteer_list(
    *,
    user,
    skill: Skill | None = None,
    within: Region | None = None,
    available_on: dt.date | None = None,
    insured: bool | None = None,
    certificate: CertificateKind | None = None,
    query: str = "",
    status: str | None = VolunteerStatus.ACTIVE,
) -> QuerySet[Volunteer]:
    """Volunteers the user may see, with region, skills and certificates (4 queries with a count)."""
    today = timezone.localdate()
    qs = scope_volunteers(Volunteer.objects.all(), user)
    if status:
        qs = qs.filter(status=status)
    if within is not None:
        qs = qs.filter(prefix_q("region__path", within.path))
    if skill is not None:
        qs = qs.filter(Exists(Volunteer.skills.through.objects.filter(volunteer=OuterRef("pk"), skill=skill)))
    if available_on is not None:
        qs = qs.filter(available_on_q(available_on))
    if insured is not None:
        insured_q = Q(insurance_valid_until__gte=today)
        qs = qs.filter(insured_q) if insured else qs.exclude(insured_q)
    if certificate is not None:
        qs = qs.filter(certificate_valid_q(certificate, today))
    query = (query or "").strip()
    if query:
        qs = qs.by_mobile(query) if query.isdigit() and len(query) == 11 else qs.filter(name__startswith=query)
    return (
        qs.select_related("region")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("sort_order", "code")),
            Prefetch("certificates", queryset=VolunteerCertificate.objects.select_related("kind")),
        )
        .order_by("id")
    )


def _with_profile(qs: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    today = timezone.localdate()
    return qs.select_related("region", "resident").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.select_related("needs_certificate").order_by("sort_order", "code")),
        Prefetch("certificates", queryset=VolunteerCertificate.objects.select_related("kind")),
        Prefetch("weekly", queryset=WeeklyAvailability.objects.order_by("weekday", "start")),
        Prefetch("exceptions", queryset=AvailabilityException.objects.filter(date__gte=today).order_by("date", "start")),
        Prefetch("team_memberships", queryset=TeamMembership.objects.select_related("team")),
    )


def volunteer_get(*, user, pk: int) -> Volunteer:
    try:
        return _with_profile(scope_volunteers(Volunteer.objects.all(), user)).get(pk=pk)
    except Volunteer.DoesNotExist:
        raise Http404 from None


def volunteer_of(user) -> Volunteer | None:
    """The user's own volunteer record (with region and linked resident), or None: the light
    lookup every volunteer-facing page and service starts from."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("region", "resident").filter(user=user).first()


def volunteer_required(user) -> Volunteer:
    """:func:`volunteer_of`, or a translated ``not_a_volunteer`` refusal."""
    from django.utils.translation import gettext_lazy as _

    from linli.core.errors import DomainError

    volunteer = volunteer_of(user)
    if volunteer is None:
        raise DomainError("not_a_volunteer", _("Register as a volunteer first"))
    return volunteer


def volunteer_own(*, user) -> Volunteer | None:
    """The user's own volunteer record with everything the profile page shows, or None."""
    if user is None or not user.is_authenticated:
        return None
    return _with_profile(Volunteer.objects.filter(user=user)).first()


# --- teams and offerings ------------------------------------------------------------------------


def team_list(*, user) -> QuerySet[Team]:
    scope = scope_for(user)
    q = path_q("region__path", scope.paths)
    if user is not None and user.is_authenticated:
        q |= Q(memberships__volunteer__user=user)
    return (
        Team.objects.filter(q, active=True).distinct().select_related("region", "leader")
        .prefetch_related("members").order_by("name", "id")
    )


def team_get(*, user, pk: int) -> Team:
    team = team_list(user=user).filter(pk=pk).prefetch_related(
        Prefetch("memberships", queryset=TeamMembership.objects.select_related("volunteer__region")),
    ).first()
    if team is None:
        raise Http404
    return team


def scope_offerings(qs: QuerySet, user) -> QuerySet:
    scope = scope_for(user)
    q = path_q("region__path", scope.paths)
    if scope.organisation_ids:
        q |= Q(organisation_id__in=scope.organisation_ids)
    if not scope.paths and not scope.organisation_ids:
        # Residents and volunteers see what is offered in their community.
        return qs.filter(organisation__in=scope_organisations(Organisation.objects.all(), user)) if user.is_authenticated else qs.none()
    return qs.filter(q)


def offering_list(
    *, user, organisation: Organisation | None = None, item=None, within: Region | None = None, price_kind: str = "",
) -> QuerySet[ServiceOffering]:
    qs = scope_offerings(ServiceOffering.objects.filter(active=True), user)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if item is not None:
        qs = qs.filter(item=item)
    if within is not None:
        qs = qs.filter(prefix_q("region__path", within.path))
    if price_kind:
        qs = qs.filter(price_kind=price_kind)
    return qs.select_related("organisation", "item", "region").order_by("item__code", "organisation__name", "id")
