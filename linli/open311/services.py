"""Writes of the Open311 interface: API keys (create, revoke, authenticate) and new demands.

A POST to ``requests.{fmt}`` becomes a public-area demand (no resident) through the one door every
channel uses, :func:`linli.demands.services.demand_submit`, with channel ``open311`` and no user.
``demand_submit`` checks staff scope only for staff channels, so *this* module keeps the key to its
region: an ``address_id`` outside the key's subtree is refused as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import ServiceItem
from linli.catalog.selectors import active_items
from linli.core.errors import DomainError, interpolate
from linli.demands.models import DESCRIPTION_MAX, Channel
from linli.demands.services import DemandInput, SubmitResult, demand_submit
from linli.open311.errors import Open311Error
from linli.open311.models import KEY_PREFIX, PREFIX_LENGTH, ApiKey
from linli.open311.selectors import unknown_service_code
from linli.privacy.identifiers import IdentifierError, parse_mobile
from linli.regions.models import Level, Region

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
ADDRESS_MAX = 200  # Demand.address
NAME_MAX = 50  # Demand.contact_name
IDEMPOTENCY_KEY_MAX = 100  # Demand.idempotency_key
#: A request body larger than this is refused before it is read: the longest valid form (2,000
#: Chinese characters of description, percent-encoded at 9 bytes each, plus the other fields)
#: stays well under it.
MAX_BODY_BYTES = 64 * 1024
_COORDINATE = re.compile(r"^[+-]?\d{1,3}(\.\d{1,15})?$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SIX_PLACES = Decimal("0.000001")
_OUTSIDE = _("The address_id is not a region code inside the area of this api_key")


# --- keys ----------------------------------------------------------------------------------------


def apikey_create(*, name: str, region_code: str) -> tuple[ApiKey, str]:
    """A new key for ``region_code``'s subtree; returns the row and the raw key (shown once)."""
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("Give the key a name"), field="name")
    if len(name) > 100:
        raise DomainError("name_too_long", _("The name is longer than 100 characters"), field="name")
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        raise DomainError(
            "region_unknown", interpolate(_("Unknown region code: %(code)s"), {"code": region_code}), field="region",
        )
    raw = ApiKey.generate()
    key = ApiKey.objects.create(name=name, region=region, prefix=raw[:PREFIX_LENGTH], digest=ApiKey.digest_of(raw))
    return key, raw


def apikey_find(ref: str) -> ApiKey:
    """The key named by its prefix (``o311_Ab3``), its id or the whole key; refuses an ambiguous prefix."""
    ref = (ref or "").strip()
    if ref.isdigit():
        key = ApiKey.objects.select_related("region").filter(pk=int(ref)).first()
        if key is None:
            raise DomainError("key_unknown", interpolate(_("No API key has the id %(ref)s"), {"ref": ref}))
        return key
    if len(ref) > PREFIX_LENGTH:  # the whole key was pasted
        key = ApiKey.objects.select_related("region").filter(digest=ApiKey.digest_of(ref)).first()
        if key is None:  # never fall back to the prefix of a mistyped key
            raise DomainError("key_unknown", _("No API key matches this key"))
        return key
    matches = list(ApiKey.objects.select_related("region").filter(prefix=ref[:PREFIX_LENGTH]))
    if not matches:
        raise DomainError("key_unknown", interpolate(_("No API key starts with %(ref)s"), {"ref": ref}))
    live = [k for k in matches if not k.is_revoked]
    if len(live) > 1:
        raise DomainError(
            "key_ambiguous",
            interpolate(_("Several keys start with %(ref)s; use the id instead: %(ids)s"),
                        {"ref": ref, "ids": ", ".join(str(k.pk) for k in live)}),
        )
    return live[0] if live else matches[0]


def apikey_revoke(*, ref: str) -> tuple[ApiKey, bool]:
    """Revoke the key; returns it and whether it was live until now."""
    key = apikey_find(ref)
    if key.is_revoked:
        return key, False
    key.revoked_at = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=key.revoked_at)
    return key, True


def apikey_authenticate(raw: str | None) -> ApiKey:
    """The live key for ``raw``, or a 403. Records ``last_used_at`` (at most once a minute)."""
    raw = (raw or "").strip()
    if not raw:
        raise Open311Error(403, "api_key_required", _("An api_key is required"))
    key = None
    if raw.startswith(KEY_PREFIX):
        key = ApiKey.objects.usable().select_related("region").filter(digest=ApiKey.digest_of(raw)).first()
    if key is None:
        raise Open311Error(403, "api_key_invalid", _("The api_key is unknown or has been revoked"))
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


# --- POST requests -------------------------------------------------------------------------------


def _param(params: Mapping[str, str], name: str) -> str:
    return (params.get(name) or "").strip()


def _coordinate(raw: str, limit: int, name: str) -> Decimal:
    value = Decimal(raw) if _COORDINATE.match(raw) else None
    if value is None or abs(value) > limit:
        raise Open311Error(
            400, f"{name}_invalid",
            interpolate(_("%(name)s must be a decimal number between -%(limit)s and %(limit)s (WGS-84)"),
                        {"name": name, "limit": limit}),
        )
    return value.quantize(_SIX_PLACES)


def _item(params: Mapping[str, str]) -> ServiceItem:
    code = _param(params, "service_code")
    if not code:
        raise Open311Error(400, "service_code_required", _("service_code is required"))
    item = active_items().filter(code=code).first()
    if item is None:
        raise unknown_service_code(code)
    return item


def _location(key: ApiKey, params: Mapping[str, str]) -> tuple[Region, str, Decimal | None, Decimal | None]:
    lat_raw, long_raw = _param(params, "lat"), _param(params, "long")
    address, address_id = _param(params, "address_string"), _param(params, "address_id")
    lat = lon = None
    if lat_raw or long_raw:
        if not (lat_raw and long_raw):
            raise Open311Error(400, "lat_long_incomplete", _("Send both lat and long, or neither"))
        lat, lon = _coordinate(lat_raw, 90, "lat"), _coordinate(long_raw, 180, "long")
    if lat is None and not address and not address_id:
        raise Open311Error(
            400, "location_required", _("A location is required: lat and long, address_string or address_id"),
        )
    if len(address) > ADDRESS_MAX:
        raise Open311Error(
            400, "address_string_too_long",
            interpolate(_("address_string is longer than %(max)s characters"), {"max": ADDRESS_MAX}),
        )
    if address_id:
        region = Region.objects.current().filter(code=address_id).first()
        if region is None or not region.is_within(key.region):
            raise Open311Error(400, "address_id_unknown", _OUTSIDE)
    elif key.region.level >= Level.COMMUNITY:
        region = key.region
    else:
        raise Open311Error(
            400, "address_id_required",
            _("This api_key covers more than one community: send address_id (the code of a community, "
              "grid, micro-grid or building) with the location"),
        )
    return region, address, lat, lon


def _description(params: Mapping[str, str], item: ServiceItem) -> str:
    text = params.get("description") or ""
    if len(text) > DESCRIPTION_MAX:
        raise Open311Error(
            400, "description_too_long",
            interpolate(_("The description has %(length)s characters; this server accepts at most %(max)s"),
                        {"length": len(text), "max": DESCRIPTION_MAX}),
        )
    # Open311 makes the description optional; a demand needs one, so the service's name stands in.
    return text if text.strip() else item.name


def _contact(params: Mapping[str, str]) -> tuple[str, str]:
    first, last = _param(params, "first_name"), _param(params, "last_name")
    # Chinese names are written family name first, without a space.
    name = f"{last}{first}" if _CJK.search(first + last) else " ".join(p for p in (first, last) if p)
    if len(name) > NAME_MAX:
        raise Open311Error(
            400, "name_too_long", interpolate(_("first_name and last_name together exceed %(max)s characters"),
                                              {"max": NAME_MAX}),
        )
    phone = _param(params, "phone")
    if phone:
        try:
            phone = parse_mobile(phone)
        except IdentifierError as exc:
            raise Open311Error(400, "phone_invalid", exc.message) from None
    return name, phone


def request_create(*, key: ApiKey, params: Mapping[str, str], idempotency_key: str = "") -> SubmitResult:
    """A public-area demand from an Open311 POST; raises :class:`Open311Error` (nothing stored).

    ``email``, ``device_id``, ``account_id``, ``media_url`` and ``attribute[…]`` are accepted and
    ignored: Linli keeps no personal data it does not need (PIPL Art. 6).
    """
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise Open311Error(
            400, "idempotency_key_too_long",
            interpolate(_("The Idempotency-Key header is longer than %(max)s characters"), {"max": IDEMPOTENCY_KEY_MAX}),
        )
    item = _item(params)
    text = _description(params, item)
    region, address, lat, lon = _location(key, params)
    name, phone = _contact(params)
    data = DemandInput(
        region=region, description=text, channel=Channel.OPEN311, item=item, resident=None, address=address,
        lat=lat, lon=lon, contact_name=name, contact_mobile=phone,
    )
    try:
        with transaction.atomic():
            result = demand_submit(
                user=None, data=data, idempotency_scope=f"open311:{key.pk}", idempotency_key=idempotency_key,
            )
            if not result.demand.path.startswith(key.region.path):  # defence in depth: roll back
                raise Open311Error(400, "address_id_unknown", _OUTSIDE)
    except DomainError as exc:
        raise Open311Error.from_domain(exc) from None
    return result
