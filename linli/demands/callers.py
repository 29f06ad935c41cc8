"""A demand for a caller who is not in the register (a phone call, a visit): the worker records the
caller's name, mobile and address with the need, and, with the caller's consent, a resident record.

The new record is checked against the register first (name + mobile blind index): a caller who is
already registered is served under the existing record, never a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError
from linli.demands.services import DemandInput, SubmitResult, demand_submit
from linli.people.models import Resident
from linli.people.services import check_region_writable, resident_create, resident_validate
from linli.privacy.identifiers import IdentifierError, parse_mobile
from linli.regions.models import Region


@dataclass
class CallerInput:
    name: str
    mobile: str
    address: str
    region: Region
    register: bool = False  # the caller agreed to a resident record
    gender: str = ""


@dataclass
class CallerResult:
    submitted: SubmitResult
    resident: Resident | None  # the record used: created now, or found in the register
    registered: bool  # a new record was created


def _clean_mobile(raw: str) -> str:
    try:
        return parse_mobile(raw)
    except IdentifierError as exc:
        raise DomainError(exc.code, exc.message, field="caller_mobile") from None


def registered_caller(*, user, name: str, mobile: str) -> Resident | None:
    """The resident with this name and mobile number whom the user may see, if any."""
    scope = scope_for(user)
    for resident in Resident.objects.by_mobile(mobile).filter(name=name.strip()).select_related("region"):
        if scope.covers(resident.region.path, scope.resident_paths):
            return resident
    return None


def caller_demand_submit(*, user, caller: CallerInput, data: DemandInput) -> CallerResult:
    """Record ``data`` for a caller; with ``caller.register`` also a resident record (or the one that
    exists: same name and mobile)."""
    name = (caller.name or "").strip()
    if not name:
        raise DomainError("caller_name_required", _("Give the caller's name"), field="caller_name")
    mobile = _clean_mobile(caller.mobile)
    with transaction.atomic():
        resident, registered = registered_caller(user=user, name=name, mobile=mobile), False
        if resident is None and caller.register:
            if Resident.objects.by_mobile(mobile).filter(name=name).exists():
                raise DomainError("caller_registered_elsewhere", _(
                    "A resident with this name and mobile number is registered outside your area; "
                    "record the demand without a new record."), field="register")
            check_region_writable(user=user, region=caller.region)
            resident = resident_create(data=resident_validate(
                region=caller.region, name=name, gender=caller.gender, mobile=mobile, address_detail=caller.address,
            ))
            registered = True
        data.region = resident.region if resident is not None else caller.region
        data.resident = resident
        data.contact_name, data.contact_mobile = name, mobile
        data.address = (caller.address or "").strip()[:200]
        return CallerResult(demand_submit(user=user, data=data), resident, registered)
