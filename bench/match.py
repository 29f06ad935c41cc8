"""Benchmark of the matching engine: the exact optimum against the greedy baseline.

    .venv/bin/python bench/match.py                  # street and district scale
    .venv/bin/python bench/match.py --scales street  # one of them

Seeded instances (``linli.dispatch.engine.generate``): a street, 2,000 needs and 5,000 volunteers
in a square 5 km across; a district, 10,000 needs and 30,000 volunteers 20 km across. For each it
prints, for the optimum and for greedy: the objective, needs served, total distance travelled and
seconds (end to end: candidate search, network, solve), and the count of feasible arcs.
Then the shortlist of five for one need (p50/p99 over 200 needs). Figures only: nothing passes or fails here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linli.dispatch.engine import greedy, parse_problem, solve  # noqa: E402
from linli.dispatch.engine.candidates import feasible_arcs  # noqa: E402
from linli.dispatch.engine.generate import random_problem  # noqa: E402
from linli.dispatch.engine.shortlist import VolunteerIndex, shortlist  # noqa: E402

SCALES = {"street": (2_000, 5_000, 5.0), "district": (10_000, 30_000, 20.0)}


def run(name: str, seed: int) -> list[str]:
    needs, volunteers, km = SCALES[name]
    t0 = time.perf_counter()
    problem = parse_problem(random_problem(seed, needs=needs, volunteers=volunteers, km=km, max_slots=3, skills=6))
    parsed = time.perf_counter() - t0
    t1 = time.perf_counter()
    arcs = feasible_arcs(problem)
    arcs_s = time.perf_counter() - t1
    best = solve(problem)  # end to end: candidates again, network, solve
    base = greedy(problem)
    lines = [f"{name}: {needs:,} needs, {volunteers:,} volunteers, {km:g} km across, seed {seed}; "
             f"{len(arcs):,} feasible (need, volunteer, slot) arcs found in {arcs_s:.2f} s; parse {parsed:.2f} s"]
    for label, r in (("optimal", best), ("greedy", base)):
        distance = sum(a.distance_m for a in r.assignments)
        lines.append(f"  {label:8s} objective {r.objective:>14,}  served {r.served:>6,} ({r.served / needs:6.1%})  "
                     f"distance {distance / 1000:>9,.1f} km  {r.seconds:6.2f} s")
    index = VolunteerIndex(problem.volunteers)
    timings = []
    for n in problem.needs[:200]:
        t = time.perf_counter()
        shortlist(n, index, weights=problem.weights, k=5)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    lines.append(f"  shortlist of 5 for one need among {volunteers:,} volunteers: p50 {timings[len(timings) // 2]:.1f} ms, "
                 f"p99 {timings[int(len(timings) * 0.99) - 1]:.1f} ms (200 needs)")
    gain = base.objective - best.objective
    lines.append(f"  greedy is {gain:,} worse ({gain / best.objective:.1%}); optimal serves {best.served - base.served:+,} needs")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="street,district")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for name in args.scales.split(","):
        print("\n".join(run(name, args.seed)), flush=True)


if __name__ == "__main__":
    main()
