"""The gap report (供需缺口): per service item and grid, for one week, the open demand against what
suitable volunteers within reach can give, and who could close the gap. The report that would
have shown "meal delivery: 40 needs, 6 volunteers within 1 km".

- **Demand**: open demands of the item in the grid, plus open tasks of the item that week.
- **Suitable**: the volunteer holds every skill the item needs (``data/item_skills.json``), with a
  valid certificate where the skill needs one, on the week's first day.
- **Within reach**: when the grid's demands have coordinates, volunteers whose home is within
  their ``max_km`` of the demands' centre; otherwise volunteers living in the grid.
- **Capacity**: for each suitable volunteer, over the week, per day the smaller of their daily
  capacity and their availability windows that day. A volunteer within reach of two grids counts
  in both (the report shows where people are short, not a plan).
- **Could close the gap**: volunteers within reach who have the skill but no valid certificate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from linli.accounts.scoping import prefix_q
from linli.catalog.models import ServiceItem
from linli.demands.models import Demand
from linli.demands.workflow import OPEN_STATES
from linli.dispatch.engine.geo import haversine_m
from linli.dispatch.models import Task, TaskState
from linli.dispatch.services import SHANGHAI, item_skills
from linli.regions.models import SEGMENT, Level, Region
from linli.supply.availability import slots_between
from linli.supply.models import Volunteer, VolunteerStatus

GRID_PATH = 4 * SEGMENT


@dataclass
class GapRow:
    item: ServiceItem
    grid: Region
    demand: int = 0
    capacity: int = 0
    volunteers: list[Volunteer] = field(default_factory=list)
    lacking_certificate: list[Volunteer] = field(default_factory=list)
    by_distance: bool = False

    @property
    def gap(self) -> int:
        return self.demand - self.capacity


def _week_capacity(volunteer: Volunteer, week_start: dt.date) -> int:
    per_day: dict[dt.date, int] = defaultdict(int)
    for start, _end in slots_between(volunteer, week_start, week_start + dt.timedelta(days=6)):
        per_day[start.astimezone(SHANGHAI).date()] += 1
    return sum(min(volunteer.daily_capacity, n) for n in per_day.values())


def _demand_counts(within: Region, week_start: dt.date, codes: list[str]):
    """{(grid path, item code): count} and {grid path: [(lat, lon)]} of open demands and tasks."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    demands = Demand.objects.filter(prefix_q("path", within.path), state__in=OPEN_STATES, item__code__in=codes)
    for path, code, lat, lon in demands.values_list("path", "item__code", "lat", "lon"):
        if len(path) >= GRID_PATH:
            counts[path[:GRID_PATH], code] += 1
            if lat is not None and lon is not None:
                points[path[:GRID_PATH]].append((float(lat), float(lon)))
    start = dt.datetime.combine(week_start, dt.time.min, SHANGHAI)
    tasks = Task.objects.filter(prefix_q("path", within.path), state__in=[TaskState.OPEN, TaskState.OFFERED],
                                demand__isnull=True, item__code__in=codes,
                                start__gte=start, start__lt=start + dt.timedelta(days=7))
    for path, code in tasks.values_list("path", "item__code"):
        if len(path) >= GRID_PATH:
            counts[path[:GRID_PATH], code] += 1
    return counts, points


def _within_reach(volunteer: Volunteer, grid_path: str, centre: tuple[float, float] | None) -> bool:
    if centre is not None and volunteer.lat is not None and volunteer.lon is not None:
        return haversine_m(centre[0], centre[1], float(volunteer.lat), float(volunteer.lon)) <= float(volunteer.max_km) * 1000
    return volunteer.region.path.startswith(grid_path)


def gap_report(*, within: Region, week_start: dt.date) -> list[GapRow]:
    """Rows for every (volunteer-able item, grid) with demand, the biggest gaps first."""
    skills = item_skills()
    counts, points = _demand_counts(within, week_start, list(skills))
    if not counts:
        return []
    grids = {g.path: g for g in Region.objects.filter(path__in={p for p, _c in counts}, level=Level.GRID)}
    items = {i.code: i for i in ServiceItem.objects.filter(code__in={c for _p, c in counts})}
    street = within.path[: 2 * SEGMENT]
    volunteers = list(Volunteer.objects.filter(prefix_q("region__path", street), status=VolunteerStatus.ACTIVE)
                      .select_related("region").prefetch_related("skills", "certificates", "weekly", "exceptions"))
    qualified = {v.pk: v.qualified_skill_codes(week_start) for v in volunteers}
    declared = {v.pk: {s.code for s in v.skills.all()} for v in volunteers}
    capacity = {v.pk: _week_capacity(v, week_start) for v in volunteers}
    rows = []
    for (grid_path, code), demand in counts.items():
        if grid_path not in grids or code not in items:
            continue
        pts = points.get(grid_path)
        centre = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)) if pts else None
        need = set(skills[code])
        row = GapRow(items[code], grids[grid_path], demand=demand, by_distance=centre is not None)
        for v in volunteers:
            if not _within_reach(v, grid_path, centre):
                continue
            if need <= qualified[v.pk]:
                row.volunteers.append(v)
                row.capacity += capacity[v.pk]
            elif need <= declared[v.pk]:
                row.lacking_certificate.append(v)
        rows.append(row)
    rows.sort(key=lambda r: (-r.gap, r.item.code, r.grid.path))
    return rows
