"""Writes to households and residents, and the audited reveal of identifiers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError, interpolate
from linli.people.models import Gender, Household, Residence, Resident, ResidentTag, TargetGroupTag
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import IdentifierError, parse_id_number, parse_mobile
from linli.privacy.models import AccessLog, Action, RevealReason
from linli.regions.models import Level, Region


@dataclass
class TagAssignment:
    tag: TargetGroupTag
    grade: int | None = None


@dataclass
class ResidentInput:
    """A validated resident, ready to be written. Built by :func:`resident_validate`."""

    region: Region
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str = ""
    mobile: str = ""
    address_detail: str = ""
    residence: str = Residence.REGISTERED
    relation_to_head: str = ""
    tags: list[TagAssignment] = field(default_factory=list)


def resident_validate(
    *,
    region: Region,
    name: str,
    gender: str = "",
    birth_date: dt.date | None = None,
    id_number: str = "",
    mobile: str = "",
    address_detail: str = "",
    residence: str = Residence.REGISTERED,
    relation_to_head: str = "",
    tags: list[TagAssignment] | None = None,
) -> ResidentInput:
    """Check every field and return the clean input; raise DomainError naming the first bad field.

    Gender and birth date are derived from the ID number when it is given; when both are given and
    disagree, that is an error rather than a silent overwrite.
    """
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("Name is required"), field="name")
    if len(name) > 50:
        raise DomainError("name_too_long", _("Name is longer than 50 characters"), field="name")
    if region.level < Level.COMMUNITY:
        raise DomainError("region_too_high", _("A resident lives in a community, grid, micro-grid or building"), field="region")
    clean_id = ""
    if id_number and str(id_number).strip():
        try:
            info = parse_id_number(str(id_number))
        except IdentifierError as exc:
            exc.field = "id_number"
            raise
        clean_id = info.number
        if gender and gender != info.gender:
            raise DomainError("gender_mismatch", _("Gender does not match the ID number"), field="gender")
        if birth_date and birth_date != info.birth_date:
            raise DomainError("birth_date_mismatch", _("Birth date does not match the ID number"), field="birth_date")
        gender, birth_date = info.gender, info.birth_date
    if gender not in Gender.values:
        raise DomainError("gender_invalid", _("Gender must be male or female"), field="gender")
    clean_mobile = ""
    if mobile and str(mobile).strip():
        try:
            clean_mobile = parse_mobile(str(mobile))
        except IdentifierError as exc:
            exc.field = "mobile"
            raise
    if residence not in Residence.values:
        raise DomainError("residence_invalid", _("Unknown residence status"), field="residence")
    for assignment in tags or []:
        if assignment.grade is not None and not assignment.tag.has_grade:
            raise DomainError("tag_grade_not_allowed", interpolate(_("The tag %(tag)s has no grade"), {"tag": assignment.tag.name}), field="tags")
        if assignment.grade is not None and not 1 <= assignment.grade <= 4:
            raise DomainError("tag_grade_range", _("A disability grade is between 1 and 4"), field="tags")
    return ResidentInput(
        region=region, name=name, gender=gender, birth_date=birth_date, id_number=clean_id,
        mobile=clean_mobile, address_detail=(address_detail or "").strip()[:100], residence=residence,
        relation_to_head=(relation_to_head or "").strip()[:20], tags=list(tags or []),
    )


def check_region_writable(*, user, region: Region) -> None:
    scope = scope_for(user)
    if not scope.covers(region.path, scope.edit_paths):
        raise DomainError("region_out_of_scope", _("This region is outside your area"), field="region")


@transaction.atomic
def resident_create(*, data: ResidentInput, household: Household | None = None) -> Resident:
    if data.id_number and Resident.objects.by_id_number(data.id_number).exists():
        raise DomainError("id_number_taken", _("A resident with this ID number is already registered"), field="id_number")
    resident = Resident(
        region=data.region, household=household, name=data.name, gender=data.gender,
        birth_date=data.birth_date, address_detail=data.address_detail, residence=data.residence,
        relation_to_head=data.relation_to_head,
    )
    set_identifiers(resident, id_number=data.id_number, mobile=data.mobile)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        raise DomainError("id_number_taken", _("A resident with this ID number is already registered"), field="id_number") from None
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident=resident, tag=t.tag, grade=t.grade) for t in data.tags]
    )
    return resident


def set_identifiers(resident: Resident, *, id_number: str, mobile: str) -> None:
    """Set the encrypted values together with their blind indexes (never one without the other)."""
    resident.id_number = id_number
    resident.id_number_hash = blind_index(id_number) if id_number else ""
    resident.id_number_tail = id_number[-4:] if id_number else ""
    resident.mobile = mobile
    resident.mobile_hash = blind_index(mobile) if mobile else ""


REVEALABLE_FIELDS = {"id_number": _("ID number"), "mobile": _("mobile number")}


def resident_reveal(*, user, resident: Resident, field: str, reason: str, reason_text: str = "", ip: str | None = None) -> str:
    """Return the full value of an identifier and write the access-log row, or refuse.

    The caller has already fetched ``resident`` through the scoped selector (so it is visible);
    this checks the stronger right to reveal.
    """
    if field not in REVEALABLE_FIELDS:
        raise DomainError("reveal_field_invalid", _("This field cannot be revealed"), field="field")
    scope = scope_for(user)
    if not scope.covers(resident.region.path, scope.reveal_paths):
        raise DomainError("reveal_not_allowed", _("Your role may not reveal full identifiers"), field="field")
    if reason not in RevealReason.values:
        raise DomainError("reveal_reason_required", _("Choose a reason for revealing the value"), field="reason")
    reason_text = (reason_text or "").strip()
    if reason == RevealReason.OTHER and len(reason_text) < 4:
        raise DomainError("reveal_reason_text_required", _("Explain the reason in a few words"), field="reason_text")
    AccessLog.objects.create(
        actor=user, actor_username=user.get_username(), action=Action.REVEAL, resident=resident,
        field=field, reason=reason, reason_text=reason_text[:200], ip=ip,
    )
    return getattr(resident, field)


def log_bulk_access(*, user, action: str, count: int, detail: str, ip: str | None = None) -> AccessLog:
    return AccessLog.objects.create(
        actor=user, actor_username=user.get_username(), action=action, count=count, detail=detail[:300], ip=ip,
    )
