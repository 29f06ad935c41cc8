"""Reads of the Open311 interface: the catalog as services, and demands as service requests.

Every demand read is scoped to the api_key's region subtree; a demand outside it does not exist
(404). What leaves the platform is decided here, once, in :func:`request_rows`:

- ``status`` is ``open`` for the workflow's OPEN_STATES and ``closed`` for every other state.
- Only a demand marked as about a public place (consent ``public_area``, no resident, no crisis
  words) shows its region and coordinates; every other demand is shown at its community, without
  coordinates.
- Free text (description, address, closing note) is shown only for a public-area demand a worker
  approved for publication, and then the approved text, never the original.
- Contact names and mobile numbers never leave.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import ServiceItem
from linli.catalog.selectors import active_items
from linli.core.errors import interpolate
from linli.demands import triage
from linli.demands.models import Demand, DemandEvent
from linli.demands.workflow import BY_ACTION, OPEN_STATES, Reason
from linli.open311.errors import Open311Error
from linli.open311.models import ApiKey

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When the services or their definitions last changed in a way clients should re-read.
CHANGESET = "2026-11-23T00:00:00+08:00"
FORMATS = ["text/xml", "application/json"]
MAX_ROWS = 1000
WINDOW = dt.timedelta(days=90)
KEYWORDS_PER_SERVICE = 5
STATUSES = ("open", "closed")


# --- discovery and services ----------------------------------------------------------------------


def discovery(base_url: str) -> dict:
    contact = getattr(settings, "OPEN311_CONTACT", "") or _(
        "Ask the civil affairs office of your district, which runs this Linli platform"
    )
    key_service = getattr(settings, "OPEN311_KEY_SERVICE", "") or _(
        "A platform administrator issues keys, each for one region, with: linli apikey create --name NAME --region CODE"
    )
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {"specification": SPECIFICATION, "url": base_url, "changeset": CHANGESET, "type": "production",
             "formats": list(FORMATS)},
        ],
    }


@functools.cache
def _lexicon_keywords() -> dict[str, list[str]]:
    with triage.LEXICON_PATH.open(encoding="utf-8") as handle:
        return json.load(handle).get("keywords", {})


def unknown_service_code(code: str) -> Open311Error:
    return Open311Error(
        404, "service_code_unknown",
        interpolate(_("Unknown service_code %(code)s: see services.json for the list"), {"code": code[:20]}),
    )


def service_description(item: ServiceItem) -> str:
    """The catalog's description of the item, or else its category and name: never empty."""
    if item.description.strip():
        return item.description.strip()
    return str(interpolate(_("%(category)s: %(item)s"), {"category": item.category.label, "item": item.label}))


def _service(item: ServiceItem) -> dict:
    return {
        "service_code": item.code,
        "service_name": item.label,
        "description": service_description(item),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(_lexicon_keywords().get(item.code, [])[:KEYWORDS_PER_SERVICE]),
        "group": item.category.label,
    }


def service_list() -> list[dict]:
    items = active_items().order_by("code")
    return [_service(item) for item in items]


def service_definition(code: str) -> dict:
    if not active_items().filter(code=code).exists():
        raise Open311Error(404, "service_code_unknown", interpolate(_("Unknown service_code %(code)s"), {"code": code[:20]}))
    return {"service_code": code, "attributes": []}


# --- service requests ----------------------------------------------------------------------------


@dataclass
class RequestQuery:
    ids: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: set[str] = field(default_factory=set)


def _comma_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def normalise_id(raw: str) -> str:
    """An Open311 service_request_id is a tracking number (see ``demands.models.normalise_tracking``)."""
    from linli.demands.models import normalise_tracking

    return normalise_tracking(raw)


#: The w3c profile of ISO 8601 (https://www.w3.org/TR/NOTE-datetime): YYYY, YYYY-MM, YYYY-MM-DD,
#: then a time of hh:mm, hh:mm:ss or hh:mm:ss.s… with a TZD (``Z`` or ``±hh:mm``). We also accept a
#: space for the ``T``, an offset without its colon, no TZD at all (Shanghai time), and a space for the
#: ``+`` of the offset: a ``+`` left unencoded in a query string arrives as a space.
_W3C = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,20}))?)?"
    r"(?P<tzd>Z|z|[+\- ]\d{2}:?\d{2})?)?)?)?$"
)
#: Dates outside these years are refused: the window arithmetic and the database adapters overflow
#: near the ends of Python's calendar (years 1 and 9999), and no service request is that old or new.
YEAR_MIN, YEAR_MAX = 1900, 9998


def _invalid_date(name: str) -> Open311Error:
    return Open311Error(
        400, f"{name}_invalid",
        interpolate(_("%(name)s is not a w3c datetime such as 2026-01-01T00:00:00+08:00"), {"name": name}),
    )


def _tzinfo(tzd: str | None) -> dt.tzinfo | None:
    if tzd is None:
        return None
    if tzd in {"Z", "z"}:
        return dt.UTC
    sign = -1 if tzd[0] == "-" else 1
    digits = tzd[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(tzd)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _w3c_datetime(raw: str, name: str) -> dt.datetime | None:
    """A w3c datetime (any precision the note allows) as an aware datetime; a bad or far one is a 400.

    A value without a time is midnight; without a TZD it is Shanghai time.
    """
    raw = raw.strip()
    if not raw:
        return None
    match = _W3C.match(raw)
    if match is None:
        raise _invalid_date(name)
    parts = match.groupdict()
    fraction = (parts["fraction"] or "")[:6].ljust(6, "0")
    try:
        value = dt.datetime(
            int(parts["year"]), int(parts["month"] or 1), int(parts["day"] or 1), int(parts["hour"] or 0),
            int(parts["minute"] or 0), int(parts["second"] or 0), int(fraction), tzinfo=_tzinfo(parts["tzd"]),
        )
    except ValueError:
        raise _invalid_date(name) from None
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise Open311Error(
            400, f"{name}_invalid",
            interpolate(_("%(name)s must lie between the years %(min)s and %(max)s"),
                        {"name": name, "min": YEAR_MIN, "max": YEAR_MAX}),
        )
    return value if value.tzinfo is not None else timezone.make_aware(value, timezone.get_default_timezone())


def parse_request_query(params: Mapping[str, str], *, now: dt.datetime | None = None) -> RequestQuery:
    """The filters of GET ``requests.{fmt}``; a window longer than 90 days or a bad value is a 400."""
    ids = [normalise_id(i) for i in _comma_list(params.get("service_request_id"))]
    if ids:  # "This overrides all other arguments."
        return RequestQuery(ids=ids[:MAX_ROWS])
    statuses = set(_comma_list((params.get("status") or "").lower()))
    if statuses - set(STATUSES):
        raise Open311Error(400, "status_invalid", _("status is open, closed or both (comma-separated)"))
    start = _w3c_datetime(params.get("start_date") or "", "start_date")
    end = _w3c_datetime(params.get("end_date") or "", "end_date")
    if start is None and end is None:
        end = now or timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "date_range_invalid", _("end_date is before start_date"))
    if end - start > WINDOW:
        raise Open311Error(400, "date_range_too_long", _("start_date and end_date may be at most 90 days apart"))
    codes = _comma_list(params.get("service_code"))
    unknown = sorted(set(codes) - set(ServiceItem.objects.filter(code__in=codes).values_list("code", flat=True)))
    if unknown:  # a withdrawn item is still known: its requests can be read
        raise unknown_service_code(unknown[0])
    return RequestQuery(codes=codes, start=start, end=end, statuses=statuses)


def _scoped(key: ApiKey) -> QuerySet[Demand]:
    last = DemandEvent.objects.filter(demand=OuterRef("pk"), action__in=list(BY_ACTION)).order_by("-at", "-id")
    return (
        Demand.objects.filter(path__startswith=key.region.path)
        .select_related("item", "region", "community", "assignee_org")
        .annotate(last_note=Subquery(last.values("note")[:1]), last_reason=Subquery(last.values("reason")[:1]))
    )


def request_search(key: ApiKey, query: RequestQuery) -> list[Demand]:
    """The demands of the key's subtree that match ``query``, newest first, at most MAX_ROWS."""
    qs = _scoped(key)
    if query.ids:
        qs = qs.filter(tracking_number__in=query.ids)
    else:
        qs = qs.filter(created_at__gte=query.start, created_at__lte=query.end)
        if query.codes:
            qs = qs.filter(item__code__in=query.codes)
        if query.statuses == {"open"}:
            qs = qs.filter(state__in=OPEN_STATES)
        elif query.statuses == {"closed"}:
            qs = qs.exclude(state__in=OPEN_STATES)
    return list(qs.order_by("-created_at", "-id")[:MAX_ROWS])


def request_get(key: ApiKey, service_request_id: str) -> Demand:
    demand = _scoped(key).filter(tracking_number=normalise_id(service_request_id)).first()
    if demand is None:
        raise Open311Error(
            404, "service_request_unknown",
            _("No service request has this id in the area of this api_key"),
        )
    return demand


# --- what leaves the platform --------------------------------------------------------------------


def is_public(demand: Demand) -> bool:
    """Marked as about a public place (consent ``public_area``, no resident) and without crisis words:
    its place may be shown. "No resident account" alone is not enough: 我要服务 without an account
    is about the sender (see ``Demand.is_public_area``)."""
    return demand.is_public_area


def is_published(demand: Demand) -> bool:
    """A public-area demand whose words a worker approved: the approved description and address,
    and its closing note, may be shown (``demands.services.demand_publication_approve``)."""
    return demand.is_published


def agency(demand: Demand) -> str:
    return demand.assignee_org.name if demand.assignee_org_id else demand.community.name


def service_notice(demand: Demand) -> str:
    if demand.state not in OPEN_STATES:
        return ""
    if demand.due_at is None:
        return str(interpolate(_("%(agency)s will handle it."), {"agency": agency(demand)}))
    due = formats.date_format(timezone.localtime(demand.due_at), "Y-m-d H:i")
    return str(interpolate(_("%(agency)s will handle it by %(due)s."), {"agency": agency(demand), "due": due}))


def _status_notes(demand: Demand) -> str:
    if demand.state in OPEN_STATES:
        return ""
    note = getattr(demand, "last_note", "") or ""
    if note and is_published(demand):
        return note
    state = str(demand.get_state_display())
    reason = getattr(demand, "last_reason", "") or ""
    if reason in Reason.values:
        return str(interpolate(_("%(state)s: %(reason)s"), {"state": state, "reason": Reason(reason).label}))
    return state


def _updated(demand: Demand) -> dt.datetime:
    if demand.state in OPEN_STATES:
        return demand.updated_at
    return demand.closed_at or demand.resolved_at or demand.updated_at


def request_row(demand: Demand) -> dict:
    public, published = is_public(demand), is_published(demand)
    place = demand.region if public else demand.community
    return {
        "service_request_id": demand.tracking_number,
        "status": "open" if demand.state in OPEN_STATES else "closed",
        "status_notes": _status_notes(demand),
        "service_name": demand.item.label,
        "service_code": demand.item.code,
        "description": demand.published_description if published else "",
        "agency_responsible": agency(demand),
        "service_notice": service_notice(demand),
        "requested_datetime": demand.created_at,
        "updated_datetime": _updated(demand),
        "expected_datetime": demand.due_at,
        "address": (demand.published_address if published else "") or place.name,
        "address_id": place.code,
        "zipcode": "",
        "lat": float(demand.lat) if public and demand.lat is not None else None,
        "long": float(demand.lon) if public and demand.lon is not None else None,
        "media_url": "",
    }


def request_rows(demands: list[Demand]) -> list[dict]:
    return [request_row(d) for d in demands]
