"""A personal request's contact, for the staff: reveal the mobile with a reason (logged, as a
resident's identifiers are), and link a request typed on 我要服务 to the registered resident it
may be from once a worker has confirmed it (a mobile that agrees is a suggestion, never a merge).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import scope_for, scope_residents
from linli.core.errors import DomainError
from linli.demands.models import Consent, Demand, DemandEvent
from linli.demands.services import actors_for
from linli.demands.workflow import Actor
from linli.people.models import Resident, ResidentStatus
from linli.privacy.models import AccessLog, Action, RevealReason
from linli.regions.models import Level

#: ``AccessLog.field`` of a demand's contact mobile (a resident's own is ``mobile``).
CONTACT_FIELD = "demand.contact_mobile"
#: Staff who may link a request to a resident: those who look after residents in the area.
LINKERS = frozenset({Actor.GRID_WORKER, Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER})


def can_reveal_contact(*, user, demand: Demand) -> bool:
    scope = scope_for(user)
    return bool(demand.contact_mobile) and scope.covers(demand.path, scope.reveal_paths)


def demand_contact_reveal(*, user, demand: Demand, reason: str, reason_text: str = "", ip: str | None = None) -> str:
    """The full contact mobile of ``demand`` (already fetched through the scoped selector), with
    an ``AccessLog`` row; the same rules as ``people.services.resident_reveal``."""
    if not demand.contact_mobile:
        raise DomainError("reveal_field_invalid", _("This field cannot be revealed"), field="field")
    if not can_reveal_contact(user=user, demand=demand):
        raise DomainError("reveal_not_allowed", _("Your role may not reveal full identifiers"), field="field")
    if reason not in RevealReason.values:
        raise DomainError("reveal_reason_required", _("Choose a reason for revealing the value"), field="reason")
    reason_text = (reason_text or "").strip()
    if reason == RevealReason.OTHER and len(reason_text) < 4:
        raise DomainError("reveal_reason_text_required", _("Explain the reason in a few words"), field="reason_text")
    AccessLog.objects.create(
        actor=user, actor_username=user.get_username(), action=Action.REVEAL, resident=demand.resident,
        field=CONTACT_FIELD, reason=reason, reason_text=reason_text[:200], ip=ip,
        detail=f"demand {demand.tracking_number}",
    )
    return demand.contact_mobile


def resident_candidates(*, user, demand: Demand) -> list[Resident]:
    """Registered residents the user may see whose mobile is the one the request gave (at most 3)."""
    if demand.resident_id or demand.consent == Consent.PUBLIC_AREA or not demand.contact_mobile_hash:
        return []
    if not LINKERS & actors_for(user, demand):
        return []
    qs = Resident.objects.filter(mobile_hash=demand.contact_mobile_hash, status=ResidentStatus.ACTIVE,
                                 region__path__startswith=demand.community.path)
    return list(scope_residents(qs, user).select_related("region").order_by("pk")[:3])


def demand_resident_link(*, user, demand: Demand, resident_id: int) -> Demand:
    """The worker confirms that the request is from this registered resident."""
    match = next((r for r in resident_candidates(user=user, demand=demand) if r.pk == resident_id), None)
    if match is None:
        raise DomainError("resident_not_candidate", _("This resident cannot be linked to this demand"), field="resident")
    with transaction.atomic():
        locked = Demand.objects.select_for_update().get(pk=demand.pk)
        if locked.resident_id is not None:
            raise DomainError("resident_already_linked", _("The demand is already linked to a resident"), field="resident")
        locked.resident = match
        fields = ["resident"]
        if locked.region.level == Level.COMMUNITY:  # no building was found in the address: the resident's place
            locked.region, locked.path = match.region, match.region.path
            fields += ["region", "path"]
        locked.save(update_fields=fields)
        locked.target_groups.set(match.tags.all())
        DemandEvent.objects.create(demand=locked, actor=user, actor_role=_role(user, locked), action="link_resident",
                                   from_state=locked.state, to_state=locked.state, data={"resident": match.pk})
    return locked


def _role(user, demand: Demand) -> str:
    actors = actors_for(user, demand)
    return next(a for a in (Actor.GRID_WORKER, Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER) if a in actors)
