"""The solver's optimum against two independent exact formulations on many random instances:
brute-force enumeration (tiny) and an integer program solved by SciPy's HiGHS (small). Both
compute feasibility and the objective from the JSON themselves, sharing no code with the engine."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from linli.dispatch.engine import greedy, parse_problem, solve
from linli.dispatch.engine.generate import random_problem

R = 6_371_008.8


def _distance(a, b) -> int:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * R * math.asin(math.sqrt(h)))


def _t(s):
    return dt.datetime.fromisoformat(s)


def _options(data):
    """need index -> [(volunteer index, slot index, cost)], computed from the JSON alone."""
    w = {"unserved_m": 100_000, "familiar_bonus_m": 2_000, "load_step_m": 500, **data.get("weights", {})}
    out = []
    for n in data["needs"]:
        row = []
        for vi, v in enumerate(data["volunteers"]):
            d = _distance(n, v)
            if not set(n["skills"]) <= set(v["skills"]) or d > v["max_km"] * 1000 or v["capacity"] < 1:
                continue
            for si, (s, e) in enumerate(v["slots"]):
                if _t(s) <= _t(n["start"]) and _t(n["end"]) <= _t(e):
                    row.append((vi, si, d - (w["familiar_bonus_m"] if v["id"] in n.get("familiar", []) else 0)))
        out.append(row)
    return out, w


def brute_force(data) -> int:
    options, w = _options(data)
    needs, vols = data["needs"], data["volunteers"]
    best = math.inf

    def walk(i, cost, load, slots):
        nonlocal best
        if i == len(needs):
            best = min(best, cost + sum(w["load_step_m"] * k * (k - 1) // 2 for k in load))
            return
        walk(i + 1, cost + w["unserved_m"] * needs[i]["priority"], load, slots)
        for vi, si, c in options[i]:
            if load[vi] < vols[vi]["capacity"] and (vi, si) not in slots:
                load[vi] += 1
                walk(i + 1, cost + c, load, slots | {(vi, si)})
                load[vi] -= 1

    walk(0, 0, [0] * len(vols), frozenset())
    return int(best)


def integer_program(data) -> int:
    """x[n,v,s] ∈ {0,1}; y[v,k] ∈ {0,1} for the k-th need of v (y[v,k] ≥ y[v,k+1]) priced at
    load_step·(k-1); each need ≤ 1, each slot ≤ 1, Σx of v = Σy of v; unserved via 1 - Σx."""
    options, w = _options(data)
    needs, vols = data["needs"], data["volunteers"]
    x = [(ni, vi, si, c) for ni, row in enumerate(options) for vi, si, c in row]
    y = [(vi, k) for vi, v in enumerate(vols) for k in range(1, v["capacity"] + 1)]
    nx, ny = len(x), len(y)
    if nx == 0:
        return sum(w["unserved_m"] * n["priority"] for n in needs)
    cost = np.array([c - w["unserved_m"] * needs[ni]["priority"] for ni, _vi, _si, c in x]
                    + [w["load_step_m"] * (k - 1) for _vi, k in y], dtype=float)
    rows, lo, hi = [], [], []

    def row(coefs, low, high):
        r = np.zeros(nx + ny)
        for j, c in coefs:
            r[j] = c
        rows.append(r), lo.append(low), hi.append(high)

    for ni in range(len(needs)):
        row([(j, 1) for j, e in enumerate(x) if e[0] == ni], 0, 1)
    for key in {(e[1], e[2]) for e in x}:
        row([(j, 1) for j, e in enumerate(x) if (e[1], e[2]) == key], 0, 1)
    for vi in range(len(vols)):
        row([(j, 1) for j, e in enumerate(x) if e[1] == vi] + [(nx + j, -1) for j, e in enumerate(y) if e[0] == vi], 0, 0)
    for j, (_vi, k) in enumerate(y):
        if k > 1:
            row([(nx + j - 1, 1), (nx + j, -1)], 0, np.inf)
    res = milp(cost, constraints=LinearConstraint(np.array(rows), lo, hi), integrality=np.ones(nx + ny),
               bounds=Bounds(0, 1))
    assert res.success
    return int(round(res.fun)) + sum(w["unserved_m"] * n["priority"] for n in needs)


@pytest.mark.parametrize("seed", range(60))
def test_the_optimum_equals_brute_force_on_tiny_instances(seed):
    data = random_problem(seed, needs=5 + seed % 3, volunteers=3 + seed % 2, km=2.0, max_slots=2)
    problem = parse_problem(data)
    result = solve(problem)
    assert result.objective == brute_force(data)
    assert greedy(problem).objective >= result.objective


@pytest.mark.parametrize("seed", range(25))
def test_the_optimum_equals_an_integer_program_on_small_instances(seed):
    weights = [None, {"unserved_m": 5000, "familiar_bonus_m": 3000, "load_step_m": 2000},
               {"unserved_m": 100000, "familiar_bonus_m": 0, "load_step_m": 0}][seed % 3]
    data = random_problem(1000 + seed, needs=30, volunteers=15, km=3.0, weights=weights)
    problem = parse_problem(data)
    result = solve(problem)
    assert result.objective == integer_program(data)
    assert sorted([a.need for a in result.assignments] + result.unassigned) == sorted(n["id"] for n in data["needs"])
