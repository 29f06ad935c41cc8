"""``/api/tags`` and ``/api/residents``: the resident register, scoped to the caller.

Identifiers are always masked (``id_number_masked``, ``mobile_masked``); the full value is only
returned by ``POST /api/residents/{id}/reveal``, which needs a reason and writes the access log.
The list gives the birth year, never the full birth date.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from linli.core.api_support import (
    COUNT_DESCRIPTION,
    NEXT_DESCRIPTION,
    PREVIOUS_DESCRIPTION,
    PageQuery,
    PathId,
    SmallInt,
    caller,
    paginate,
    responses,
)
from linli.core.errors import DomainError, interpolate
from linli.people.models import Residence
from linli.people.selectors import resident_get, resident_list, visible_tags
from linli.people.services import (
    TagAssignment,
    check_region_writable,
    resident_create,
    resident_reveal,
    resident_validate,
)
from linli.regions.api import RegionRef
from linli.regions.models import Region
from linli.regions.selectors import region_get

router = Router(tags=["people"])


class TagOut(Schema):
    code: str = Field(description="Stable tag code, e.g. `elderly-living-alone`.")
    name: str = Field(description="Label in the request's language.")
    name_zh: str = Field(description="Chinese label.")
    name_en: str = Field(description="English label.")
    group: str = Field(description="Group code: elderly, disability, children, hardship, veterans, migrants, special.")
    sensitivity: int = Field(description="0 ordinary, 1 sensitive, 2 restricted (need to know).")
    has_grade: bool = Field(description="Whether a grade (1–4) is recorded with the tag.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label

    @staticmethod
    def resolve_name_zh(obj) -> str:
        return obj.name


class ResidentTagOut(Schema):
    code: str = Field(description="Tag code.")
    name: str = Field(description="Tag label in the request's language.")
    grade: int | None = Field(description="Grade 1–4 for graded tags (disability), else null.")

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.tag.code

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.tag.label


class ResidentOut(Schema):
    id: int = Field(description="Resident id.")
    name: str = Field(description="Full name.")
    gender: str = Field(description="`M` or `F`.")
    age: int | None = Field(description="Age in whole years today, or null when the birth date is unknown.")
    birth_year: int | None = Field(description="Year of birth, or null.")
    region: RegionRef = Field(description="The region the resident lives in (community, grid, micro-grid or building).")
    id_number_masked: str = Field(description="Masked ID number (first and last character), or empty.")
    mobile_masked: str = Field(description="Masked mobile number (138****1234), or empty.")
    status: str = Field(description="active, moved_out or deceased.")
    tags: list[ResidentTagOut] = Field(
        description="Target-group tags the caller's clearance allows, in the vocabulary's order."
    )

    @staticmethod
    def resolve_birth_year(obj) -> int | None:
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_tags(obj) -> list:
        return obj.visible_tags


class ResidentDetailOut(ResidentOut):
    birth_date: dt.date | None = Field(description="Date of birth, or null.")
    household_number: str | None = Field(description="Household number, or null.")
    relation_to_head: str = Field(description="Relation to the head of the household, or empty.")
    address_detail: str = Field(description="Address within the region, e.g. `3幢201`.")
    residence: str = Field(description="registered, resident or floating.")

    @staticmethod
    def resolve_household_number(obj) -> str | None:
        return obj.household.number if obj.household_id else None


class ResidentPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    next: str | None = Field(description=NEXT_DESCRIPTION)
    previous: str | None = Field(description=PREVIOUS_DESCRIPTION)
    items: list[ResidentOut] = Field(description="The residents on this page.")


class ResidentFilters(PageQuery):
    region: str | None = Field(
        None, description="Code of a region; only residents living in it or below. An unknown or invisible code gives an empty list."
    )
    tag: str | None = Field(None, description="Only residents with this tag code (400 `unknown_tag` when not visible).")
    q: str = Field(
        "", max_length=50,
        description="Name prefix or the last 4 ID digits. A full mobile or ID number (any run of 11 digits) is refused "
                    "here with 400 `identifier_in_url`: search for it with POST /api/residents/search, so it stays out "
                    "of URLs and access logs.",
    )


class ResidentSearchIn(PageQuery):
    region: str | None = Field(None, description="As in GET /api/residents.")
    tag: str | None = Field(None, description="As in GET /api/residents.")
    q: str = Field(
        "", max_length=50,
        description="Name prefix, full 11-digit mobile, full 18-character ID number, or the last 4 ID digits.",
    )


class ResidentSearchPage(Schema):
    count: int = Field(description=COUNT_DESCRIPTION)
    page: int = Field(description="This page's number; ask for another with `page` in the body.")
    has_next: bool = Field(description="Whether a next page exists.")
    items: list[ResidentOut] = Field(description="The residents on this page.")


class TagIn(Schema):
    code: str = Field(description="Tag code, see GET /api/tags.")
    grade: SmallInt | None = Field(None, description="Grade 1–4, for graded tags only.")


class ResidentIn(Schema):
    name: str = Field(max_length=100, description="Full name.")
    gender: str = Field("", description="`M` or `F`; may be omitted when the ID number is given.")
    birth_date: dt.date | None = Field(None, description="Date of birth; must match the ID number when both are given.")
    id_number: str = Field("", max_length=40, description="18-character resident ID number; optional.")
    mobile: str = Field("", max_length=40, description="Mainland mobile number; optional.")
    region: str = Field(description="Code of the region the resident lives in (community level or below).")
    address_detail: str = Field("", max_length=100, description="Address within the region, e.g. `3幢201`.")
    residence: str = Field(Residence.REGISTERED.value, description="registered, resident or floating.")
    tags: list[TagIn] = Field([], description="Target-group tags.")


class RevealIn(Schema):
    field: str = Field(description="`id_number` or `mobile`.")
    reason: str = Field(
        "", description="verify_identity, contact, service, emergency or other (required; 400 `reveal_reason_required`)."
    )
    reason_text: str = Field("", max_length=200, description="Explanation; at least 4 characters when the reason is `other`.")


class RevealOut(Schema):
    field: str = Field(description="The revealed field.")
    value: str = Field(description="Its full value (empty when none is recorded).")


@router.get("/tags", response=responses({200: list[TagOut]}, errors=(401,)), summary="Target-group tags")
def tag_index(request):
    """The target-group vocabulary the caller's clearance allows."""
    return list(visible_tags(caller(request)).order_by("sort_order", "code"))


@router.get("/residents", response=responses({200: ResidentPage}, errors=(400, 401, 422)), summary="List residents")
def resident_index(request, filters: Query[ResidentFilters]):
    """Residents the caller may see, with masked identifiers and the tags their clearance allows."""
    if _IDENTIFIER.search(filters.q):
        raise DomainError("identifier_in_url", _("Search by mobile or ID number with POST /api/residents/search, "
                                                 "not in the URL"), field="q")
    qs = _residents(caller(request), filters)
    return paginate(request, qs, filters)


@router.post("/residents/search", response=responses({200: ResidentSearchPage}, errors=(400, 401, 422)),
             summary="Search residents")
def resident_search(request, payload: ResidentSearchIn):
    """The list of GET /api/residents with the search in the body: by name, full mobile, full ID number
    or last 4 ID digits. Use it for any search by an identifier, which must not travel in a URL."""
    qs = _residents(caller(request), payload)
    count = qs.count()
    start = (payload.page - 1) * payload.page_size
    items = list(qs[start : start + payload.page_size]) if start < count else []
    return {"count": count, "page": payload.page, "has_next": start + payload.page_size < count, "items": items}


#: A full mobile or ID number (any run of 11 digits) is not searched for in a URL.
_IDENTIFIER = re.compile(r"\d{11}")


def _residents(user, filters):
    tag = None
    if filters.tag:
        tag = visible_tags(user).filter(code=filters.tag).first()
        if tag is None:
            raise DomainError("unknown_tag", _("Unknown target-group tag"), field="tag")
    within = None
    if filters.region:
        # Looked up unscoped: the scoped list below never shows more than the caller may see, and
        # an invisible region answers the same empty list as a region that does not exist.
        within = Region.objects.filter(code=filters.region).first()
        if within is None:
            return resident_list(user=user).none()
    return resident_list(user=user, within=within, tag=tag, query=filters.q)


@router.get("/residents/{resident_id}", response=responses({200: ResidentDetailOut}, errors=(401, 404)), summary="One resident")
def resident_detail(request, resident_id: PathId):
    return resident_get(user=caller(request), pk=resident_id)


def _tag_assignments(user, tags: list[TagIn]) -> list[TagAssignment]:
    codes = [t.code for t in tags]
    if len(set(codes)) != len(codes):
        raise DomainError("tag_duplicate", _("A tag is given twice"), field="tags")
    known = {t.code: t for t in visible_tags(user).filter(code__in=codes)}
    for code in codes:
        if code not in known:
            raise DomainError("unknown_tag", interpolate(_("Unknown target-group tag: %(code)s"), {"code": code}), field="tags")
    return [TagAssignment(tag=known[t.code], grade=t.grade) for t in tags]


@router.post(
    "/residents",
    response=responses({201: ResidentDetailOut}, errors=(400, 401, 403, 404, 422)),
    summary="Register a resident",
)
def resident_add(request, payload: ResidentIn):
    """Register a resident in a region the caller may edit.

    A region code that does not exist or lies outside the caller's area is a 404 `not_found`, the
    same answer either way; a region the caller sees but may not edit (a street officer's) is a 400
    `region_out_of_scope`. Nothing is saved when any check fails.
    """
    user = caller(request)
    region = region_get(user=user, code=payload.region)
    check_region_writable(user=user, region=region)
    data = resident_validate(
        region=region, name=payload.name, gender=payload.gender, birth_date=payload.birth_date,
        id_number=payload.id_number, mobile=payload.mobile, address_detail=payload.address_detail,
        residence=payload.residence, tags=_tag_assignments(user, payload.tags),
    )
    resident = resident_create(data=data)
    return Status(201, resident_get(user=user, pk=resident.pk))


@router.post(
    "/residents/{resident_id}/reveal",
    response=responses({200: RevealOut}, errors=(400, 401, 403, 404, 422)),
    summary="Reveal a full identifier",
)
def resident_reveal_field(request, resident_id: PathId, payload: RevealIn):
    """Return the full ID or mobile number, with a reason; every reveal is written to the access log."""
    user = caller(request)
    resident = resident_get(user=user, pk=resident_id)
    value = resident_reveal(
        user=user, resident=resident, field=payload.field, reason=payload.reason,
        reason_text=payload.reason_text, ip=request.META.get("REMOTE_ADDR") or None,
    )
    return {"field": payload.field, "value": value}
