"""Seeded random problems (as the JSON the engine reads) for the tests and `bench/match.py`."""

from __future__ import annotations

import datetime as dt
import math
import random

SKILLS = ["meal_delivery", "visit", "escort", "cleaning", "repair", "haircut"]
TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.datetime(2026, 11, 23, tzinfo=TZ)


def _iso(t: dt.datetime) -> str:
    return t.isoformat()


#: The maximum distances (km) a volunteer is drawn from, unless told otherwise.
MAX_KM = (0.5, 1.0, 1.5, 2.0, 3.0)


def random_problem(seed: int, *, needs: int, volunteers: int, km: float = 3.0, max_slots: int = 3,
                   skills: int = 4, weights: dict | None = None, capacity: int | None = None,
                   max_km: tuple[float, ...] = MAX_KM, volunteer_skills: int | None = None) -> dict:
    """``needs`` and ``volunteers`` scattered over a square ``km`` wide around Huzhou, one day.

    By default a volunteer takes 0 to 3 needs, goes as far as one of :data:`MAX_KM` and has 1 to
    ``skills`` skills. ``capacity`` gives every volunteer that capacity instead, ``max_km`` the
    distances to draw from, ``volunteer_skills`` the most skills a volunteer has. With the
    defaults a seed gives the same instance as before these options existed; ``capacity`` alone
    changes nothing else (the draw is still made, then replaced)."""
    rng = random.Random(seed)
    lat0, lon0 = 30.87, 120.09
    dlat = km / 111.2
    dlon = km / (111.2 * math.cos(math.radians(lat0)))

    def place():
        return round(lat0 + rng.random() * dlat, 6), round(lon0 + rng.random() * dlon, 6)

    out_needs = []
    for i in range(needs):
        lat, lon = place()
        start = DAY + dt.timedelta(minutes=30 * rng.randint(14, 36))
        out_needs.append({
            "id": f"n{i}", "lat": lat, "lon": lon, "skills": rng.sample(SKILLS[:skills], rng.choice((0, 1, 1, 1, 2))),
            "start": _iso(start), "end": _iso(start + dt.timedelta(minutes=rng.choice((30, 60, 90)))),
            "priority": rng.randint(1, 5),
            "familiar": [f"v{rng.randrange(volunteers)}"] if volunteers and rng.random() < 0.3 else [],
        })
    out_vols = []
    for i in range(volunteers):
        lat, lon = place()
        slots = []
        for _ in range(rng.randint(0, max_slots)):
            start = DAY + dt.timedelta(minutes=30 * rng.randint(12, 34))
            slots.append([_iso(start), _iso(start + dt.timedelta(minutes=30 * rng.randint(1, 10)))])
        vol_skills = rng.sample(SKILLS[:skills], rng.randint(1, min(skills, volunteer_skills or skills)))
        reach = rng.choice(max_km)
        cap = rng.randint(0, 3)
        out_vols.append({
            "id": f"v{i}", "lat": lat, "lon": lon, "skills": vol_skills,
            "max_km": reach, "capacity": cap if capacity is None else capacity, "slots": slots,
        })
    problem = {"needs": out_needs, "volunteers": out_vols}
    if weights is not None:
        problem["weights"] = weights
    return problem
