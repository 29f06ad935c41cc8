"""``/api/demands``: the demand database (需求库) for API clients and the pages' htmx calls.

``POST /api/demands`` takes an ``Idempotency-Key`` header: a retry with the same key (after a
network failure, say) returns the first demand with 200 instead of creating a second; the same
key with a different body is refused (409 ``idempotency_key_reused``). Moves go through
``POST /api/demands/{id}/transitions``; a move that lost a race answers 409 ``conflict``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status

from linli.catalog.models import ServiceItem
from linli.catalog.selectors import active_items
from linli.core.api_support import IDS_MAX, Id, PathId, SmallInt, Version, caller, responses
from linli.core.errors import DomainError
from linli.demands import triage
from linli.demands.models import Channel, Demand
from linli.demands.selectors import QueueFilter, demand_get, demand_queue
from linli.demands.services import (
    DemandInput,
    actors_for,
    demand_note,
    demand_publication_approve,
    demand_publication_withdraw,
    demand_rate,
    demand_submit,
    demand_transition,
)
from linli.demands.workflow import actions_from
from linli.people.selectors import resident_get
from linli.regions.models import Region
from linli.regions.selectors import region_for_input
from linli.supply.models import Organisation

router = Router(tags=["demands"])


class RefOut(Schema):
    code: str = Field(description="Stable code.")
    name: str = Field(description="Label in the request's language.")


class DemandOut(Schema):
    id: int = Field(description="Demand id.")
    tracking_number: str = Field(description="Short tracking number for residents, e.g. `7K3M-9Q2P`.")
    state: str = Field(description="Workflow state (submitted, triaged, assigned, in_service, resolved, closed, cancelled, rejected, duplicate, referred).")
    state_label: str = Field(description="The state in the request's language.")
    item: RefOut = Field(description="Service item (4-digit catalog code).")
    item_suggested: bool = Field(description="True when triage chose the item from the description.")
    description: str = Field(description="What is needed, in the submitter's words.")
    urgency: int = Field(description="1 low, 2 normal, 3 high, 4 critical.")
    urgency_reasons: list[str] = Field(description="Codes of the rules that raised the urgency.")
    crisis: bool = Field(description="Crisis words were found; a social worker's note is required before closing.")
    region: RefOut = Field(description="Where: the region node.")
    community: RefOut = Field(description="The community or village responsible.")
    address: str = Field(description="Address text, or empty.")
    lat: Decimal | None = Field(description="Latitude (WGS-84), or null.")
    lon: Decimal | None = Field(description="Longitude (WGS-84), or null.")
    resident_id: int | None = Field(description="The resident concerned, or null for a public-area demand.")
    resident_name: str = Field(description="The resident's name, or empty.")
    contact_mobile_masked: str = Field(description="Masked contact mobile number, or empty.")
    channel: str = Field(description="self_service, phone, visit, hotline, sweep_import, api or open311.")
    consent: str = Field(description="self, verbal, guardian, public_area or vital_interest.")
    assignee_org: RefOut | None = Field(description="The unit assigned to provide the service, or null.")
    duplicate_of: int | None = Field(description="Id of the demand this one repeats, or null.")
    due_at: dt.datetime | None = Field(description="Deadline.")
    overdue: bool = Field(description="Open and past its deadline.")
    escalation_level: int = Field(description="0 community, 1 escalated to the street, 2 to the district.")
    rating: int | None = Field(description="The resident's rating 1–5, or null.")
    version: int = Field(description="Increases with every change; send it back with a transition.")
    created_at: dt.datetime = Field(description="Submitted at.")
    updated_at: dt.datetime = Field(description="Last change.")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_item(obj) -> dict:
        return {"code": obj.item.code, "name": obj.item.label}

    @staticmethod
    def resolve_region(obj) -> dict:
        return {"code": obj.region.code, "name": obj.region.name}

    @staticmethod
    def resolve_community(obj) -> dict:
        return {"code": obj.community.code, "name": obj.community.name}

    @staticmethod
    def resolve_resident_name(obj) -> str:
        return obj.resident.name if obj.resident_id else ""

    @staticmethod
    def resolve_assignee_org(obj) -> dict | None:
        return {"code": str(obj.assignee_org_id), "name": obj.assignee_org.name} if obj.assignee_org_id else None

    @staticmethod
    def resolve_duplicate_of(obj) -> int | None:
        return obj.duplicate_of_id

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return bool(obj.is_open and obj.due_at and obj.due_at < timezone.now())


class DemandCreatedOut(DemandOut):
    possible_duplicates: list[int] = Field(
        description="Open demands of the same resident and service item within the duplicate window: offer a merge "
        "(transition `mark_duplicate` with `duplicate_of`).",
    )


class DemandIn(Schema):
    region: str | None = Field(None, description="Region code; defaults to the resident's region.")
    resident: Id | None = Field(None, description="Resident id; omit for a public-area demand.")
    item: str | None = Field(None, description="4-digit service item code; omitted: suggested from the description.")
    description: str = Field(description="What is needed (at most 2,000 characters).")
    urgency: SmallInt | None = Field(None, description="1–4; triage may raise it, never lower it.")
    channel: str = Field("api", description="api, phone, visit or hotline (the last three: recorded by staff for a resident).")
    consent: str = Field("", description="self, verbal, guardian, public_area or vital_interest; defaulted from the channel.")
    address: str = Field("", description="Address text.")
    lat: Decimal | None = Field(None, ge=-90, le=90, description="Latitude.")
    lon: Decimal | None = Field(None, ge=-180, le=180, description="Longitude.")
    contact_name: str = Field("", description="Contact name for a public-area demand.")
    contact_mobile: str = Field("", description="Contact mobile number (11 digits); defaults to the resident's.")


class TransitionIn(Schema):
    action: str = Field(description="triage, assign, reassign, start, resolve, confirm, close, complain, reopen, cancel, reject, mark_duplicate, refer.")
    reason: str = Field("", description="Reason code, where the action needs one (see the workflow table in the docs).")
    note: str = Field("", description="Free-text note; required by resolve, reject, refer, complain and reason `other`.")
    version: Version | None = Field(None, description="The version you saw; a change since then answers 409 `conflict`.")
    assignee_org: Id | None = Field(None, description="Organisation id, for assign and reassign.")
    duplicate_of: Id | None = Field(None, description="Demand id, for mark_duplicate.")


class BulkTransitionIn(TransitionIn):
    ids: list[Id] = Field(description=f"Demand ids (at most {IDS_MAX}).", max_length=IDS_MAX)


class BulkResultOut(Schema):
    id: int = Field(description="Demand id.")
    ok: bool = Field(description="Whether the move was made.")
    code: str = Field(description="Error code when not ok, else empty.")
    message: str = Field(description="Error message when not ok, else empty.")


class NoteIn(Schema):
    note: str = Field(description="The note (a social worker's note on a crisis demand allows closing it later).")


class RatingIn(Schema):
    rating: SmallInt = Field(description="1–5 stars.")
    comment: str = Field("", description="Optional comment (at most 500 characters).")


class EventOut(Schema):
    at: dt.datetime = Field(description="When.")
    actor: str = Field(description="Username, or empty for the system or a resident without an account.")
    actor_role: str = Field(description="owner, grid_worker, community_worker, social_worker, provider, street_officer, district_officer or system.")
    action: str = Field(description="submit, a workflow action, note, rate, remind, escalate or follow_up.")
    from_state: str = Field(description="State before.")
    to_state: str = Field(description="State after.")
    reason: str = Field(description="Reason code, or empty.")
    note: str = Field(description="Note, or empty.")

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.username if obj.actor_id else ""


class QueueOut(Schema):
    items: list[DemandOut] = Field(description="Demands, newest first.")
    next_before: int | None = Field(description="Pass as `before` for the next page; null on the last page.")


class QueueQuery(Schema):
    region: str | None = Field(None, description="Only demands in this region's subtree.")
    state: list[str] = Field([], description="Only these states (default: the open ones).")
    all_states: bool = Field(False, description="Include closed, cancelled and other final states.")
    item: str = Field("", description="Service item code.")
    category: str = Field("", description="Service category code.")
    urgency_min: int | None = Field(None, ge=1, le=4, description="Minimum urgency.")
    overdue: bool = Field(False, description="Only open demands past their deadline.")
    crisis: bool = Field(False, description="Only demands with crisis words.")
    q: str = Field("", description="Tracking number or resident name prefix.")
    before: Id | None = Field(None, description="Keyset: only demands with a smaller id (from `next_before`).")
    limit: int = Field(50, ge=1, le=200, description="Page size.")


class SuggestionOut(Schema):
    item: RefOut = Field(description="Suggested service item.")
    score: float = Field(description="Relative confidence.")
    matched: list[str] = Field(description="Keywords that matched.")


class TriageOut(Schema):
    suggestions: list[SuggestionOut] = Field(description="Best first.")
    urgency: int = Field(description="Suggested urgency (1–4) for this text without a resident's tags.")
    crisis_phrases: list[str] = Field(description="Crisis words found.")


def _region(user, code: str | None) -> Region | None:
    return region_for_input(user=user, code=code) if code is not None else None


@router.post("/demands", response=responses({200: DemandCreatedOut, 201: DemandCreatedOut}, errors=(400, 401, 404, 409, 422)),
             summary="Submit a demand")
def create_demand(request, payload: DemandIn, idempotency_key: str = Header("", alias="Idempotency-Key")):
    user = caller(request)
    if payload.channel not in {Channel.API, Channel.PHONE, Channel.VISIT, Channel.HOTLINE}:
        raise DomainError("channel_invalid", _("Unknown channel"), field="channel")
    if len(idempotency_key) > 100:
        raise DomainError("idempotency_key_invalid", _("The Idempotency-Key is longer than 100 characters"), field="Idempotency-Key")
    resident = resident_get(user=user, pk=payload.resident) if payload.resident else None
    region = _region(user, payload.region) or (resident.region if resident else None)
    if region is None:
        raise DomainError("region_required", _("Give a region or a resident"), field="region")
    item = None
    if payload.item:
        item = active_items().filter(code=payload.item).first()
        if item is None:
            raise DomainError("item_unknown", _("Unknown or withdrawn service item"), field="item")
    data = DemandInput(
        region=region, description=payload.description, channel=payload.channel, item=item, resident=resident,
        urgency=payload.urgency, consent=payload.consent, address=payload.address, lat=payload.lat, lon=payload.lon,
        contact_name=payload.contact_name, contact_mobile=payload.contact_mobile,
    )
    result = demand_submit(user=user, data=data, idempotency_scope=f"user:{user.pk}", idempotency_key=idempotency_key)
    # A new demand is answered from the object the service built (its relations are loaded); a replay
    # is read again, through the caller's scope.
    demand = result.demand if result.created else demand_get(user=user, pk=result.demand.pk)
    demand.possible_duplicates = [d.pk for d in result.duplicates]
    return Status(201 if result.created else 200, demand)


@router.get("/demands", response=responses({200: QueueOut}, errors=(400, 401, 422)), summary="The demand queue")
def list_demands(request, filters: Query[QueueQuery]):
    user = caller(request)
    within = _region(user, filters.region) if filters.region else None
    qf = QueueFilter(
        within_path=within.path if within else "", states=tuple(filters.state), open_only=not filters.all_states,
        item_code=filters.item, category_code=filters.category, urgency_min=filters.urgency_min,
        overdue=filters.overdue, crisis=filters.crisis, query=filters.q,
    )
    items = demand_queue(user=user, filters=qf, before=filters.before, limit=filters.limit)
    return {"items": items, "next_before": items[-1].pk if len(items) == filters.limit else None}


# Declared before /demands/{demand_id}: the first matching path wins, and "bulk-transitions" would
# otherwise be taken for a demand id.
@router.post("/demands/bulk-transitions", response=responses({200: list[BulkResultOut]}, errors=(401, 422)),
             summary="The same move on many demands, each on its own")
def bulk_transition(request, payload: BulkTransitionIn):
    user = caller(request)
    out = []
    for pk in payload.ids:
        try:
            demand = demand_get(user=user, pk=pk)
            _transition(user, demand, payload.model_copy(update={"version": None}))
            out.append({"id": pk, "ok": True, "code": "", "message": ""})
        except DomainError as exc:
            out.append({"id": pk, "ok": False, "code": exc.code, "message": str(exc.message)})
        except Http404:  # an invisible id is reported like an unknown one
            out.append({"id": pk, "ok": False, "code": "not_found", "message": str(_("Not found"))})
    return out


@router.get("/demands/{demand_id}", response=responses({200: DemandOut}), summary="One demand")
def get_demand(request, demand_id: PathId):
    return demand_get(user=caller(request), pk=demand_id)


@router.get("/demands/{demand_id}/events", response=responses({200: list[EventOut]}), summary="A demand's history")
def demand_events(request, demand_id: PathId):
    demand = demand_get(user=caller(request), pk=demand_id)
    return list(demand.events.select_related("actor"))


@router.get("/demands/{demand_id}/actions", response=responses({200: list[str]}), summary="Actions you may take now")
def demand_actions(request, demand_id: PathId):
    user = caller(request)
    demand = demand_get(user=user, pk=demand_id)
    return [t.action for t in actions_from(demand.state, actors_for(user, demand))]


def _transition(user, demand: Demand, payload: TransitionIn) -> Demand:
    org = get_object_or_404(Organisation, pk=payload.assignee_org) if payload.assignee_org else None
    original = demand_get(user=user, pk=payload.duplicate_of) if payload.duplicate_of else None
    return demand_transition(
        demand=demand, user=user, action=payload.action, reason=payload.reason, note=payload.note,
        expected_version=payload.version, assignee_org=org, duplicate_of=original,
    )


@router.post("/demands/{demand_id}/transitions", response=responses({200: DemandOut}, errors=(400, 401, 404, 409, 422)),
             summary="Move a demand through the workflow")
def transition_demand(request, demand_id: PathId, payload: TransitionIn):
    user = caller(request)
    demand = demand_get(user=user, pk=demand_id)
    _transition(user, demand, payload)
    return demand_get(user=user, pk=demand_id)


@router.post("/demands/{demand_id}/notes", response=responses({201: EventOut}, errors=(400, 401, 404, 422)),
             summary="Add a note")
def add_note(request, demand_id: PathId, payload: NoteIn):
    user = caller(request)
    return Status(201, demand_note(demand=demand_get(user=user, pk=demand_id), user=user, note=payload.note))


@router.post("/demands/{demand_id}/rating", response=responses({200: DemandOut}, errors=(400, 401, 404, 422)),
             summary="The resident rates a resolved demand")
def rate_demand(request, demand_id: PathId, payload: RatingIn):
    user = caller(request)
    demand_rate(demand=demand_get(user=user, pk=demand_id), user=user, rating=payload.rating, comment=payload.comment)
    return demand_get(user=user, pk=demand_id)


class TriageIn(Schema):
    text: str = Field(..., max_length=2000, description="The description to triage.")


@router.post("/triage", response=responses({200: TriageOut}, errors=(401, 422)), summary="Suggest a service item for a text")
def triage_text(request, payload: TriageIn):
    """A POST, so a resident's words never travel in a URL (and so in no access log)."""
    text = payload.text
    lexicon = triage.load_default_lexicon()
    suggestions = triage.suggest_items(text, lexicon, limit=3)
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=[s.item_code for s in suggestions])}
    level, _reasons = triage.suggest_urgency(item_code=suggestions[0].item_code if suggestions else None,
                                             tag_codes=frozenset(), text=text)
    return {
        "suggestions": [
            {"item": {"code": s.item_code, "name": items[s.item_code].label}, "score": s.score, "matched": list(s.matched)}
            for s in suggestions if s.item_code in items
        ],
        "urgency": level,
        "crisis_phrases": triage.find_crisis_phrases(text),
    }


# --- publication through Open311 --------------------------------------------------------------------


class PublicationIn(Schema):
    published: bool = Field(description="true: approve the text below for Open311; false: withdraw it.")
    description: str | None = Field(
        None, max_length=2000, description="Text to publish (names and phone numbers taken out); default: the original.")
    address: str | None = Field(None, max_length=200, description="Address to publish; default: the original.")


class PublicationOut(Schema):
    published: bool = Field(description="Open311 shows the approved text.")
    description: str = Field(description="The approved description, or empty.")
    address: str = Field(description="The approved address, or empty.")
    published_at: dt.datetime | None = Field(description="When it was approved, or null.")
    published_by: str = Field(description="Username of the worker who approved it, or empty.")


@router.put("/demands/{demand_id}/publication",
            response=responses({200: PublicationOut}, errors=(400, 401, 403, 404, 422)),
            summary="Approve or withdraw a public-area demand's text for Open311")
def set_publication(request, demand_id: PathId, payload: PublicationIn):
    """Only a demand about a public place (consent `public_area`, no resident, no crisis words) can be
    published, by staff whose area it lies in; the original description is kept unchanged."""
    user = caller(request)
    demand = demand_get(user=user, pk=demand_id)
    if payload.published:
        demand_publication_approve(demand=demand, user=user, description=payload.description, address=payload.address)
    else:
        demand_publication_withdraw(demand=demand, user=user)
    return {
        "published": demand.published_at is not None, "description": demand.published_description,
        "address": demand.published_address, "published_at": demand.published_at,
        "published_by": demand.published_by.username if demand.published_by_id else "",
    }
