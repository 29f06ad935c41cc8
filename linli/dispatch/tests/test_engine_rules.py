"""Each rule of the model on a hand-made instance, malformed input named by field, the greedy
baseline's weaknesses, the command line, and the engine's purity (no Django)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from linli.dispatch.engine import ProblemError, greedy, parse_problem, solve
from linli.dispatch.engine.geo import haversine_m

T0, T1 = "2026-11-23T11:00:00+08:00", "2026-11-23T12:00:00+08:00"
SLOT = ["2026-11-23T10:00:00+08:00", "2026-11-23T13:00:00+08:00"]
LAT, LON = 30.70, 121.01


def need(i, lat=LAT, lon=LON, skills=(), priority=3, familiar=(), start=T0, end=T1):
    return {"id": i, "lat": lat, "lon": lon, "skills": list(skills), "start": start, "end": end,
            "priority": priority, "familiar": list(familiar)}


def vol(i, lat=LAT, lon=LON, skills=("meal_delivery",), max_km=2.0, capacity=3, slots=(SLOT,)):
    return {"id": i, "lat": lat, "lon": lon, "skills": list(skills), "max_km": max_km, "capacity": capacity,
            "slots": [list(s) for s in slots]}


def run(needs, vols, **weights):
    data = {"needs": needs, "volunteers": vols}
    if weights:
        data["weights"] = weights
    return solve(parse_problem(data))


def pairs(result):
    return [(a.need, a.volunteer, a.slot) for a in result.assignments]


def north(metres):
    """The latitude ``metres`` north of LAT, on the model's sphere."""
    return LAT + math.degrees(metres / 6_371_008.8)


def test_the_example_in_the_issue_text():
    r = run([need("n1", skills=["meal_delivery"], familiar=["v12"])], [vol("v12", lat=30.71, lon=121.02, skills=["meal_delivery", "visit"])])
    d = haversine_m(30.70, 121.01, 30.71, 121.02)
    assert (pairs(r), r.assignments[0].distance_m, r.objective) == ([("n1", "v12", 0)], d, d - 2000)


def test_a_volunteer_must_have_every_skill_of_the_need():
    r = run([need("n", skills=["meal_delivery", "escort"])], [vol("v", skills=["meal_delivery"])])
    assert (pairs(r), r.unassigned, r.objective) == ([], ["n"], 300_000)


def test_the_distance_limit_is_inclusive_to_the_metre():
    at, over = north(2000.2), north(2000.6)  # rounds to 2000 m (allowed) and 2001 m (not)
    assert haversine_m(at, LON, LAT, LON) == 2000 and haversine_m(over, LON, LAT, LON) == 2001
    assert pairs(run([need("n")], [vol("v", lat=at)])) == [("n", "v", 0)]
    assert pairs(run([need("n")], [vol("v", lat=over)])) == []


def test_the_slot_must_contain_the_whole_window():
    inside = ["2026-11-23T11:00:00+08:00", "2026-11-23T12:00:00+08:00"]  # exactly the window
    short = ["2026-11-23T11:00:00+08:00", "2026-11-23T11:59:00+08:00"]
    utc = ["2026-11-23T03:00:00+00:00", "2026-11-23T04:00:00+00:00"]  # the same window in UTC
    assert pairs(run([need("n")], [vol("v", slots=[short, inside])])) == [("n", "v", 1)]
    assert pairs(run([need("n")], [vol("v", slots=[short])])) == []
    assert pairs(run([need("n")], [vol("v", slots=[utc])])) == [("n", "v", 0)]


def test_a_slot_holds_one_need_and_capacity_caps_the_volunteer():
    needs = [need(f"n{i}", priority=5 - i) for i in range(3)]
    assert len(run(needs, [vol("v", slots=[SLOT])]).assignments) == 1
    assert len(run(needs, [vol("v", slots=[SLOT, SLOT, SLOT], capacity=2)]).assignments) == 2
    assert len(run(needs, [vol("v", slots=[SLOT, SLOT, SLOT], capacity=0)]).assignments) == 0


def test_unserved_needs_are_the_lowest_priority_ones():
    needs = [need("low", priority=1), need("high", priority=5), need("mid", priority=3)]
    r = run(needs, [vol("v", slots=[SLOT, SLOT], capacity=2)], load_step_m=0)
    assert (sorted(a.need for a in r.assignments), r.unassigned) == (["high", "mid"], ["low"])


def test_the_load_step_spreads_work_when_it_outweighs_the_extra_distance():
    needs = [need("a"), need("b")]
    vols = [vol("near", slots=[SLOT, SLOT]), vol("far", lat=north(300), slots=[SLOT])]
    # A second need for "near" costs load_step; sending it to "far" costs 300 m more instead.
    spread = run(needs, vols, load_step_m=500)
    assert (sorted(a.volunteer for a in spread.assignments), spread.objective) == (["far", "near"], 300)
    assert {a.volunteer for a in run(needs, vols, load_step_m=100).assignments} == {"near"}


def test_a_familiar_volunteer_wins_within_the_bonus():
    needs = [need("n", familiar=["usual"])]
    vols = [vol("closer"), vol("usual", lat=north(1500))]
    assert pairs(run(needs, vols, familiar_bonus_m=2000)) == [("n", "usual", 0)]
    assert pairs(run(needs, vols, familiar_bonus_m=1000)) == [("n", "closer", 0)]


def test_greedy_spends_the_only_match_of_a_later_need():
    # A (priority 5) may go to v1 (near) or v2 (a bit farther); B (priority 4) only to v1, who
    # has one slot. Greedy gives v1 to A and leaves B unserved; the optimum serves both.
    needs = [need("A", priority=5), need("B", priority=4, skills=["escort"])]
    vols = [vol("v1", skills=["meal_delivery", "escort"]), vol("v2", lat=north(800))]
    problem = parse_problem({"needs": needs, "volunteers": vols})
    best, base = solve(problem), greedy(problem)
    assert (sorted(pairs(best)), best.served) == ([("A", "v2", 0), ("B", "v1", 0)], 2)
    assert (pairs(base), base.unassigned) == ([("A", "v1", 0)], ["B"])
    assert base.objective - best.objective == 400_000 - 800


def test_greedy_ignores_load_and_familiarity():
    needs = [need("a", familiar=["usual"]), need("b")]
    vols = [vol("near", slots=[SLOT, SLOT]), vol("usual", lat=north(1000), slots=[SLOT])]
    problem = parse_problem({"needs": needs, "volunteers": vols})
    assert {a.volunteer for a in greedy(problem).assignments} == {"near"}
    assert solve(problem).objective < greedy(problem).objective


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda d: d.pop("needs"), "needs"),
    (lambda d: d["needs"][0].pop("lat"), "needs[0].lat"),
    (lambda d: d["needs"][0].update(start="23/11/2026 11:00"), "needs[0].start"),
    (lambda d: d["needs"][0].update(start="2026-11-23T11:00:00"), "needs[0].start"),
    (lambda d: d["needs"][0].update(end=T0), "needs[0].end"),
    (lambda d: d["needs"][0].update(priority=9), "needs[0].priority"),
    (lambda d: d["needs"][0].update(priority=2.5), "needs[0].priority"),
    (lambda d: d["needs"][0].update(priority=True), "needs[0].priority"),
    (lambda d: d["needs"][0].update(skills="meal_delivery"), "needs[0].skills"),
    (lambda d: d["needs"][0].update(lat=91), "needs[0].lat"),
    (lambda d: d["needs"].append(dict(d["needs"][0])), "needs[1].id"),
    (lambda d: d["volunteers"][0].update(capacity=-1), "volunteers[0].capacity"),
    (lambda d: d["volunteers"][0].update(max_km="2"), "volunteers[0].max_km"),
    (lambda d: d["volunteers"][0].update(slots=[["2026-11-23T10:00:00+08:00"]]), "volunteers[0].slots[0]"),
    (lambda d: d["volunteers"][0].update(slots=[[SLOT[1], SLOT[0]]]), "volunteers[0].slots[0][1]"),
    (lambda d: d.update(weights={"unserved_m": -1}), "weights.unserved_m"),
    (lambda d: d.update(weights={"speed": 1}), "weights.speed"),
    (lambda d: d["needs"][0].update(colour="red"), "needs[0].colour"),
])
def test_malformed_input_names_the_field(mutate, field):
    data = {"needs": [need("n1")], "volunteers": [vol("v1")]}
    mutate(data)
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    assert caught.value.field == field


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "linli.dispatch.engine", *args], input=stdin,  # noqa: S603
                          capture_output=True, text=True, check=False, timeout=60)


def test_the_command_prints_the_result_and_exits_non_zero_on_bad_input(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"needs": [need("n1")], "volunteers": [vol("v1")]}))
    ok = _cli(str(path))
    assert ok.returncode == 0
    assert json.loads(ok.stdout) | {"seconds": 0} == {
        "assignments": [{"need": "n1", "volunteer": "v1", "slot": 0, "distance_m": 0}], "unassigned": [],
        "objective": 0, "served": 1, "seconds": 0}
    out = tmp_path / "r.json"
    assert _cli(str(path), "--greedy", "--out", str(out)).returncode == 0
    assert json.loads(out.read_text())["served"] == 1
    empty = tmp_path / "empty.json"
    empty.write_text("")
    bad = _cli(str(empty))
    assert (bad.returncode, bad.stderr.strip()) == (2, "error: (file): the file is empty")
    nine = _cli("-", stdin=json.dumps({"needs": [need("n1", priority=9)], "volunteers": []}))
    assert (nine.returncode, "needs[0].priority" in nine.stderr) == (2, True)


def test_the_engine_imports_nothing_from_django():
    code = "import sys, linli.dispatch.engine as e; e.solve; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)  # noqa: S603
    assert out.stdout.strip() == "False"
