"""Export of the resident register to xlsx: masked identifiers, visible tags, one access-log row.

The rows stream from the database (``iterator`` with per-chunk prefetching) into openpyxl's
write-only workbook, so 100,000 residents take constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import Http404
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError, interpolate
from linli.core.xlsx import write_xlsx
from linli.people.models import Resident, TargetGroupTag
from linli.people.selectors import resident_list, visible_tags
from linli.people.services import log_bulk_access
from linli.privacy.identifiers import mask_id_number, mask_mobile
from linli.privacy.models import Action
from linli.regions.models import Region
from linli.regions.selectors import region_get

CHUNK = 2000
RESIDENCE_WORDS = {"registered": "户籍", "resident": "常住", "floating": "流动"}


def export_headers() -> list[str]:
    return [
        gettext("Household number"), pgettext("person", "Name"), gettext("Gender"), gettext("Birth date"),
        gettext("ID number (masked)"), gettext("Mobile (masked)"), gettext("Region code"), gettext("Region"),
        gettext("Address detail"), gettext("Relation to head of household"), gettext("Residence"),
        gettext("Target groups"), gettext("Status"),
    ]


def _tags_text(resident: Resident) -> str:
    return "、".join(f"{rt.tag.name}:{rt.grade}" if rt.grade else rt.tag.name for rt in resident.visible_tags)


def export_rows(residents) -> Iterator[list]:
    for r in residents.iterator(chunk_size=CHUNK):
        yield [
            r.household.number if r.household else "", r.name, r.get_gender_display(), r.birth_date,
            mask_id_number(r.id_number), mask_mobile(r.mobile), r.region.code, r.region.name,
            r.address_detail, r.relation_to_head, RESIDENCE_WORDS.get(r.residence, r.residence),
            _tags_text(r), r.get_status_display(),
        ]


def describe_filters(*, within: Region | None, tag: TargetGroupTag | None, query: str) -> str:
    """The filters in words for the access log; a searched identifier is logged masked."""
    parts = []
    if within is not None:
        parts.append(f"grid={within.code}")
    if tag is not None:
        parts.append(f"tag={tag.code}")
    query = (query or "").strip()
    if query:
        if len(query) == 18:
            query = mask_id_number(query)
        elif query.isdigit() and len(query) == 11:
            query = mask_mobile(query)
        parts.append(f"q={query}")
    return " ".join(parts) or "all"


def export_filters(*, user, region: str = "", tag: str = "", query: str = "") -> dict:
    """The filters of an export given as codes (page, command), as ``residents_export`` arguments.

    A code the user cannot use is refused, never ignored: an unknown region or one outside the
    user's area, and an unknown tag or one above the user's clearance, read alike (``unknown_*``),
    so an export never falls back to the whole register."""
    within = None
    region = (region or "").strip()
    if region:
        try:
            within = region_get(user=user, code=region)
        except Http404:
            raise DomainError("unknown_region", interpolate(
                _("Unknown region, or outside your area: %(code)s"), {"code": region[:40]}), field="grid") from None
    tag_obj = None
    tag = (tag or "").strip()
    if tag:
        tag_obj = visible_tags(user).filter(code=tag).first()
        if tag_obj is None:
            raise DomainError("unknown_tag", interpolate(
                _("Unknown target-group tag: %(code)s"), {"code": tag[:40]}), field="tag")
    return {"within": within, "tag": tag_obj, "query": (query or "").strip()[:50]}


def residents_export(
    *, user, handle, within: Region | None = None, tag: TargetGroupTag | None = None, query: str = "",
    ip: str | None = None,
) -> int:
    """Write the residents the user may see (filtered like the list page) to ``handle`` as xlsx and
    log the export. Returns the number of residents written."""
    scope = scope_for(user)
    if not scope.resident_paths:
        raise DomainError("export_not_allowed", _("Your role may not export residents"))
    if tag is not None and tag.sensitivity > scope.clearance:  # never widened to "no tag filter"
        raise DomainError("unknown_tag", interpolate(_("Unknown target-group tag: %(code)s"), {"code": tag.code}), field="tag")
    residents = resident_list(user=user, within=within, tag=tag, query=query).select_related("household")
    count = 0

    def counted():
        nonlocal count
        for row in export_rows(residents):
            count += 1
            yield row

    write_xlsx(handle, [(gettext("Residents"), export_headers(), counted())])
    log_bulk_access(
        user=user, action=Action.EXPORT, count=count, ip=ip,
        detail=describe_filters(within=within, tag=tag, query=query),
    )
    return count
