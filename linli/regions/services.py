"""Writes to the region tree."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli.core.errors import DomainError
from linli.regions.models import ALLOWED_PARENT, SEGMENT, CommunityType, Level, Region

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode_segment(number: int) -> str:
    """Fixed-width base-36 segment; sorts in creation order."""
    if not 0 <= number < 36**SEGMENT:
        raise ValueError("segment out of range")
    out = ""
    for _i in range(SEGMENT):
        number, rest = divmod(number, 36)
        out = _DIGITS[rest] + out
    return out


def decode_segment(segment: str) -> int:
    return int(segment, 36)


def _next_path(parent: Region | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Region.objects.filter(parent=parent) if parent else Region.objects.filter(parent__isnull=True)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    number = decode_segment(last[-SEGMENT:]) + 1 if last else 0
    return prefix + encode_segment(number)


@transaction.atomic
def region_create(
    *,
    parent: Region | None,
    level: int,
    name: str,
    code: str,
    stats_code: str = "",
    community_type: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    sort_order: int = 0,
) -> Region:
    name = name.strip()
    code = code.strip()
    if not name:
        raise DomainError("region_name_required", _("A region needs a name"), field="name")
    if not code:
        raise DomainError("region_code_required", _("A region needs a code"), field="code")
    if level not in Level.values:
        raise DomainError("region_level_invalid", _("Unknown region level"), field="level")
    if parent is None and level != Level.DISTRICT:
        raise DomainError("region_parent_required", _("Only a district can be a root of the tree"), field="parent")
    if parent is not None and parent.level not in ALLOWED_PARENT.get(level, set()):
        raise DomainError(
            "region_parent_level",
            _("A %(child)s cannot be placed under a %(parent)s")
            % {"child": Level(level).label, "parent": Level(parent.level).label},
            field="parent",
        )
    if stats_code and (len(stats_code) != 12 or not stats_code.isdigit()):
        raise DomainError("region_stats_code", _("A statistics code has exactly 12 digits"), field="stats_code")
    if community_type and level != Level.COMMUNITY:
        raise DomainError("region_community_type", _("Only a community or village has a community type"), field="community_type")
    if community_type and community_type not in CommunityType.values:
        raise DomainError("region_community_type", _("Unknown community type"), field="community_type")
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("region_valid_range", _("'Valid to' is before 'valid from'"), field="valid_to")
    if Region.objects.filter(code=code).exists():
        raise DomainError("region_code_taken", _("Another region already has this code"), field="code")
    if parent is not None:
        # Serialise sibling creation under one parent so two writers never pick the same path.
        Region.objects.select_for_update().filter(pk=parent.pk).first()
    return Region.objects.create(
        parent=parent,
        level=level,
        name=name,
        code=code,
        stats_code=stats_code,
        community_type=community_type,
        valid_from=valid_from,
        valid_to=valid_to,
        sort_order=sort_order,
        path=_next_path(parent),
    )
