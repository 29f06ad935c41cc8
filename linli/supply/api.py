"""The supply database over the API: organisations, skills, volunteers, offerings.

Everything is limited to what the caller may see. Volunteers' mobile numbers are always masked; a
volunteer reads and edits their own record under ``/api/volunteers/me``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from linli.accounts.scoping import scope_organisations
from linli.core.api_support import (
    COUNT_DESCRIPTION,
    NEXT_DESCRIPTION,
    PREVIOUS_DESCRIPTION,
    Id,
    LocalTime,
    PageQuery,
    PathId,
    SmallInt,
    caller,
    paginate,
    responses,
)
from linli.core.errors import DomainError
from linli.regions.api import RegionRef
from linli.regions.models import Region
from linli.supply.availability import slots_between
from linli.supply.models import Organisation, SocialWorker
from linli.supply.selectors import (
    certificate_kinds,
    offering_list,
    skills,
    volunteer_get,
    volunteer_list,
    volunteer_own,
)
from linli.supply.services import (
    ExceptionInput,
    ProfileInput,
    VolunteerInput,
    WeeklyInput,
    volunteer_register,
    volunteer_set_availability,
    volunteer_update_profile,
)

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
def organisation_detail(request, organisation_id: PathId):
    qs = _organisations(caller(request)).prefetch_related(
        "domains", "projects",
        Prefetch("social_workers", queryset=SocialWorker.objects.filter(active=True).select_related("region")),
    )
    organisation = qs.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation


# --- volunteers ---------------------------------------------------------------------------------


class CertificateKindRef(Schema):
    code: str = Field(description="Certificate kind code, e.g. `health_certificate`.")
    name: str = Field(description="Label in the request's language.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label


class SkillOut(Schema):
    code: str = Field(description="Stable skill code, e.g. `meal_delivery`.")
    name: str = Field(description="Label in the request's language.")
    name_zh: str = Field(description="Chinese label.")
    name_en: str = Field(description="English label.")
    needs_certificate: CertificateKindRef | None = Field(
        description="The certificate a volunteer must hold (valid) to be dispatched for this skill, or null."
    )

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label

    @staticmethod
    def resolve_name_zh(obj) -> str:
        return obj.name


class SkillRef(Schema):
    code: str = Field(description="Skill code.")
    name: str = Field(description="Label in the request's language.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label


class VolunteerOut(Schema):
    id: int = Field(description="Volunteer id.")
    name: str = Field(description="Full name.")
    gender: str = Field(description="`M` or `F`.")
    age: int = Field(description="Age in whole years today.")
    region: RegionRef = Field(description="Home region (community level or below).")
    mobile_masked: str = Field(description="Masked mobile number (138****1234), or empty.")
    lat: float | None = Field(description="Home latitude in degrees (WGS-84), or null.")
    lon: float | None = Field(description="Home longitude in degrees (WGS-84), or null.")
    skills: list[SkillRef] = Field(description="Registered skills, in the vocabulary's order.")
    qualified_skills: list[str] = Field(
        description="Codes of the skills the volunteer may be dispatched for today (certificate-gated skills need a valid certificate)."
    )
    max_km: float = Field(description="Farthest distance the volunteer will go, in km (0.1–50).")
    daily_capacity: int = Field(description="Most services a day (1–20).")
    insured_until: dt.date | None = Field(description="Last day of the accident insurance, or null when none is recorded.")
    insured: bool = Field(description="Whether the accident insurance is valid today.")
    status: str = Field(description="active, paused or left.")

    @staticmethod
    def resolve_lat(obj) -> float | None:
        return float(obj.lat) if obj.lat is not None else None

    @staticmethod
    def resolve_lon(obj) -> float | None:
        return float(obj.lon) if obj.lon is not None else None

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())

    @staticmethod
    def resolve_qualified_skills(obj) -> list[str]:
        codes = obj.qualified_skill_codes()
        return [s.code for s in obj.skills.all() if s.code in codes]

    @staticmethod
    def resolve_insured_until(obj):
        return obj.insurance_valid_until


class CertificateOut(Schema):
    id: int = Field(description="Certificate id.")
    kind: CertificateKindRef = Field(description="Kind of certificate.")
    number: str = Field(description="Certificate number, or empty.")
    valid_from: dt.date | None = Field(description="First valid day, or null.")
    valid_until: dt.date | None = Field(description="Last valid day, or null when it does not expire.")
    valid_today: bool = Field(description="Whether it is valid today.")

    @staticmethod
    def resolve_valid_today(obj) -> bool:
        return obj.is_valid_on(timezone.localdate())


class WeeklyWindow(Schema):
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday.")
    start: LocalTime = Field(description="Local start time (Asia/Shanghai), HH:MM (sent back as HH:MM:SS).")
    end: LocalTime = Field(description="Local end time, after the start.")


class AvailabilityExceptionSchema(Schema):
    date: dt.date = Field(description="The date.")
    start: LocalTime | None = Field(None, description="Local start time; null with `end` for the whole day.")
    end: LocalTime | None = Field(None, description="Local end time; null with `start` for the whole day.")
    available: bool = Field(False, description="true: an extra window (times required); false: unavailable.")


class VolunteerDetailOut(VolunteerOut):
    birth_date: dt.date = Field(description="Date of birth.")
    guardian_consent: bool = Field(description="Under-16 volunteers: the guardian agreed.")
    insurer: str = Field(description="Accident insurer, or empty.")
    insurance_policy: str = Field(description="Policy number, or empty.")
    certificates: list[CertificateOut] = Field(description="Certificates, expired ones included.")
    weekly: list[WeeklyWindow] = Field(description="Weekly service times, by weekday and start.")
    exceptions: list[AvailabilityExceptionSchema] = Field(description="Exceptions from today on, by date.")
    teams: list[str] = Field(description="Names of the volunteer's teams.")
    on_resident_register: bool = Field(description="Whether the volunteer is linked to a resident record.")

    @staticmethod
    def resolve_certificates(obj) -> list:
        return list(obj.certificates.all())

    @staticmethod
    def resolve_weekly(obj) -> list:
        return list(obj.weekly.all())

    @staticmethod
    def resolve_exceptions(obj) -> list:
        return list(obj.exceptions.all())

    @staticmethod
    def resolve_teams(obj) -> list[str]:
        return [m.team.name for m in obj.team_memberships.all()]

    @staticmethod
    def resolve_on_resident_register(obj) -> bool:
        return obj.resident_id is not None


class VolunteerPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    next: str | None = Field(description=NEXT_DESCRIPTION)
    previous: str | None = Field(description=PREVIOUS_DESCRIPTION)
    items: list[VolunteerOut] = Field(description="The volunteers on this page, by id.")


class VolunteerFilters(PageQuery):
    skill: str | None = Field(None, description="Only volunteers with this skill code (400 `unknown_skill`).")
    region: str | None = Field(None, description="Code of a region; only volunteers living in it or below (unknown: empty list).")
    available_on: dt.date | None = Field(None, description="Only volunteers with service time on this date.")
    insured: bool | None = Field(None, description="true: insured today; false: not insured today.")
    certificate: str | None = Field(None, description="Only volunteers holding a certificate of this kind valid today.")
    q: str = Field("", max_length=50, description="Name prefix or full 11-digit mobile number.")


class ProfileIn(Schema):
    skills: list[str] = Field([], description="Skill codes, see GET /api/skills.")
    max_km: float = Field(2.0, description="Farthest distance in km, 0.1 to 50 (400 `max_km_range`).")
    daily_capacity: SmallInt = Field(3, description="Most services a day, 1 to 20 (400 `daily_capacity_range`).")
    insurer: str = Field("", max_length=80, description="Accident insurer; required with `insurance_valid_until`.")
    insurance_policy: str = Field("", max_length=60, description="Policy number.")
    insurance_valid_until: dt.date | None = Field(None, description="Last insured day; a past date is kept and shown as expired.")
    lat: float | None = Field(None, ge=-90, le=90, description="Home latitude (WGS-84); give both or neither.")
    lon: float | None = Field(None, ge=-180, le=180, description="Home longitude (WGS-84).")
    mobile: str | None = Field(
        None, max_length=40, description="Mobile number; ignored for residents (taken from the register); null keeps it.",
    )


class RegisterIn(ProfileIn):
    name: str = Field("", max_length=100, description="Full name; ignored for residents (taken from the register).")
    gender: str = Field("", description="`M` or `F`; ignored for residents.")
    birth_date: dt.date | None = Field(None, description="Date of birth; ignored for residents. Under 16 needs `guardian_consent`.")
    region: str = Field("", description="Code of the home region (community or below); ignored for residents.")
    guardian_consent: bool = Field(False, description="The guardian of a volunteer under 16 agrees.")


class AvailabilityIn(Schema):
    weekly: list[WeeklyWindow] = Field(description="The whole weekly pattern (replaces the old one).")
    exceptions: list[AvailabilityExceptionSchema] = Field([], description="All exceptions (replace the old ones).")


class SlotOut(Schema):
    start: dt.datetime = Field(description="Start, with the +08:00 offset.")
    end: dt.datetime = Field(description="End, with the +08:00 offset.")


class SlotQuery(Schema):
    start: dt.date = Field(description="First date.")
    end: dt.date = Field(description="Last date (at most 62 days after the first).")


@router.get("/skills", response=responses({200: list[SkillOut]}, errors=(401,)), summary="Skills vocabulary")
def skill_index(request):
    return list(skills())


@router.get("/volunteers", response=responses({200: VolunteerPage}, errors=(400, 401, 422)), summary="List volunteers")
def volunteer_index(request, filters: Query[VolunteerFilters]):
    """Volunteers living in the caller's area (staff who may list people); anyone else gets only
    their own record. Mobile numbers are masked."""
    user = caller(request)
    skill = certificate = within = None
    if filters.skill:
        skill = skills().filter(code=filters.skill).first()
        if skill is None:
            raise DomainError("unknown_skill", _("Unknown skill"), field="skill")
    if filters.certificate:
        certificate = certificate_kinds().filter(code=filters.certificate).first()
        if certificate is None:
            raise DomainError("unknown_certificate_kind", _("Unknown kind of certificate"), field="certificate")
    if filters.region:
        within = Region.objects.filter(code=filters.region).first()
        if within is None:
            return paginate(request, volunteer_list(user=user).none(), filters)
    qs = volunteer_list(user=user, skill=skill, within=within, available_on=filters.available_on,
                        insured=filters.insured, certificate=certificate, query=filters.q)
    return paginate(request, qs, filters)


def _own(request):
    volunteer = volunteer_own(user=caller(request))
    if volunteer is None:
        raise Http404
    return volunteer


@router.get("/volunteers/me", response=responses({200: VolunteerDetailOut}, errors=(401, 404)), summary="My volunteer profile")
def volunteer_me(request):
    """The caller's own volunteer record (404 when not registered)."""
    return _own(request)


@router.post("/volunteers/register", response=responses({201: VolunteerDetailOut}, errors=(400, 401, 404, 422)),
             summary="Become a volunteer")
def volunteer_register_self(request, payload: RegisterIn):
    """Register the caller as a volunteer. A resident's name, gender, birth date, mobile and home
    region come from their record. A second registration is 400 `volunteer_already_registered`."""
    user = caller(request)
    region = Region.objects.current().filter(code=payload.region).first() if payload.region else None
    if payload.region and region is None:
        raise DomainError("unknown_region", _("Unknown region"), field="region")
    data = VolunteerInput(
        **_profile_fields(payload), name=payload.name, gender=payload.gender, birth_date=payload.birth_date,
        region=region, guardian_consent=payload.guardian_consent,
    )
    volunteer_register(user=user, data=data)
    return Status(201, _own(request))


def _profile_fields(payload: ProfileIn) -> dict:
    return {
        "skills": payload.skills, "max_km": payload.max_km, "daily_capacity": payload.daily_capacity,
        "insurer": payload.insurer, "insurance_policy": payload.insurance_policy,
        "insurance_valid_until": payload.insurance_valid_until, "lat": payload.lat, "lon": payload.lon,
        "mobile": payload.mobile,
    }


@router.put("/volunteers/me", response=responses({200: VolunteerDetailOut}, errors=(400, 401, 404, 422)),
            summary="Update my volunteer profile")
def volunteer_me_update(request, payload: ProfileIn):
    """Replace the profile (skills, reach, capacity, insurance, location, mobile)."""
    volunteer_update_profile(volunteer=_own(request), data=ProfileInput(**_profile_fields(payload)))
    return _own(request)


@router.put("/volunteers/me/availability", response=responses({200: VolunteerDetailOut}, errors=(400, 401, 404, 422)),
            summary="Set my service times")
def volunteer_me_availability(request, payload: AvailabilityIn):
    """Replace the weekly pattern and the exceptions together. Overlapping windows of one weekday
    are 400 `availability_overlap`; an end not after its start is 400 `time_order`."""
    volunteer_set_availability(
        volunteer=_own(request),
        weekly=[WeeklyInput(w.weekday, w.start, w.end) for w in payload.weekly],
        exceptions=[ExceptionInput(e.date, e.start, e.end, e.available) for e in payload.exceptions],
    )
    return _own(request)


@router.get("/volunteers/me/slots", response=responses({200: list[SlotOut]}, errors=(400, 401, 404, 422)),
            summary="My service times between two dates")
def volunteer_me_slots(request, query: Query[SlotQuery]):
    """The weekly pattern expanded over the dates, minus exceptions, plus extra windows."""
    if not 0 <= (query.end - query.start).days <= 62:
        raise DomainError("date_range", _("Choose at most 62 days, the end not before the start"), field="end")
    return [{"start": s, "end": e} for s, e in slots_between(_own(request), query.start, query.end)]


@router.get("/volunteers/{volunteer_id}", response=responses({200: VolunteerDetailOut}, errors=(401, 404)),
            summary="One volunteer")
def volunteer_detail(request, volunteer_id: PathId):
    return volunteer_get(user=caller(request), pk=volunteer_id)


# --- offerings ----------------------------------------------------------------------------------


class ServiceItemRef(Schema):
    code: str = Field(description="Four-digit service item code.")
    name: str = Field(description="Label in the request's language.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label


class OrganisationRef(Schema):
    id: int = Field(description="Organisation id.")
    name: str = Field(description="Name.")


class OfferingOut(Schema):
    id: int = Field(description="Offering id.")
    organisation: OrganisationRef = Field(description="Who offers it.")
    item: ServiceItemRef = Field(description="The catalog item offered.")
    region: RegionRef = Field(description="Where it is offered (that region and below).")
    capacity_per_week: int = Field(description="How many services a week.")
    price_kind: str = Field(description="free, low_fee (低偿) or paid.")
    price_fen: int = Field(description="Price per service in fen (0 when free).")
    note: str = Field(description="Note, or empty.")


class OfferingPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    next: str | None = Field(description=NEXT_DESCRIPTION)
    previous: str | None = Field(description=PREVIOUS_DESCRIPTION)
    items: list[OfferingOut] = Field(description="The offerings on this page, by item code.")


class OfferingFilters(PageQuery):
    item: str | None = Field(None, description="Only offerings of this service item code.")
    price_kind: str | None = Field(None, description="free, low_fee or paid.")
    organisation: Id | None = Field(None, description="Only offerings of this organisation id.")


@router.get("/offerings", response=responses({200: OfferingPage}, errors=(401, 422)), summary="List service offerings")
def offering_index(request, filters: Query[OfferingFilters]):
    """Offerings of the caller's organisations and those offered in the caller's area."""
    qs = offering_list(user=caller(request), price_kind=filters.price_kind or "")
    if filters.item:
        qs = qs.filter(item__code=filters.item)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    return paginate(request, qs, filters)
