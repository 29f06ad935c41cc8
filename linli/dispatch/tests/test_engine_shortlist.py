"""The shortlist for one need: only feasible volunteers, ranked by the optimum's marginal cost."""

from __future__ import annotations

from linli.dispatch.engine import parse_problem
from linli.dispatch.engine.generate import random_problem
from linli.dispatch.engine.shortlist import VolunteerIndex, shortlist
from linli.dispatch.engine.solve import solve
from linli.dispatch.tests.test_engine_rules import SLOT, need, north, vol


def _problem(needs, vols):
    return parse_problem({"needs": needs, "volunteers": vols})


def test_ranked_by_distance_less_familiarity_plus_load_with_reasons():
    p = _problem([need("n", skills=["meal_delivery"], familiar=["usual"])],
                 [vol("near"), vol("usual", lat=north(1500)), vol("far", lat=north(1900)),
                  vol("busy", lat=north(100)), vol("unskilled", skills=["visit"]), vol("toofar", lat=north(2600))])
    got = shortlist(p.needs[0], VolunteerIndex(p.volunteers), weights=p.weights, load={"busy": 2})
    assert [(c.volunteer, c.distance_m, c.cost, c.reasons) for c in got] == [
        ("usual", 1500, -500, ("familiar", "light_load")),
        ("near", 0, 0, ("nearest", "light_load")),
        ("busy", 100, 1100, ("busy",)),
        ("far", 1900, 1900, ("light_load",)),
    ]


def test_full_volunteers_and_booked_slots_are_left_out():
    p = _problem([need("n")], [vol("a", capacity=1), vol("b", slots=[SLOT])])
    index = VolunteerIndex(p.volunteers)
    assert [c.volunteer for c in shortlist(p.needs[0], index, load={"a": 1}, busy={("b", 0)})] == []


def test_the_first_choice_agrees_with_the_optimum_for_a_lone_need():
    for seed in range(20):
        data = random_problem(seed, needs=1, volunteers=40, km=2.0)
        p = parse_problem(data)
        best = solve(p)
        short = shortlist(p.needs[0], VolunteerIndex(p.volunteers), weights=p.weights)
        if best.assignments:
            assert short[0].cost == best.objective
        else:
            assert short == []
