"""The matching engine of the dispatch system (志愿服务指挥系统): pure Python, no Django.

``parse_problem(data) -> Problem`` validates the JSON model; ``solve(problem) -> Result`` finds an
optimal assignment exactly (a min-cost flow); ``greedy(problem) -> Result`` is the baseline that
dispatch systems use today. ``python -m linli.dispatch.engine PROBLEM.json`` and
``linli match PROBLEM.json`` run them from the command line.
"""

from linli.dispatch.engine.greedy import greedy
from linli.dispatch.engine.model import (
    Assignment,
    Need,
    Problem,
    ProblemError,
    Result,
    Volunteer,
    Weights,
)
from linli.dispatch.engine.parse import parse_problem
from linli.dispatch.engine.solve import evaluate, solve

__all__ = [
    "Assignment", "Need", "Problem", "ProblemError", "Result", "Volunteer", "Weights",
    "evaluate", "greedy", "parse_problem", "solve",
]
