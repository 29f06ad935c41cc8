"""The baseline dispatch systems use today: needs in order of priority (highest first) then
arrival (their order in the input), each to the nearest feasible volunteer who still has room and
a free slot that fits. Fast and myopic: it never looks ahead, so it can spend a volunteer whom a
later, harder-to-serve need was the only match for."""

from __future__ import annotations

import time

import numpy as np

from linli.dispatch.engine.candidates import Arcs, feasible_arcs
from linli.dispatch.engine.model import Assignment, Problem, Result
from linli.dispatch.engine.solve import evaluate


def greedy(problem: Problem, arcs: Arcs | None = None) -> Result:
    started = time.perf_counter()
    arcs = feasible_arcs(problem) if arcs is None else arcs
    order = np.lexsort((arcs.slot, arcs.volunteer, arcs.distance, arcs.need))  # by need, then nearest
    bounds = np.searchsorted(arcs.need[order], np.arange(len(problem.needs) + 1))
    load = np.zeros(len(problem.volunteers), dtype=np.int64)
    capacity = np.array([v.capacity for v in problem.volunteers], dtype=np.int64)
    taken: set[tuple[int, int]] = set()
    assignments: list[Assignment] = []
    sequence = sorted(range(len(problem.needs)), key=lambda i: (-problem.needs[i].priority, i))
    for ni in sequence:
        for k in order[bounds[ni]:bounds[ni + 1]]:
            vi, si = int(arcs.volunteer[k]), int(arcs.slot[k])
            if load[vi] >= capacity[vi] or (vi, si) in taken:
                continue
            load[vi] += 1
            taken.add((vi, si))
            assignments.append(Assignment(problem.needs[ni].id, problem.volunteers[vi].id, si, int(arcs.distance[k])))
            break
    index = {n.id: i for i, n in enumerate(problem.needs)}
    assignments.sort(key=lambda a: index[a.need])
    served = {a.need for a in assignments}
    result = Result(assignments, [n.id for n in problem.needs if n.id not in served], evaluate(problem, assignments))
    result.seconds = time.perf_counter() - started
    return result
