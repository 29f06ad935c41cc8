"""The demand workflow as data: states, transitions, who may take them, which reasons they need.

Nothing else in Linli decides whether a demand may move. Pages, the API, Open311, bulk actions
and background tasks all call :func:`linli.demands.services.demand_transition`, which looks the
move up here. To add a state or a transition, edit these tables (and translate the labels); the
tests in ``tests/test_workflow_table.py`` walk every (state, action, role) combination.

Roles on a demand are *relations*, not only account roles: ``owner`` is the resident the demand
is about (or who submitted it), ``provider`` an organisation admin of the unit it is assigned to.
Staff roles apply only inside the staff member's region subtree (checked by the selectors).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_SERVICE = "in_service", _("In service")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    REFERRED = "referred", _("Referred")


#: What each state means to the resident who asked (the tracking page, "我的需求", the landing page):
#: the internal words ("triaged", "assigned") say nothing to someone waiting for help.
RESIDENT_LABELS = {
    State.SUBMITTED: _("Received, waiting to be looked at"),
    State.TRIAGED: _("Arranged for handling"),
    State.ASSIGNED: _("A service unit will take care of it"),
    State.IN_SERVICE: _("Being handled"),
    State.RESOLVED: _("Done: please confirm"),
    State.CLOSED: _("Finished"),
    State.CANCELLED: _("Cancelled"),
    State.REJECTED: _("Not accepted"),
    State.DUPLICATE: _("Handled together with an earlier request"),
    State.REFERRED: _("Passed on to another office"),
}


#: States in which work is still owed. Open311 maps these to ``open`` and everything else to
#: ``closed``; deadlines, reminders and escalation apply only to them.
OPEN_STATES = frozenset({State.SUBMITTED, State.TRIAGED, State.ASSIGNED, State.IN_SERVICE})
#: Final states: nothing but a complaint (``reopen``) leaves them.
FINAL_STATES = frozenset({State.CLOSED, State.CANCELLED, State.REJECTED, State.DUPLICATE, State.REFERRED})


class Actor(models.TextChoices):
    """Who takes a transition, as a relation to the demand."""

    OWNER = "owner", _("The resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PROVIDER = "provider", _("Service provider")
    STREET_OFFICER = "street_officer", _("Street officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    SYSTEM = "system", _("System")


class Reason(models.TextChoices):
    # cancel
    RESIDENT_WITHDREW = "resident_withdrew", _("The resident withdrew it")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    # reject
    OUT_OF_SCOPE = "out_of_scope", _("Not a community service")
    INSUFFICIENT_INFO = "insufficient_info", _("Not enough information to act on")
    UNREACHABLE = "unreachable", _("The resident cannot be reached")
    # refer
    OTHER_AGENCY = "other_agency", _("Another agency is responsible")
    HOTLINE_12345 = "hotline_12345", _("Passed to the 12345 hotline")
    CASE_MANAGEMENT = "case_management", _("Taken into case management")
    # reassign
    PROVIDER_UNAVAILABLE = "provider_unavailable", _("The provider cannot take it")
    WRONG_UNIT = "wrong_unit", _("Assigned to the wrong unit")
    WORKLOAD = "workload", _("Balancing workload")
    # close by staff, reopen by staff
    CONFIRMED_BY_PHONE = "confirmed_by_phone", _("The resident confirmed by phone")
    NO_RESPONSE = "no_response", _("No answer to the follow-up")
    COMPLAINT = "complaint", _("The resident complained")
    NOT_RESOLVED = "not_resolved", _("Found not resolved on follow-up")
    OTHER = "other", _("Other (explain in the note)")


@dataclass(frozen=True)
class Transition:
    action: str
    label: object  # lazy translated string
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    reasons: tuple[str, ...] = ()  # non-empty: one of these is required
    needs_note: bool = False  # a free-text note is required (besides any reason)


STAFF = frozenset({Actor.GRID_WORKER, Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER})
COORDINATORS = frozenset({Actor.COMMUNITY_WORKER, Actor.STREET_OFFICER})
WORKERS_AND_PROVIDER = STAFF | {Actor.PROVIDER}
S = State

TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", _("Triage"), frozenset({S.SUBMITTED}), S.TRIAGED,
               STAFF | {Actor.STREET_OFFICER, Actor.SYSTEM}),
    Transition("assign", _("Assign"), frozenset({S.SUBMITTED, S.TRIAGED}), S.ASSIGNED,
               COORDINATORS | {Actor.GRID_WORKER, Actor.SYSTEM}),
    Transition("reassign", _("Reassign"), frozenset({S.ASSIGNED, S.IN_SERVICE}), S.ASSIGNED,
               COORDINATORS,
               (Reason.PROVIDER_UNAVAILABLE, Reason.WRONG_UNIT, Reason.WORKLOAD, Reason.OTHER)),
    Transition("start", _("Start service"), frozenset({S.ASSIGNED}), S.IN_SERVICE, WORKERS_AND_PROVIDER),
    Transition("resolve", _("Mark resolved"), frozenset({S.ASSIGNED, S.IN_SERVICE}), S.RESOLVED,
               WORKERS_AND_PROVIDER, needs_note=True),
    Transition("confirm", _("Confirm it was resolved"), frozenset({S.RESOLVED}), S.CLOSED,
               frozenset({Actor.OWNER})),
    Transition("close", _("Close"), frozenset({S.RESOLVED}), S.CLOSED,
               frozenset({Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER, Actor.SYSTEM}),
               (Reason.CONFIRMED_BY_PHONE, Reason.NO_RESPONSE, Reason.OTHER)),
    Transition("complain", _("Complain: not resolved"), frozenset({S.RESOLVED, S.CLOSED}), S.TRIAGED,
               frozenset({Actor.OWNER}), needs_note=True),
    Transition("reopen", _("Reopen"), frozenset({S.RESOLVED, S.CLOSED}), S.TRIAGED,
               frozenset({Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER, Actor.STREET_OFFICER}),
               (Reason.COMPLAINT, Reason.NOT_RESOLVED, Reason.OTHER)),
    Transition("cancel", _("Cancel"), frozenset({S.SUBMITTED, S.TRIAGED, S.ASSIGNED}), S.CANCELLED,
               frozenset({Actor.OWNER, Actor.COMMUNITY_WORKER, Actor.GRID_WORKER}),
               (Reason.RESIDENT_WITHDREW, Reason.NO_LONGER_NEEDED, Reason.OTHER)),
    Transition("reject", _("Reject"), frozenset({S.SUBMITTED, S.TRIAGED}), S.REJECTED,
               COORDINATORS,
               (Reason.OUT_OF_SCOPE, Reason.INSUFFICIENT_INFO, Reason.UNREACHABLE, Reason.OTHER),
               needs_note=True),
    # Also once assigned (routing by the menu assigns at submission), as long as the work has not begun.
    Transition("mark_duplicate", _("Mark as duplicate"), frozenset({S.SUBMITTED, S.TRIAGED, S.ASSIGNED}), S.DUPLICATE,
               STAFF | {Actor.STREET_OFFICER}),
    Transition("refer", _("Refer elsewhere"), frozenset({S.TRIAGED, S.ASSIGNED}), S.REFERRED,
               frozenset({Actor.COMMUNITY_WORKER, Actor.SOCIAL_WORKER, Actor.STREET_OFFICER}),
               (Reason.OTHER_AGENCY, Reason.HOTLINE_12345, Reason.CASE_MANAGEMENT, Reason.OTHER),
               needs_note=True),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}

#: Moves that end the work on a demand. A crisis demand (a crisis phrase was found) takes none of
#: them until a social worker has written a note on it.
ENDING_ACTIONS = frozenset({"resolve", "confirm", "close", "cancel", "reject", "mark_duplicate"})


def allowed(action: str, state: str, actors: frozenset[str] | set[str]) -> bool:
    """May someone acting as any of ``actors`` take ``action`` from ``state``?"""
    t = BY_ACTION.get(action)
    return t is not None and state in t.sources and bool(t.actors & set(actors))


def actions_from(state: str, actors: frozenset[str] | set[str]) -> list[Transition]:
    """The transitions these actors may take from ``state``, in table order (for buttons)."""
    return [t for t in TRANSITIONS if state in t.sources and t.actors & set(actors)]
