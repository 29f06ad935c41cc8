"""Every (action, state, persona) combination: allowed moves succeed, all others are refused with a
stable code. The expectations are written out here as the product's rules, independently of
``workflow.py``, so a change to the table that breaks a rule fails this test."""

from __future__ import annotations

import pytest

from linli.core.errors import DomainError
from linli.demands.models import Demand, DemandEvent
from linli.demands.services import demand_transition
from linli.demands.tests.factories import submit
from linli.demands.workflow import State

ALL_STATES = [s.value for s in State]

# action -> (states it starts from, personas who may take it on a demand of resident A1 in grid A1,
#            assigned to organisation A). The demand's own resident is "resident_a1".
RULES = {
    "triage": ({"submitted"}, {"grid_a1", "community_a", "social_a", "street"}),
    "assign": ({"submitted", "triaged"}, {"grid_a1", "community_a", "street"}),
    "reassign": ({"assigned", "in_service"}, {"community_a", "street"}),
    "start": ({"assigned"}, {"grid_a1", "community_a", "social_a", "org_admin_a"}),
    "resolve": ({"assigned", "in_service"}, {"grid_a1", "community_a", "social_a", "org_admin_a"}),
    "confirm": ({"resolved"}, {"resident_a1"}),
    "close": ({"resolved"}, {"community_a", "social_a"}),
    "complain": ({"resolved", "closed"}, {"resident_a1"}),
    "reopen": ({"resolved", "closed"}, {"community_a", "social_a", "street"}),
    "cancel": ({"submitted", "triaged", "assigned"}, {"resident_a1", "community_a", "grid_a1"}),
    "reject": ({"submitted", "triaged"}, {"community_a", "street"}),
    "mark_duplicate": ({"submitted", "triaged", "assigned"}, {"grid_a1", "community_a", "social_a", "street"}),
    "refer": ({"triaged", "assigned"}, {"community_a", "social_a", "street"}),
}
PERSONAS = ["resident_a1", "grid_a1", "grid_a2", "community_a", "community_b", "social_a", "org_admin_a",
            "street", "district", "platform", "volunteer_a", "outsider"]
TARGET = {"triage": "triaged", "assign": "assigned", "reassign": "assigned", "start": "in_service",
          "resolve": "resolved", "confirm": "closed", "close": "closed", "complain": "triaged", "reopen": "triaged",
          "cancel": "cancelled", "reject": "rejected", "mark_duplicate": "duplicate", "refer": "referred"}


def _arguments(action, world, other, second_org):
    reasons = {"reassign": "workload", "close": "confirmed_by_phone", "reopen": "complaint",
               "cancel": "no_longer_needed", "reject": "out_of_scope", "refer": "other_agency"}
    kwargs = {"reason": reasons.get(action, ""), "note": "说明"}
    if action == "assign":
        kwargs["assignee_org"] = world.org_a
    if action == "reassign":
        kwargs["assignee_org"] = second_org
    if action == "mark_duplicate":
        kwargs["duplicate_of"] = other
    return kwargs


def test_every_action_state_and_persona_is_decided_by_the_rules(world):
    from linli.supply.models import Organisation, OrgKind

    second_org = Organisation.objects.create(name="第二服务队", kind=OrgKind.SOCIAL_ORG, region=world.community_a)
    demand = submit(world, description="想请人帮忙打扫卫生", item="1001")
    other = submit(world, description="另一件事", item="1002")
    wrong = []
    for action, (sources, personas) in RULES.items():
        for state in ALL_STATES:
            for persona in PERSONAS:
                Demand.objects.filter(pk=demand.pk).update(state=state, assignee_org=world.org_a, crisis=False)
                demand.refresh_from_db()
                user = world.users[persona]
                try:
                    demand_transition(demand=demand, user=user, action=action,
                                      **_arguments(action, world, other, second_org))
                    outcome = "ok"
                except DomainError as exc:
                    outcome = exc.code
                expected = ("ok" if state in sources else "state_conflict") if persona in personas else "action_forbidden"
                if outcome != expected:
                    wrong.append((action, state, persona, outcome, expected))
                elif outcome == "ok":
                    demand.refresh_from_db()
                    if demand.state != TARGET[action]:
                        wrong.append((action, state, persona, demand.state, TARGET[action]))
    assert wrong == []


def test_a_move_writes_who_when_from_to_and_why(world):
    demand = submit(world, item="1001", description="家里需要打扫")
    demand_transition(demand=demand, user=world.users["community_a"], action="reject", reason="out_of_scope",
                      note="属于家政商业服务，已告知可联系的家政公司")
    event = DemandEvent.objects.filter(demand=demand).last()
    assert (event.actor, event.actor_role, event.action, event.from_state, event.to_state, event.reason, event.note) == (
        world.users["community_a"], "community_worker", "reject", "submitted", "rejected", "out_of_scope",
        "属于家政商业服务，已告知可联系的家政公司",
    )


@pytest.mark.parametrize(("action", "reason", "note", "code"), [
    ("reject", "", "说明", "reason_required"),
    ("reject", "no_such_reason", "说明", "reason_required"),
    ("reject", "out_of_scope", "", "note_required"),
    ("cancel", "other", "", "note_required"),
    ("triage", "out_of_scope", "", "reason_not_allowed"),
    ("fly_away", "", "", "action_unknown"),
])
def test_reasons_and_notes_are_required_where_the_table_says(world, action, reason, note, code):
    demand = submit(world, item="1001", description="家里需要打扫")
    with pytest.raises(DomainError) as caught:
        demand_transition(demand=demand, user=world.users["community_a"], action=action, reason=reason, note=note)
    assert caught.value.code == code
    demand.refresh_from_db()
    assert (demand.state, demand.events.count()) == ("submitted", 1)


def test_a_stale_version_loses_with_a_conflict_and_changes_nothing(world):
    demand = submit(world, item="1001", description="家里需要打扫")
    seen = demand.version
    demand_transition(demand=demand, user=world.users["community_a"], action="triage")
    stale = Demand.objects.get(pk=demand.pk)
    Demand.objects.filter(pk=demand.pk).update(version=seen + 5)  # someone else moved it meanwhile
    with pytest.raises(DomainError) as caught:
        demand_transition(demand=stale, user=world.users["grid_a1"], action="cancel", reason="no_longer_needed")
    assert caught.value.code == "conflict"
    assert Demand.objects.get(pk=demand.pk).state == "triaged"
