"""The seeded problem generator: its defaults give the same instances as always (tests and the
benchmark depend on them), and its options change only what they name."""

from __future__ import annotations

import hashlib
import json

from linli.dispatch.engine.generate import random_problem


def _fingerprint(problem: dict) -> str:
    return hashlib.sha256(json.dumps(problem, sort_keys=True).encode()).hexdigest()


def test_the_defaults_give_the_instances_of_before_the_options():
    problem = random_problem(2026, needs=20, volunteers=30, km=5.0, skills=6)
    assert _fingerprint(problem) == "ad9899eb3d78aa88114619a56d0421eb2c384bbd676704cd650375edadc30e8c"


def test_capacity_alone_changes_only_the_capacities():
    plain = random_problem(7, needs=40, volunteers=60, skills=6)
    ones = random_problem(7, needs=40, volunteers=60, skills=6, capacity=1)
    assert ones["needs"] == plain["needs"]
    assert {v["capacity"] for v in ones["volunteers"]} == {1}
    assert [{**v, "capacity": 1} for v in plain["volunteers"]] == ones["volunteers"]


def test_max_km_gives_the_distances_drawn_from():
    problem = random_problem(7, needs=10, volunteers=200, skills=6, max_km=(0.3, 0.5))
    assert {v["max_km"] for v in problem["volunteers"]} == {0.3, 0.5}


def test_volunteer_skills_caps_the_skills_of_each_volunteer():
    problem = random_problem(7, needs=10, volunteers=200, skills=6, volunteer_skills=2)
    assert {len(v["skills"]) for v in problem["volunteers"]} == {1, 2}
