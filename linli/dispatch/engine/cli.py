"""``linli match PROBLEM.json [--out FILE] [--greedy]`` (also ``python -m linli.dispatch.engine``).

Prints the result as JSON (or writes it to ``--out``). Malformed input exits with status 2 and a
message naming the field; an unreadable file exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from linli.dispatch.engine.greedy import greedy
from linli.dispatch.engine.model import ProblemError
from linli.dispatch.engine.parse import load_problem
from linli.dispatch.engine.solve import solve


def build_parser(prog: str = "linli match") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Match needs to volunteers optimally (or greedily).")
    parser.add_argument("problem", help="the problem as JSON (a file, or - for standard input)")
    parser.add_argument("--out", help="write the result here instead of printing it")
    parser.add_argument("--greedy", action="store_true", help="the greedy baseline instead of the optimum")
    return parser


def run(problem_path: str, *, out: str | None = None, use_greedy: bool = False) -> int:
    try:
        text = sys.stdin.read() if problem_path == "-" else Path(problem_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {problem_path}: {exc}", file=sys.stderr)
        return 1
    try:
        problem = load_problem(text)
    except ProblemError as exc:
        print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    result = (greedy if use_greedy else solve)(problem)
    payload = json.dumps(result.as_dict(), ensure_ascii=False, indent=1)
    if out:
        Path(out).write_text(payload + "\n", encoding="utf-8")
    else:
        print(payload)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.problem, out=args.out, use_greedy=args.greedy)
