"""The exact solver: the model is a min-cost flow, solved by OR-Tools.

Network: source → each need (capacity 1); need → sink directly at ``unserved_m × priority``
(leaving it unassigned); need → each feasible (volunteer, slot) at the arc's cost; slot →
its volunteer (capacity 1: one need a slot); volunteer → sink through ``capacity`` parallel unit
arcs costing ``0, load_step, 2·load_step, …``. The load cost is convex, so the k cheapest of those
arcs add up to ``load_step · k(k-1)/2``, and an integral min-cost flow is an optimal assignment.
Every need has its unserved arc, so a flow of all needs always exists. The network is acyclic,
so negative arc costs (a familiar volunteer close by) are fine.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from linli.dispatch.engine.candidates import Arcs, feasible_arcs
from linli.dispatch.engine.geo import haversine_m
from linli.dispatch.engine.model import Assignment, Problem, ProblemError, Result


def solve(problem: Problem, arcs: Arcs | None = None) -> Result:
    started = time.perf_counter()
    arcs = feasible_arcs(problem) if arcs is None else arcs
    n = len(problem.needs)
    if n == 0:
        return Result([], [], 0, time.perf_counter() - started)
    tails, heads, caps, costs, first_assign, sink = _network(problem, arcs)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[0], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not find an optimum (status {status})")
    used = np.asarray(flow.flows(np.arange(first_assign, first_assign + len(arcs), dtype=np.int64))) > 0
    result = _result(problem, arcs, used)
    if result.objective != flow.optimal_cost():
        raise RuntimeError(f"objective {result.objective} differs from the flow's cost {flow.optimal_cost()}")
    result.seconds = time.perf_counter() - started
    return result


def _network(problem: Problem, arcs: Arcs):
    """Arrays (tails, heads, capacities, costs), the index of the first need→slot arc, the sink."""
    n = len(problem.needs)
    w = problem.weights
    slot_keys = arcs.volunteer * (1 + max((len(v.slots) for v in problem.volunteers), default=0)) + arcs.slot
    slot_ids, slot_of_arc = np.unique(slot_keys, return_inverse=True)
    vol_of_slot = np.zeros(len(slot_ids), dtype=np.int64)
    vol_of_slot[slot_of_arc] = arcs.volunteer
    vol_ids, vol_node_of_slot = np.unique(vol_of_slot, return_inverse=True)
    slot_base, vol_base = 1 + n, 1 + n + len(slot_ids)
    sink = vol_base + len(vol_ids)
    need_nodes = np.arange(1, n + 1, dtype=np.int64)
    priority = np.array([need.priority for need in problem.needs], dtype=np.int64)
    slots_per_node = np.bincount(vol_node_of_slot, minlength=len(vol_ids))
    load_tails, load_costs = [], []
    for node, vi in enumerate(vol_ids):
        k = min(problem.volunteers[vi].capacity, int(slots_per_node[node]))
        load_tails.append(np.full(k, vol_base + node, dtype=np.int64))
        load_costs.append(np.arange(k, dtype=np.int64) * w.load_step_m)
    load_t = np.concatenate(load_tails) if load_tails else np.zeros(0, dtype=np.int64)
    load_c = np.concatenate(load_costs) if load_costs else np.zeros(0, dtype=np.int64)
    pieces = [
        (np.zeros(n, dtype=np.int64), need_nodes, np.zeros(n, dtype=np.int64)),  # source → need
        (need_nodes, np.full(n, sink), w.unserved_m * priority),  # need → sink: unserved
        (1 + arcs.need, slot_base + slot_of_arc, arcs.cost),  # need → (volunteer, slot)
        (slot_base + np.arange(len(slot_ids)), vol_base + vol_node_of_slot, np.zeros(len(slot_ids), dtype=np.int64)),
        (load_t, np.full(len(load_t), sink), load_c),  # volunteer → sink, convex load
    ]
    tails = np.concatenate([p[0] for p in pieces]).astype(np.int64)
    heads = np.concatenate([p[1] for p in pieces]).astype(np.int64)
    costs = np.concatenate([p[2] for p in pieces]).astype(np.int64)
    return tails, heads, np.ones(len(tails), dtype=np.int64), costs, 2 * n, sink


def _result(problem: Problem, arcs: Arcs, used: np.ndarray) -> Result:
    chosen = np.flatnonzero(used)
    chosen = chosen[np.argsort(arcs.need[chosen], kind="stable")]
    assignments = [
        Assignment(problem.needs[arcs.need[i]].id, problem.volunteers[arcs.volunteer[i]].id,
                   int(arcs.slot[i]), int(arcs.distance[i]))
        for i in chosen
    ]
    served = {a.need for a in assignments}
    unassigned = [need.id for need in problem.needs if need.id not in served]
    return Result(assignments, unassigned, evaluate(problem, assignments))


def evaluate(problem: Problem, assignments: list[Assignment]) -> int:
    """The model's objective of an assignment, after checking every constraint (ProblemError if
    one is broken). Independent of the solver: used to verify it and to score the greedy one."""
    needs = {n.id: n for n in problem.needs}
    vols = {v.id: v for v in problem.volunteers}
    w = problem.weights
    load: dict[str, int] = {}
    taken_needs: set[str] = set()
    taken_slots: set[tuple[str, int]] = set()
    total = 0
    for a in assignments:
        need, vol = needs.get(a.need), vols.get(a.volunteer)
        if need is None or vol is None or a.need in taken_needs or (a.volunteer, a.slot) in taken_slots:
            raise ProblemError("assignments", f"{a} is unknown or repeated")
        if not 0 <= a.slot < len(vol.slots) or not need.skills <= vol.skills:
            raise ProblemError("assignments", f"{a} breaks the slot or skill rule")
        s_start, s_end = vol.slots[a.slot]
        d = haversine_m(need.lat, need.lon, vol.lat, vol.lon)
        if not (s_start <= need.start and need.end <= s_end) or d > vol.max_km * 1000 or d != a.distance_m:
            raise ProblemError("assignments", f"{a} breaks the time or distance rule")
        taken_needs.add(a.need)
        taken_slots.add((a.volunteer, a.slot))
        load[a.volunteer] = load.get(a.volunteer, 0) + 1
        if load[a.volunteer] > vol.capacity:
            raise ProblemError("assignments", f"{a.volunteer} is over capacity")
        total += d - (w.familiar_bonus_m if a.volunteer in need.familiar else 0)
    total += sum(w.load_step_m * k * (k - 1) // 2 for k in load.values())
    total += sum(w.unserved_m * n.priority for n in problem.needs if n.id not in taken_needs)
    return total
