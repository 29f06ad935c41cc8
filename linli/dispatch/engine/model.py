"""The matching model as plain data.

A need may go to volunteer v in slot s only if every skill of the need is among v's skills, the
haversine distance (metres, rounded) is at most ``max_km * 1000``, and the slot contains the need's
time window. Each need takes at most one (volunteer, slot), each slot at most one need, each
volunteer at most ``capacity`` needs. The objective (minimised, an integer) is the sum over
assigned needs of the distance less ``familiar_bonus_m`` when the volunteer is familiar to the
need, plus ``load_step_m * k * (k - 1) / 2`` for a volunteer with k needs, plus
``unserved_m * priority`` for each need left unassigned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ProblemError(ValueError):
    """Malformed input; ``field`` names the place, e.g. ``needs[3].start``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Weights:
    unserved_m: int = 100_000
    familiar_bonus_m: int = 2_000
    load_step_m: int = 500


@dataclass(frozen=True)
class Need:
    id: str
    lat: float
    lon: float
    skills: frozenset[str]
    start: dt.datetime
    end: dt.datetime
    priority: int
    familiar: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Volunteer:
    id: str
    lat: float
    lon: float
    skills: frozenset[str]
    max_km: float
    capacity: int
    slots: tuple[tuple[dt.datetime, dt.datetime], ...]


@dataclass(frozen=True)
class Problem:
    needs: tuple[Need, ...]
    volunteers: tuple[Volunteer, ...]
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Assignment:
    need: str
    volunteer: str
    slot: int
    distance_m: int


@dataclass
class Result:
    assignments: list[Assignment]
    unassigned: list[str]
    objective: int
    seconds: float = 0.0

    @property
    def served(self) -> int:
        return len(self.assignments)

    def as_dict(self) -> dict:
        return {
            "assignments": [
                {"need": a.need, "volunteer": a.volunteer, "slot": a.slot, "distance_m": a.distance_m}
                for a in self.assignments
            ],
            "unassigned": list(self.unassigned),
            "objective": self.objective,
            "served": self.served,
            "seconds": round(self.seconds, 4),
        }
