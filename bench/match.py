"""Benchmark of the matching engine: the exact optimum against the greedy baseline.

    .venv/bin/python bench/match.py                  # street, district and scarce
    .venv/bin/python bench/match.py --scales street  # one of them

Seeded instances (``linli.dispatch.engine.generate``): a street, 2,000 needs and 5,000 volunteers
in a square 5 km across; a district, 10,000 needs and 30,000 volunteers 20 km across; scarce, a
street 3 km across where volunteers are few and limited (2,000 needs, 1,200 volunteers who each
take one need, go at most 0.3 to 1 km and have one or two of six skills). For each it prints, for
the optimum and for greedy: the objective, needs served, total distance travelled and seconds (end
to end: candidate search, network, solve), and the count of feasible arcs. Then the shortlist of
five for one need (p50/p99 over 200 needs); for scarce also the needs greedy leaves unserved that
the optimum serves (and the reverse) and the objective ratio greedy / optimal. Figures only:
nothing passes or fails here.
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

#: name -> the arguments of ``random_problem`` (besides the seed)
SCALES = {
    "street": {"needs": 2_000, "volunteers": 5_000, "km": 5.0, "max_slots": 3, "skills": 6},
    "district": {"needs": 10_000, "volunteers": 30_000, "km": 20.0, "max_slots": 3, "skills": 6},
    # Volunteers are scarce: one need each, short reach, one or two skills. Greedy (nearest free
    # volunteer, in priority order) spends volunteers a later need had no other match for.
    "scarce": {"needs": 2_000, "volunteers": 1_200, "km": 3.0, "max_slots": 3, "skills": 6, "capacity": 1,
               "max_km": (0.3, 0.5, 0.8, 1.0), "volunteer_skills": 2},
}


def run(name: str, seed: int) -> list[str]:
    params = SCALES[name]
    needs, volunteers, km = params["needs"], params["volunteers"], params["km"]
    t0 = time.perf_counter()
    problem = parse_problem(random_problem(seed, **params))
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
    if name == "scarce":
        by_optimum, by_greedy = {a.need for a in best.assignments}, {a.need for a in base.assignments}
        priority = {n.id: n.priority for n in problem.needs}
        gained, lost = by_optimum - by_greedy, by_greedy - by_optimum

        def mean(ids):
            return sum(priority[i] for i in ids) / len(ids) if ids else 0.0

        lines.append(f"  needs greedy leaves unserved that the optimum serves: {len(gained):,} (mean priority "
                     f"{mean(gained):.2f}); the reverse: {len(lost):,} (mean priority {mean(lost):.2f})")
        lines.append(f"  objective ratio greedy / optimal: {base.objective / best.objective:.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="street,district,scarce", help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for name in args.scales.split(","):
        print("\n".join(run(name, args.seed)), flush=True)


if __name__ == "__main__":
    main()
