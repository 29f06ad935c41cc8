"""Writes to the supply database: volunteers, their availability and certificates, teams, offerings.

Every function validates first and raises :class:`DomainError` (stable code, translated message,
the field at fault); writes happen in one transaction, so nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError, interpolate
from linli.people.models import Gender
from linli.people.services import check_region_writable
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import IdentifierError, parse_mobile
from linli.regions.models import Level, Region
from linli.supply.availability import overlapping
from linli.supply.models import (
    DAILY_CAPACITY_RANGE,
    MAX_KM_RANGE,
    MIN_AGE,
    AvailabilityException,
    CertificateKind,
    Organisation,
    PriceKind,
    ServiceOffering,
    Skill,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerCertificate,
    VolunteerStatus,
    WeeklyAvailability,
    age_on,
)

MAX_WEEKLY_WINDOWS = 50
MAX_EXCEPTIONS = 200


@dataclass
class ProfileInput:
    """What a volunteer keeps up to date. Values as entered; the services validate them."""

    skills: list[str] = field(default_factory=list)
    max_km: object = Decimal("2.0")
    daily_capacity: object = 3
    insurer: str = ""
    insurance_policy: str = ""
    insurance_valid_until: dt.date | None = None
    lat: object = None
    lon: object = None
    mobile: str | None = None  # None: unchanged (a resident's number comes from the register)


@dataclass
class VolunteerInput(ProfileInput):
    """A registration: identity (taken from the resident record when there is one) plus profile."""

    name: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    region: Region | None = None
    guardian_consent: bool = False


# --- validation ---------------------------------------------------------------------------------


def _decimal(value, *, code: str, message, name: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError(code, message, field=name) from None
    if not number.is_finite():
        raise DomainError(code, message, field=name)
    return number


def _clean_location(lat, lon) -> tuple[Decimal | None, Decimal | None]:
    message = _("Enter the location as latitude and longitude in degrees")
    lat = _decimal(lat, code="location_invalid", message=message, name="lat")
    lon = _decimal(lon, code="location_invalid", message=message, name="lon")
    if (lat is None) != (lon is None):
        raise DomainError("location_incomplete", _("Give both latitude and longitude, or neither"), field="lat" if lat is None else "lon")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError("location_invalid", message, field="lat")
    return (lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))) if lat is not None else (None, None)


def _clean_skills(codes) -> list[Skill]:
    codes = list(dict.fromkeys(c.strip() for c in codes or [] if c and c.strip()))
    known = {s.code: s for s in Skill.objects.filter(code__in=codes, active=True)}
    for code in codes:
        if code not in known:
            raise DomainError("unknown_skill", interpolate(_("Unknown skill: %(code)s"), {"code": code}), field="skills")
    return [known[c] for c in codes]


def _clean_profile(data: ProfileInput) -> dict:
    max_km = _decimal(data.max_km, code="max_km_invalid", message=_("Enter the distance in kilometres"), name="max_km")
    if max_km is None:
        raise DomainError("max_km_invalid", _("Enter the distance in kilometres"), field="max_km")
    if not MAX_KM_RANGE[0] <= max_km <= MAX_KM_RANGE[1]:
        raise DomainError("max_km_range", _("The maximum distance is between 0.1 and 50 km"), field="max_km")
    try:
        capacity = int(str(data.daily_capacity).strip())
    except (TypeError, ValueError):
        raise DomainError("daily_capacity_invalid", _("Enter a whole number of services per day"), field="daily_capacity") from None
    if not DAILY_CAPACITY_RANGE[0] <= capacity <= DAILY_CAPACITY_RANGE[1]:
        raise DomainError("daily_capacity_range", _("Services per day is between 1 and 20"), field="daily_capacity")
    insurer = (data.insurer or "").strip()
    policy = (data.insurance_policy or "").strip()
    if (insurer or policy) and data.insurance_valid_until is None:
        raise DomainError("insurance_date_required", _("Give the date the insurance ends"), field="insurance_valid_until")
    if data.insurance_valid_until is not None and not insurer:
        raise DomainError("insurer_required", _("Name the insurer"), field="insurer")
    if len(insurer) > 80 or len(policy) > 60:
        raise DomainError("insurance_too_long", _("The insurer or policy number is too long"), field="insurer" if len(insurer) > 80 else "insurance_policy")
    lat, lon = _clean_location(data.lat, data.lon)
    out = {
        "max_km": max_km.quantize(Decimal("0.1")), "daily_capacity": capacity, "insurer": insurer,
        "insurance_policy": policy, "insurance_valid_until": data.insurance_valid_until, "lat": lat, "lon": lon,
        "skills": _clean_skills(data.skills),
    }
    if data.mobile is not None:
        out["mobile"] = _clean_mobile(data.mobile)
    return out


def _clean_mobile(mobile: str) -> str:
    if not (mobile or "").strip():
        return ""
    try:
        return parse_mobile(mobile)
    except IdentifierError as exc:
        exc.field = "mobile"
        raise


def _clean_identity(data: VolunteerInput, *, today: dt.date) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise DomainError("name_required", _("Name is required"), field="name")
    if len(name) > 50:
        raise DomainError("name_too_long", _("Name is longer than 50 characters"), field="name")
    if data.gender not in Gender.values:
        raise DomainError("gender_invalid", _("Gender must be male or female"), field="gender")
    if data.birth_date is None:
        raise DomainError("birth_date_required", _("Birth date is required"), field="birth_date")
    if data.birth_date > today:
        raise DomainError("birth_date_future", _("The birth date is in the future"), field="birth_date")
    if age_on(data.birth_date, today) < MIN_AGE and not data.guardian_consent:
        raise DomainError(
            "volunteer_too_young",
            interpolate(_("Volunteers under %(age)s need their guardian's consent"), {"age": MIN_AGE}),
            field="guardian_consent",
        )
    if data.region is None:
        raise DomainError("region_required", _("Choose where you live"), field="region")
    if data.region.level < Level.COMMUNITY:
        raise DomainError("region_too_high", _("A volunteer lives in a community, grid, micro-grid or building"), field="region")
    return {"name": name, "gender": data.gender, "birth_date": data.birth_date, "region": data.region,
            "guardian_consent": bool(data.guardian_consent)}


def _from_resident(data: VolunteerInput, resident) -> VolunteerInput:
    """The identity fields of a resident's record replace whatever was entered."""
    data.name, data.region = resident.name, resident.region
    data.gender = resident.gender or data.gender
    data.birth_date = resident.birth_date or data.birth_date
    data.mobile = resident.mobile or (data.mobile or "")
    return data


# --- volunteers ---------------------------------------------------------------------------------


def _save_new(*, fields: dict, user=None, resident=None, registered_by=None, consent: bool = False) -> Volunteer:
    skills = fields.pop("skills")
    mobile = fields.pop("mobile", "")
    volunteer = Volunteer(user=user, resident=resident, registered_by=registered_by, **fields)
    set_mobile(volunteer, mobile)
    if consent:
        volunteer.consent_at = timezone.now()
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise DomainError("volunteer_already_registered", _("This person is already registered as a volunteer"), field="name") from None
    volunteer.skills.set(skills)
    return volunteer


def set_mobile(volunteer: Volunteer, mobile: str) -> None:
    """Set the encrypted number together with its blind index (never one without the other)."""
    volunteer.mobile = mobile
    volunteer.mobile_hash = blind_index(mobile) if mobile else ""


def _ensure_volunteer_role(user, region: Region) -> None:
    community = region.community() or region
    Membership.objects.get_or_create(user=user, role=Role.VOLUNTEER, region=community)
    if hasattr(user, "_linli_scope"):
        del user._linli_scope


@transaction.atomic
def volunteer_register(*, user, data: VolunteerInput) -> Volunteer:
    """A logged-in person registers themselves. A resident's name, gender, birth date, mobile and
    region come from their record and the volunteer is linked to it. Registering twice is refused;
    a record a worker made earlier for the same resident is taken over by the account."""
    if Volunteer.objects.filter(user=user).exists():
        raise DomainError("volunteer_already_registered", _("You are already registered as a volunteer"))
    resident = getattr(user, "resident", None)
    if resident is not None:
        data = _from_resident(data, resident)
    today = timezone.localdate()
    identity = _clean_identity(data, today=today)
    if data.mobile is None:
        data.mobile = ""
    fields = {**identity, **_clean_profile(data)}
    existing = Volunteer.objects.select_for_update().filter(resident=resident, user__isnull=True).first() if resident else None
    if existing is not None:
        existing.user = user
        existing.save(update_fields=["user"])
        volunteer = volunteer_update_profile(volunteer=existing, data=data)
    else:
        volunteer = _save_new(fields=fields, user=user, resident=resident, registered_by=user)
    _ensure_volunteer_role(user, volunteer.region)
    return volunteer


@transaction.atomic
def volunteer_create_by_staff(
    *, user, data: VolunteerInput, consent: bool, resident=None, account=None,
) -> Volunteer:
    """A community or grid worker registers someone, with their consent (记录办法 §6). ``resident``
    (already fetched through the scoped selector) supplies the identity; ``account`` links a login."""
    if not consent:
        raise DomainError("consent_required", _("Record that the volunteer agreed to be registered"), field="consent")
    if resident is not None:
        data = _from_resident(data, resident)
        if Volunteer.objects.filter(resident=resident).exists():
            raise DomainError("volunteer_already_registered", _("This person is already registered as a volunteer"), field="resident")
    identity = _clean_identity(data, today=timezone.localdate())
    check_region_writable(user=user, region=identity["region"])
    if data.mobile is None:
        data.mobile = ""
    fields = {**identity, **_clean_profile(data)}
    return _save_new(fields=fields, user=account, resident=resident, registered_by=user, consent=True)


@transaction.atomic
def volunteer_update_profile(*, volunteer: Volunteer, data: ProfileInput) -> Volunteer:
    """Skills, reach, capacity, insurance, location and (for a volunteer who is not on the resident
    register) the mobile number. Insurance that has already ended is kept and shown as expired."""
    fields = _clean_profile(data)
    skills = fields.pop("skills")
    mobile = fields.pop("mobile", None)
    if mobile is not None and volunteer.resident_id is None:
        set_mobile(volunteer, mobile)
        fields.update(mobile=volunteer.mobile, mobile_hash=volunteer.mobile_hash)
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer.save(update_fields=list(fields))
    volunteer.skills.set(skills)
    return volunteer


# --- availability -------------------------------------------------------------------------------


@dataclass
class WeeklyInput:
    weekday: int
    start: dt.time | None
    end: dt.time | None


@dataclass
class ExceptionInput:
    date: dt.date | None
    start: dt.time | None = None
    end: dt.time | None = None
    available: bool = False


def _check_weekly(weekly: list[WeeklyInput]) -> None:
    if len(weekly) > MAX_WEEKLY_WINDOWS:
        raise DomainError("too_many_windows", _("Too many service times"), field="weekly")
    for i, w in enumerate(weekly):
        if not isinstance(w.weekday, int) or not 0 <= w.weekday <= 6:
            raise DomainError("weekday_invalid", _("The weekday is 0 (Monday) to 6 (Sunday)"), field=f"weekly.{i}.weekday")
        if w.start is None or w.end is None:
            raise DomainError("time_required", _("Give the start and end times"), field=f"weekly.{i}.start")
        if w.start >= w.end:
            raise DomainError("time_order", _("The end time must be after the start time"), field=f"weekly.{i}.end")
    for day in range(7):
        if overlapping([(w.start, w.end) for w in weekly if w.weekday == day]):
            index = next(i for i, w in enumerate(weekly) if w.weekday == day)
            raise DomainError("availability_overlap", _("Two service times of the same weekday overlap"), field=f"weekly.{index}")


def _check_exceptions(exceptions: list[ExceptionInput]) -> None:
    if len(exceptions) > MAX_EXCEPTIONS:
        raise DomainError("too_many_windows", _("Too many exceptions"), field="exceptions")
    for i, e in enumerate(exceptions):
        if e.date is None:
            raise DomainError("date_required", _("Give the date"), field=f"exceptions.{i}.date")
        if (e.start is None) != (e.end is None):
            raise DomainError("time_required", _("Give both times, or neither for the whole day"), field=f"exceptions.{i}.start")
        if e.available and e.start is None:
            raise DomainError("extra_time_needs_window", _("Extra time needs a start and an end time"), field=f"exceptions.{i}.start")
        if e.start is not None and e.start >= e.end:
            raise DomainError("time_order", _("The end time must be after the start time"), field=f"exceptions.{i}.end")
    for i, e in enumerate(exceptions):
        same = [x for x in exceptions[:i] if x.date == e.date and x.available == e.available]
        if any(x.start is None or e.start is None or overlapping([(x.start, x.end), (e.start, e.end)]) for x in same):
            raise DomainError("exception_overlap", _("Two exceptions of the same date overlap"), field=f"exceptions.{i}")


@transaction.atomic
def volunteer_set_availability(*, volunteer: Volunteer, weekly: list[WeeklyInput], exceptions: list[ExceptionInput]) -> None:
    """Replace the weekly pattern and the exceptions together, or change nothing."""
    _check_weekly(weekly)
    _check_exceptions(exceptions)
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    volunteer.weekly.all().delete()
    volunteer.exceptions.all().delete()
    WeeklyAvailability.objects.bulk_create(
        [WeeklyAvailability(volunteer=volunteer, weekday=w.weekday, start=w.start, end=w.end) for w in weekly]
    )
    AvailabilityException.objects.bulk_create([
        AvailabilityException(volunteer=volunteer, date=e.date, start=e.start, end=e.end, available=e.available)
        for e in exceptions
    ])


# --- certificates -------------------------------------------------------------------------------


@transaction.atomic
def certificate_add(
    *, volunteer: Volunteer, kind: str, number: str = "", valid_from: dt.date | None = None, valid_until: dt.date | None = None,
) -> VolunteerCertificate:
    """Record a certificate. One that has already expired is kept (and shown in red), not refused."""
    found = CertificateKind.objects.filter(code=kind, active=True).first()
    if found is None:
        raise DomainError("unknown_certificate_kind", _("Unknown kind of certificate"), field="kind")
    number = (number or "").strip()
    if len(number) > 60:
        raise DomainError("certificate_number_too_long", _("The certificate number is too long"), field="number")
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError("certificate_dates", _("The certificate ends before it starts"), field="valid_until")
    return VolunteerCertificate.objects.create(
        volunteer=volunteer, kind=found, number=number, valid_from=valid_from, valid_until=valid_until,
    )


def certificate_remove(*, volunteer: Volunteer, certificate_id: int) -> None:
    deleted, _detail = VolunteerCertificate.objects.filter(volunteer=volunteer, pk=certificate_id).delete()
    if not deleted:
        raise DomainError("not_found", _("Not found"))


# --- teams --------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, user, name: str, region: Region, leader: Volunteer | None = None, description: str = "") -> Team:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError("team_name_invalid", _("A team name has 1 to 80 characters"), field="name")
    check_region_writable(user=user, region=region)
    if Team.objects.filter(region=region, name=name).exists():
        raise DomainError("team_name_taken", _("A team of this name already exists here"), field="name")
    team = Team.objects.create(name=name, region=region, leader=leader, description=(description or "").strip())
    if leader is not None:
        team_add_member(team=team, volunteer=leader)
    return team


@transaction.atomic
def team_add_member(*, team: Team, volunteer: Volunteer, joined_on: dt.date | None = None) -> TeamMembership:
    if volunteer.status == VolunteerStatus.LEFT:
        raise DomainError("volunteer_left", _("This volunteer has left"), field="volunteer")
    try:
        with transaction.atomic():
            return TeamMembership.objects.create(team=team, volunteer=volunteer, joined_on=joined_on or timezone.localdate())
    except IntegrityError:
        raise DomainError("already_member", _("The volunteer is already in this team"), field="volunteer") from None


# --- offerings ----------------------------------------------------------------------------------


def _check_offering_rights(user, organisation: Organisation, region: Region) -> None:
    scope = scope_for(user)
    own = organisation.pk in scope.organisation_ids
    if not (own or scope.covers(organisation.region.path, scope.menu_paths)):
        raise DomainError("action_forbidden", _("You may not edit this organisation's offerings"))
    if not scope.covers(region.path):
        raise DomainError("region_out_of_scope", _("This region is outside your area"), field="region")


def _check_price(price_kind: str, price_fen) -> int:
    if price_kind not in PriceKind.values:
        raise DomainError("price_kind_invalid", _("The price is free, low fee or paid"), field="price_kind")
    if not isinstance(price_fen, int) or price_fen < 0:
        raise DomainError("price_invalid", _("The price is a whole number of fen, 0 or more"), field="price_fen")
    if price_kind == PriceKind.FREE and price_fen != 0:
        raise DomainError("price_free_not_zero", _("A free service has a price of 0"), field="price_fen")
    if price_kind != PriceKind.FREE and price_fen == 0:
        raise DomainError("price_required", _("A low-fee or paid service needs a price above 0"), field="price_fen")
    return price_fen


@transaction.atomic
def offering_save(
    *, user, organisation: Organisation, item, region: Region, capacity_per_week: int,
    price_kind: str = PriceKind.FREE, price_fen: int = 0, note: str = "", active: bool = True,
) -> ServiceOffering:
    """Create or update the organisation's offering of ``item`` in ``region``. The organisation's
    admins and the staff who edit menus in its area may do this."""
    _check_offering_rights(user, organisation, region)
    if not isinstance(capacity_per_week, int) or not 1 <= capacity_per_week <= 10000:
        raise DomainError("capacity_range", _("Capacity per week is between 1 and 10000"), field="capacity_per_week")
    price_fen = _check_price(price_kind, price_fen)
    offering, _created = ServiceOffering.objects.update_or_create(
        organisation=organisation, item=item, region=region,
        defaults={"capacity_per_week": capacity_per_week, "price_kind": price_kind, "price_fen": price_fen,
                  "note": (note or "").strip()[:200], "active": active},
    )
    return offering
