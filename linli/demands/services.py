"""Writes on demands: submission from every channel, workflow moves, notes and the resident's verdict.

Every channel (the self-service page, a worker on the phone, the sweep import, the API, Open311)
builds a :class:`DemandInput` and calls :func:`demand_submit`. Every state change, from any page,
endpoint, bulk action or background task, goes through :func:`demand_transition`, which checks the
workflow table, claims the demand with a conditional ``UPDATE … WHERE state = … AND version = …``
(two workers closing the same demand: one wins, the other gets ``conflict``) and writes the history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Role
from linli.accounts.scoping import prefix_q, scope_for
from linli.catalog.models import ServiceItem
from linli.catalog.selectors import active_items
from linli.core.db import atomic_retry
from linli.core.errors import DomainError, interpolate
from linli.demands import triage
from linli.demands.models import (
    DESCRIPTION_MAX,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Channel,
    Consent,
    Demand,
    DemandEvent,
    Urgency,
    normalise_tracking,
)
from linli.demands.workflow import (
    BY_ACTION,
    ENDING_ACTIONS,
    Actor,
    State,
)
from linli.people.models import Resident, ResidentStatus
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import IdentifierError, parse_mobile
from linli.regions.models import SEGMENT, Level, Region
from linli.supply.models import Organisation

#: Staff roles that act on a demand when its region lies in their subtree.
_STAFF_ACTORS = {
    Role.GRID_WORKER: Actor.GRID_WORKER,
    Role.COMMUNITY_WORKER: Actor.COMMUNITY_WORKER,
    Role.SOCIAL_WORKER: Actor.SOCIAL_WORKER,
    Role.STREET_OFFICER: Actor.STREET_OFFICER,
    Role.DISTRICT_OFFICER: Actor.DISTRICT_OFFICER,
}
#: Channels through which a staff member records a demand on a resident's behalf.
WORKER_CHANNELS = {Channel.PHONE, Channel.VISIT, Channel.HOTLINE, Channel.SWEEP_IMPORT}


@dataclass
class DemandInput:
    region: Region
    description: str
    channel: str
    item: ServiceItem | None = None
    resident: Resident | None = None
    urgency: int | None = None
    consent: str = ""
    address: str = ""
    lat: Decimal | None = None
    lon: Decimal | None = None
    contact_name: str = ""
    contact_mobile: str = ""
    external_ref: str = ""


@dataclass
class SubmitResult:
    demand: Demand
    created: bool
    duplicates: list[Demand] = field(default_factory=list)


# --- who is acting ---------------------------------------------------------------------------------


def actors_for(user, demand: Demand, *, owner_verified: bool = False) -> frozenset[str]:
    """The relations ``user`` has to ``demand`` (see ``workflow.Actor``).

    ``owner_verified`` is set by the tracking page once a visitor without an account has proved
    they are the submitter (tracking number + mobile number).
    """
    actors: set[str] = set()
    if owner_verified:
        actors.add(Actor.OWNER)
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset(actors)
    if demand.resident_id and demand.resident is not None and demand.resident.user_id == user.pk:
        actors.add(Actor.OWNER)
    if demand.created_by_id == user.pk and demand.channel in {Channel.SELF_SERVICE, Channel.API}:
        actors.add(Actor.OWNER)
    for membership in user.memberships.filter(active=True).select_related("region"):
        actor = _STAFF_ACTORS.get(membership.role)
        if actor and membership.region is not None and demand.path.startswith(membership.region.path):
            actors.add(actor)
        if (membership.role == Role.ORG_ADMIN and demand.assignee_org_id
                and membership.organisation_id == demand.assignee_org_id):
            actors.add(Actor.PROVIDER)
    return frozenset(actors)


# --- submission ------------------------------------------------------------------------------------


def _community_of(region: Region) -> Region:
    if region.level < Level.COMMUNITY:
        raise DomainError(
            "region_too_high", _("A demand belongs to a community, village, grid, micro-grid or building"),
            field="region",
        )
    return region if region.level == Level.COMMUNITY else Region.objects.get(path=region.path[: 3 * SEGMENT])


def _check_scope(user, data: DemandInput) -> None:
    """Who may submit where.

    Staff (on any channel) only inside their subtree. A resident with an account only for
    themselves, in their own community. A visitor without an account only through the
    self-service page, which offers current communities. Open311 callers are checked against
    their API key's region by the Open311 layer before they get here.
    """
    if data.channel == Channel.OPEN311:
        return
    scope = scope_for(user)
    unknown_region = DomainError("region_unknown", _("The region does not exist or is outside your area"), field="region")
    if data.channel in WORKER_CHANNELS or scope.resident_paths:
        if not scope.covers(data.region.path, scope.resident_paths):
            raise unknown_region
        return
    own = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if data.resident is not None and (own is None or data.resident.pk != own.pk):
        raise DomainError("resident_unknown", _("The resident does not exist or is outside your area"), field="resident")
    if own is not None and not data.region.path.startswith(own.region.path[: 3 * SEGMENT]):
        raise unknown_region
    if own is None and data.channel != Channel.SELF_SERVICE:
        raise DomainError("action_forbidden", _("Only staff and registered residents may submit demands here"))


def _clean_description(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("description_required", _("Describe what is needed"), field="description")
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            "description_too_long",
            interpolate(_("The description is longer than %(max)s characters"), {"max": DESCRIPTION_MAX}),
            field="description",
        )
    return text


def _clean_contact(data: DemandInput) -> tuple[str, str]:
    mobile = ""
    if data.contact_mobile:
        try:
            mobile = parse_mobile(data.contact_mobile)
        except IdentifierError as exc:
            raise DomainError(exc.code, exc.message, field="contact_mobile") from None
    elif data.resident is not None and data.resident.mobile:
        mobile = data.resident.mobile
    return mobile, (blind_index(mobile) if mobile else "")


def _default_consent(data: DemandInput) -> str:
    if data.consent:
        if data.consent not in Consent.values:
            raise DomainError("consent_invalid", _("Unknown kind of consent"), field="consent")
        return data.consent
    # Without a resident, staff, the API and Open311 record a public-area need. A visitor without an
    # account on 我要服务 writes about themselves (their words, their address): not a public place
    # unless they say so (``consent=public_area``), so Open311 never publishes it.
    if data.resident is None and data.channel != Channel.SELF_SERVICE:
        return Consent.PUBLIC_AREA
    return Consent.SELF if data.channel in {Channel.SELF_SERVICE, Channel.API, Channel.OPEN311} else Consent.VERBAL_TO_WORKER


def _fingerprint(data: DemandInput) -> str:
    body = json.dumps(
        [data.region.pk, data.item.pk if data.item else None, data.description.strip(), data.resident.pk if data.resident else None,
         data.urgency, data.channel, str(data.lat), str(data.lon)],
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def new_tracking_number() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def deadline_for(urgency: int, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(hours=settings.DEMAND_DEADLINE_HOURS[int(urgency)])


def _triage(data: DemandInput, text: str) -> tuple[ServiceItem, bool, int, list[str], list[str]]:
    item, suggested = data.item, False
    if item is None:
        suggestions = triage.suggest_items(text, triage.load_default_lexicon(), limit=1)
        code = suggestions[0].item_code if suggestions else "9999"
        item = active_items().filter(code=code).first() or ServiceItem.objects.get(code="9999")
        suggested = True
    elif not item.active:
        raise DomainError("item_unknown", _("Unknown or withdrawn service item"), field="item")
    tag_codes = set(data.resident.tags.values_list("code", flat=True)) if data.resident else set()
    if data.urgency is not None and data.urgency not in Urgency.values:
        raise DomainError("urgency_invalid", _("Urgency is 1 (low) to 4 (critical)"), field="urgency")
    level, reasons = triage.suggest_urgency(item_code=item.code, tag_codes=frozenset(tag_codes), text=text)
    # A rule that fired raises the urgency the person chose; without one, their choice stands.
    chosen = int(data.urgency) if data.urgency is not None else int(level)
    urgency = max(int(level), chosen) if reasons and int(level) > Urgency.NORMAL else chosen
    return item, suggested, urgency, list(reasons), triage.find_crisis_phrases(text)


def demand_submit(
    *, user, data: DemandInput, idempotency_scope: str = "", idempotency_key: str = "",
) -> SubmitResult:
    """Record a demand from any channel; the same idempotency key never creates a second one."""
    # A repeated Idempotency-Key is found by the unique constraint when the row is written (one query
    # fewer for every first try, which is nearly every request); its replay is read then.
    text = _clean_description(data.description)
    if data.resident is not None and data.region is None:
        data.region = data.resident.region
    community = _community_of(data.region)
    _check_scope(user, data)
    item, suggested, urgency, reasons, phrases = _triage(data, text)
    mobile, mobile_hash = _clean_contact(data)
    try:
        demand = atomic_retry(_create)(
            user=user, data=data, text=text, community=community, item=item, suggested=suggested,
            urgency=urgency, reasons=reasons, phrases=phrases, mobile=mobile, mobile_hash=mobile_hash,
            idempotency=(idempotency_scope, idempotency_key),
        )
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _replay(idempotency_scope, idempotency_key, data)
        if existing is None:
            raise
        return SubmitResult(existing, created=False)
    return SubmitResult(demand, created=True, duplicates=duplicate_candidates(demand))


def _replay(scope: str, key: str, data: DemandInput) -> Demand | None:
    existing = Demand.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
    if existing is not None and existing.idempotency_fingerprint != _fingerprint(data):
        raise DomainError(
            "idempotency_key_reused", _("This Idempotency-Key was already used for a different demand"),
            field="Idempotency-Key",
        )
    return existing


def _create(*, user, data, text, community, item, suggested, urgency, reasons, phrases, mobile, mobile_hash,
            idempotency) -> Demand:
    now = timezone.now()
    actor = user if getattr(user, "is_authenticated", False) else None
    consent = _default_consent(data)
    contact_name, region = data.contact_name.strip()[:50], data.region
    if data.channel == Channel.SELF_SERVICE and data.resident is None:
        if consent == Consent.PUBLIC_AREA:
            # About a public place: no personal data kept; the mobile's blind index alone lets the
            # sender follow it with tracking number + mobile.
            contact_name, mobile = "", ""
        else:
            match = _registered_match(community, contact_name, mobile_hash)
            if match is not None:
                data.resident = match
                if region.pk == community.pk:
                    region = match.region
    demand = Demand(
        resident=data.resident, contact_name=contact_name, contact_mobile=mobile,
        contact_mobile_hash=mobile_hash, region=region, path=region.path, community=community,
        address=data.address.strip()[:200], lat=data.lat, lon=data.lon, item=item, item_suggested=suggested,
        description=text, urgency=urgency, urgency_reasons=reasons, crisis=bool(phrases), crisis_phrases=phrases,
        channel=data.channel, consent=consent, created_by=actor,
        idempotency_scope=idempotency[0] if idempotency[1] else "", idempotency_key=idempotency[1],
        idempotency_fingerprint=_fingerprint(data) if idempotency[1] else "", external_ref=data.external_ref[:100],
        due_at=deadline_for(urgency, now), created_at=now,
    )
    for attempt in range(5):
        demand.tracking_number = new_tracking_number()
        try:
            with transaction.atomic():
                demand.save()
            break
        except IntegrityError:
            if attempt == 4 or Demand.objects.filter(tracking_number=demand.tracking_number).count() == 0:
                raise
    if data.resident is not None:
        demand.target_groups.set(data.resident.tags.all())
    DemandEvent.objects.create(
        demand=demand, actor=actor, actor_role=Actor.SYSTEM if actor is None else _submitter_role(user, data),
        action="submit", to_state=State.SUBMITTED,
        data={"channel": data.channel, "urgency": urgency, "urgency_reasons": reasons, "item_suggested": suggested},
    )
    if data.resident is None:
        _link_public_area(demand)
    _route(demand)
    _after_submit(demand)
    return demand


def _registered_match(community: Region, name: str, mobile_hash: str) -> Resident | None:
    """The one active resident of ``community`` whose name and mobile both agree with what a visitor
    typed on 我要服务, else None (a mobile alone is only a suggestion the worker confirms)."""
    if not name or not mobile_hash:
        return None
    found = list(Resident.objects.filter(mobile_hash=mobile_hash, name=name, status=ResidentStatus.ACTIVE,
                                         region__path__startswith=community.path).select_related("region")[:2])
    return found[0] if len(found) == 1 else None


def _submitter_role(user, data: DemandInput) -> str:
    if data.channel in WORKER_CHANNELS:
        roles = scope_for(user).roles
        for role in (Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.SOCIAL_WORKER, Role.STREET_OFFICER):
            if role in roles:
                return _STAFF_ACTORS[role]
    return Actor.OWNER


#: A public-area demand is linked to at most this many recent open ones of the same item and place.
LINK_LIMIT = 10


def _link_public_area(demand: Demand) -> None:
    """Public-area demands of the same item in the same micro-grid (or grid) are linked."""
    depth = min(len(demand.path), 5 * SEGMENT)
    prefix = demand.path[:depth]
    if len(prefix) < 4 * SEGMENT:
        return
    others = (Demand.objects.open().filter(prefix_q("path", prefix), resident__isnull=True, item=demand.item)
              .exclude(pk=demand.pk).order_by("-id").values_list("pk", flat=True)[:LINK_LIMIT])
    demand.linked.add(*others)


def _route(demand: Demand) -> None:
    """Send the demand to the unit that provides its item on the community's menu, else leave it
    with the community. A crisis demand is never routed automatically: people decide."""
    if demand.crisis:
        return
    provider = (Organisation.objects.filter(menu_items__community=demand.community, menu_items__item=demand.item,
                                            menu_items__active=True, active=True)
                .select_related("region").order_by("pk").first())
    if provider is None:
        return
    _apply(demand, action="assign", actor=None, actor_role=Actor.SYSTEM, reason="", note="",
           extra={"assignee_org": provider}, data={"routed_by": "menu"})


def _after_submit(demand: Demand) -> None:
    """The messages are written in the submission's own transaction (the notification rows are the
    outbox): the demand and what it tells people commit together, and are sent after commit."""
    from linli.demands import notify as demand_notify

    demand_notify.submitted(demand)


# --- finding duplicates ----------------------------------------------------------------------------


def duplicate_candidates(demand: Demand) -> list[Demand]:
    """Open demands of the same resident and service item within the configured window."""
    if demand.resident_id is None:
        return []
    since = demand.created_at - dt.timedelta(days=settings.DEMAND_DUPLICATE_WINDOW_DAYS)
    return list(
        Demand.objects.open().filter(resident_id=demand.resident_id, item_id=demand.item_id, created_at__gte=since)
        .exclude(pk=demand.pk).order_by("id")[:5]
    )


# --- moving through the workflow --------------------------------------------------------------------


def demand_transition(
    *, demand: Demand, user, action: str, reason: str = "", note: str = "", expected_version: int | None = None,
    owner_verified: bool = False, assignee_org: Organisation | None = None, duplicate_of: Demand | None = None,
) -> Demand:
    """Take ``action`` on ``demand`` as ``user``; raises DomainError with a stable code otherwise.

    ``expected_version`` is the version the caller saw (a page's hidden field, an API ``If-Match``);
    when omitted, the version read here is used, so a concurrent change still makes one of two
    simultaneous callers lose with ``conflict``.
    """
    t = BY_ACTION.get(action)
    if t is None:
        raise DomainError("action_unknown", _("Unknown action"), field="action")
    actors = actors_for(user, demand, owner_verified=owner_verified)
    usable = t.actors & actors
    if not usable:
        raise DomainError("action_forbidden", _("You may not take this action on this demand"), field="action")
    if demand.state not in t.sources:
        raise DomainError(
            "state_conflict",
            interpolate(_("This demand is %(state)s; it cannot be changed that way"), {"state": demand.get_state_display()}),
            field="action",
        )
    note = (note or "").strip()
    _check_reason(t, reason, note)
    if action in ENDING_ACTIONS and demand.crisis and demand.crisis_cleared_by_id is None:
        raise DomainError(
            "crisis_needs_social_worker",
            _("Crisis words were found in this demand: a social worker must add a note before it can be closed"),
            field="action",
        )
    extra = _transition_extra(t.action, demand, assignee_org, duplicate_of)
    role = _pick_role(usable)
    actor = user if getattr(user, "is_authenticated", False) else None
    start_state, start_version = demand.state, demand.version

    @atomic_retry
    def move() -> None:
        # A retried attempt starts from the demand as the caller had it: the rolled-back attempt's
        # claim refreshed the object in memory.
        demand.state, demand.version = start_state, start_version
        _apply(demand, action=action, actor=actor, actor_role=role, reason=reason, note=note, extra=extra,
               expected_version=expected_version)
        if action == "mark_duplicate":  # a merge: the original's history records it too
            original = extra["duplicate_of"]
            DemandEvent.objects.create(
                demand=original, actor=actor, actor_role=role, action="merge_in", from_state=original.state,
                to_state=original.state, note=note, data={"duplicate": demand.pk, "tracking": demand.tracking_number},
            )
        _after_transition(demand, action, note)

    move()
    return demand


_ROLE_ORDER = (Actor.OWNER, Actor.PROVIDER, Actor.GRID_WORKER, Actor.SOCIAL_WORKER, Actor.COMMUNITY_WORKER,
               Actor.STREET_OFFICER, Actor.DISTRICT_OFFICER, Actor.SYSTEM)


def _pick_role(actors: frozenset[str]) -> str:
    return next(r for r in _ROLE_ORDER if r in actors)


def _check_reason(t, reason: str, note: str) -> None:
    if t.reasons and reason not in t.reasons:
        raise DomainError("reason_required", _("Choose a reason"), field="reason")
    if not t.reasons and reason:
        raise DomainError("reason_not_allowed", _("This action takes no reason code"), field="reason")
    if (t.needs_note or reason == "other") and not note:
        raise DomainError("note_required", _("Write a note"), field="note")
    if len(note) > DESCRIPTION_MAX:
        raise DomainError("note_too_long", _("The note is too long"), field="note")


def _transition_extra(action: str, demand: Demand, org: Organisation | None, original: Demand | None) -> dict:
    if action in {"assign", "reassign"}:
        if org is None or not org.active:
            raise DomainError("assignee_required", _("Choose the unit that will provide the service"), field="assignee_org")
        if not demand.community.path.startswith(org.region.path[: 2 * SEGMENT]):
            raise DomainError("assignee_unknown", _("The unit does not exist or is outside this street"), field="assignee_org")
        if action == "reassign" and org.pk == demand.assignee_org_id:
            raise DomainError("assignee_same", _("The demand is already assigned to this unit"), field="assignee_org")
        return {"assignee_org": org}
    if action == "mark_duplicate":
        if original is None or original.pk == demand.pk or original.community_id != demand.community_id:
            raise DomainError("duplicate_of_required", _("Choose the demand this one repeats"), field="duplicate_of")
        return {"duplicate_of": original}
    return {}


def _apply(demand: Demand, *, action: str, actor, actor_role: str, reason: str, note: str, extra: dict,
           expected_version: int | None = None, data: dict | None = None) -> None:
    """Claim the demand in one conditional UPDATE and write the event; the caller holds a transaction."""
    t = BY_ACTION[action]
    now = timezone.now()
    version = demand.version if expected_version is None else expected_version
    changes: dict = {"state": t.target, "version": F("version") + 1, "updated_at": now, **extra}
    changes.update(_timestamps(action, demand, now))
    claimed = Demand.objects.filter(pk=demand.pk, state=demand.state, version=version).update(**changes)
    if claimed != 1:
        raise DomainError("conflict", _("Someone else changed this demand just now; reload and try again"))
    from_state = demand.state
    # What the claim wrote, put on the object in hand: no re-read, and its loaded relations (item,
    # community, unit) stay loaded for the messages that follow.
    for name, value in changes.items():
        setattr(demand, name, version + 1 if name == "version" else value)
    DemandEvent.objects.create(
        demand=demand, actor=actor, actor_role=actor_role, action=action, from_state=from_state,
        to_state=t.target, reason=reason, note=note,
        data={**(data or {}), **{k: getattr(v, "pk", v) for k, v in extra.items()}},
    )


def _timestamps(action: str, demand: Demand, now: dt.datetime) -> dict:
    if action == "resolve":
        return {"resolved_at": now, "followup_due_at": now + dt.timedelta(hours=settings.DEMAND_FOLLOWUP_HOURS),
                "followup_sent_at": None}
    if action in {"confirm", "close", "cancel", "reject", "mark_duplicate", "refer"}:
        return {"closed_at": now}
    if action in {"complain", "reopen"}:
        return {"resolved_at": None, "closed_at": None, "followup_due_at": None, "due_at": deadline_for(demand.urgency, now),
                "reminded_at": None, "escalation_level": 0, "escalated_at": None}
    return {}


def _after_transition(demand: Demand, action: str, note: str) -> None:
    """Inside the transition's transaction, like :func:`_after_submit`."""
    from linli.demands import notify as demand_notify

    demand_notify.transitioned(demand.pk, action, note)


# --- notes and the verdict --------------------------------------------------------------------------


def demand_note(*, demand: Demand, user, note: str) -> DemandEvent:
    """A note on the history. A social worker's note on a crisis demand lets it be closed later."""
    note = (note or "").strip()
    if not note:
        raise DomainError("note_required", _("Write a note"), field="note")
    if len(note) > DESCRIPTION_MAX:
        raise DomainError("note_too_long", _("The note is too long"), field="note")
    actors = actors_for(user, demand) - {Actor.OWNER}
    if not actors:
        raise DomainError("action_forbidden", _("You may not take this action on this demand"), field="action")
    with transaction.atomic():
        event = DemandEvent.objects.create(
            demand=demand, actor=user, actor_role=_pick_role(actors), action="note", from_state=demand.state,
            to_state=demand.state, note=note,
        )
        if Actor.SOCIAL_WORKER in actors and demand.crisis and demand.crisis_cleared_by_id is None:
            Demand.objects.filter(pk=demand.pk).update(crisis_cleared_by=user, version=F("version") + 1)
            demand.refresh_from_db()
    return event


def demand_rate(*, demand: Demand, user, rating: int, comment: str = "", owner_verified: bool = False) -> Demand:
    """The resident's verdict (``Satisfaction``, 1–5) of a resolved or closed demand, given once."""
    if Actor.OWNER not in actors_for(user, demand, owner_verified=owner_verified):
        raise DomainError("action_forbidden", _("Only the resident can rate this demand"), field="rating")
    if demand.state not in {State.RESOLVED, State.CLOSED}:
        raise DomainError("rating_too_early", _("A demand can be rated once it is resolved"), field="rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise DomainError("rating_invalid", _("Rate from 1 to 5 stars"), field="rating")
    if demand.rating is not None:
        raise DomainError("already_rated", _("You have already rated this demand; thank you."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise DomainError("comment_too_long", _("The comment is longer than 500 characters"), field="comment")
    actor = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        # Only a demand still unrated takes the verdict: two submissions racing both find it unrated.
        if not Demand.objects.filter(pk=demand.pk, rating__isnull=True).update(
                rating=rating, rating_comment=comment, rated_at=timezone.now()):
            raise DomainError("already_rated", _("You have already rated this demand; thank you."), field="rating")
        DemandEvent.objects.create(demand=demand, actor=actor, actor_role=Actor.OWNER, action="rate",
                                   from_state=demand.state, to_state=demand.state, note=comment, data={"rating": rating})
    demand.refresh_from_db()
    return demand


def demand_owner_check(*, tracking_number: str, mobile: str) -> Demand:
    """The demand a visitor without an account may follow: tracking number plus the mobile number."""
    number = normalise_tracking(tracking_number)
    try:
        mobile = parse_mobile(mobile)
    except IdentifierError:
        mobile = ""
    demand = Demand.objects.filter(tracking_number=number).select_related("item", "community").first() if number else None
    if demand is None or not mobile or demand.contact_mobile_hash != blind_index(mobile):
        raise DomainError(
            "tracking_not_found", _("No demand matches this tracking number and mobile number"), field="tracking_number",
        )
    return demand


# --- publication through Open311 (moderation) --------------------------------------------------------

#: Who may approve a public-area demand's words for publication: staff whose area it lies in.
PUBLISHERS = frozenset({Actor.GRID_WORKER, Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER, Actor.STREET_OFFICER,
                         Actor.DISTRICT_OFFICER})


def _publisher_role(user, demand: Demand) -> str:
    actors = actors_for(user, demand) & PUBLISHERS
    if not actors:
        raise DomainError("action_forbidden", _("You may not take this action on this demand"), field="action")
    return _pick_role(actors)


def demand_publication_approve(
    *, demand: Demand, user, description: str | None = None, address: str | None = None,
) -> Demand:
    """Approve the words of a public-area demand for Open311; ``description`` and ``address`` are the
    text to publish (a worker may take out a name or a phone number), by default the submitted ones.

    The submitted description and address are never changed. Approving again replaces the published
    text. A demand about a resident, not marked as about a public place, or with crisis words is
    never published.
    """
    role = _publisher_role(user, demand)
    if demand.resident_id is not None or demand.consent != Consent.PUBLIC_AREA:
        raise DomainError(
            "publication_not_public_area",
            _("Only a demand about a public place, not about a resident, can be published"),
        )
    if demand.crisis:
        raise DomainError("publication_crisis", _("A demand with crisis words is never published"))
    text = demand.description if description is None else (description or "").strip()
    if not text:
        raise DomainError("description_required", _("Write the description to publish"), field="description")
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            "description_too_long",
            interpolate(_("The description is longer than %(max)s characters"), {"max": DESCRIPTION_MAX}),
            field="description",
        )
    place = demand.address if address is None else (address or "").strip()
    if len(place) > 200:
        raise DomainError("address_too_long", _("The address is longer than 200 characters"), field="address")
    now = timezone.now()
    with transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(
            published_description=text, published_address=place, published_at=now, published_by=user,
            version=F("version") + 1, updated_at=now,
        )
        DemandEvent.objects.create(
            demand=demand, actor=user, actor_role=role, action="publish", from_state=demand.state,
            to_state=demand.state,
            data={"description_edited": text != demand.description, "address_edited": place != demand.address},
        )
    demand.refresh_from_db()
    return demand


def demand_publication_withdraw(*, demand: Demand, user) -> Demand:
    """Take a demand's words off Open311 again; the history keeps who approved and who withdrew."""
    role = _publisher_role(user, demand)
    if demand.published_at is None:
        raise DomainError("publication_not_published", _("This demand is not published"))
    now = timezone.now()
    with transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(
            published_description="", published_address="", published_at=None, published_by=None,
            version=F("version") + 1, updated_at=now,
        )
        DemandEvent.objects.create(
            demand=demand, actor=user, actor_role=role, action="unpublish", from_state=demand.state,
            to_state=demand.state,
        )
    demand.refresh_from_db()
    return demand
