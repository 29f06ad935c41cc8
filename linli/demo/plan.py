"""The shape of the demo street: its region tree and where households live. Plain data, no writes.

Every street has the two communities of the field reports (see ``/work/shared/seeds``):

* a large mixed community like 钟埭街道西林寺社区: 22 compounds, 26 grids, 84 micro-grids, about 150
  buildings, 2,357 households and some 10,000 residents;
* a village like 曹桥街道野马村: 7 villagers' groups (one grid each), 12 natural villages (the
  micro-grids), 514 households and 1,753 people.

Codes follow the statistics codes (统计用区划代码): district 330502, street ``330502SSS``
(``330502SSS000``), community ``330502SSS001``, village ``330502SSS201``; grids, micro-grids and
buildings append ``-G01``, ``-M1`` and ``-B1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linli.demo import names
from linli.regions.models import CommunityType, Level

DISTRICT_CODE = "330502"
DISTRICT_NAME = "吴兴区"
DISTRICT_STATS_CODE = "330502000000"

MIXED_HOUSEHOLDS = 2357
MIXED_RESIDENTS = 10_000
RURAL_HOUSEHOLDS = 514
RURAL_RESIDENTS = 1_753

MIXED_GRIDS = 26
MIXED_MICROGRIDS = 84
RURAL_GROUPS = 7
RURAL_NATURAL_VILLAGES = 12

# Micro-grids and buildings per micro-grid for each kind of compound (8×5 + 7×4 + 3×3 + 7 = 84
# micro-grids; 80 + 56 + 9 + 7 = 152 buildings), and how many households a building holds relative
# to the others.
_COMPOUND_MICROGRIDS = {"commercial": 5, "relocation": 4, "urban_village": 3}
_SELF_BUILT_MICROGRIDS = (2, 2, 2, 1)
_BUILDINGS_PER_MICROGRID = {"commercial": 2, "relocation": 2, "urban_village": 1, "self_built": 1}
_HOUSEHOLD_WEIGHT = {"commercial": 16, "relocation": 18, "urban_village": 14, "self_built": 10}


@dataclass
class RegionSpec:
    code: str
    name: str
    level: int
    stats_code: str = ""
    community_type: str = ""
    children: list[RegionSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Unit:
    """A place households live in: a building of a compound, or a natural village."""

    code: str  # region code
    kind: str  # commercial, relocation, urban_village, self_built, village
    place: str  # compound or natural-village name, for addresses
    number: int  # building number within the compound (0 for a natural village)
    weight: int  # relative number of households


@dataclass
class CommunityPlan:
    region: RegionSpec
    kind: str  # "mixed" or "rural"
    units: list[Unit]
    households: int
    residents: int


@dataclass
class StreetPlan:
    index: int
    region: RegionSpec
    communities: list[CommunityPlan]


def district_spec() -> RegionSpec:
    return RegionSpec(DISTRICT_CODE, DISTRICT_NAME, Level.DISTRICT, DISTRICT_STATS_CODE)


def street_code(index: int) -> str:
    return f"{DISTRICT_CODE}{index:03d}"


def street_plan(index: int) -> StreetPlan:
    """The ``index``-th street (1-based); street 1 is 朝阳街道 with 西林寺社区 and 野马村."""
    if not 1 <= index <= 999:
        raise ValueError("street index must be between 1 and 999")
    code = street_code(index)
    street = RegionSpec(code, names.street_name(index), Level.STREET, code + "000")
    mixed = _mixed_community(code + "001", names.community_name(index))
    rural = _village(code + "201", names.village_name(index))
    street.children = [mixed.region, rural.region]
    return StreetPlan(index, street, [mixed, rural])


def _grid_sizes(total: int, grids: int) -> list[int]:
    """Spread ``total`` micro-grids over ``grids`` grids, the larger grids first (84/26 → 6×4 + 20×3)."""
    base, extra = divmod(total, grids)
    return [base + 1] * extra + [base] * (grids - extra)


def _mixed_community(code: str, name: str) -> CommunityPlan:
    community = RegionSpec(code, name, Level.COMMUNITY, code, CommunityType.MIXED)
    # The micro-grids in compound order, each with the compound it covers.
    microgrid_places: list[tuple[str, str, int]] = []  # (compound, kind, k-th micro-grid of the compound)
    self_built = iter(_SELF_BUILT_MICROGRIDS)
    for compound, kind in names.COMPOUNDS:
        count = next(self_built) if kind == "self_built" else _COMPOUND_MICROGRIDS[kind]
        microgrid_places.extend((compound, kind, k) for k in range(1, count + 1))
    assert len(microgrid_places) == MIXED_MICROGRIDS
    units: list[Unit] = []
    places = iter(microgrid_places)
    building_numbers: dict[str, int] = {}
    for g, size in enumerate(_grid_sizes(MIXED_MICROGRIDS, MIXED_GRIDS), start=1):
        grid = RegionSpec(f"{code}-G{g:02d}", f"第{names.chinese_number(g)}网格", Level.GRID)
        community.children.append(grid)
        for m in range(1, size + 1):
            compound, kind, k = next(places)
            micro = RegionSpec(f"{grid.code}-M{m}", f"{compound}第{k}微网格", Level.MICROGRID)
            grid.children.append(micro)
            for b in range(1, _BUILDINGS_PER_MICROGRID[kind] + 1):
                number = building_numbers.get(compound, 0) + 1
                building_numbers[compound] = number
                label = f"{compound}{number}幢" if kind in ("commercial", "relocation") else f"{compound}第{number}片"
                building = RegionSpec(f"{micro.code}-B{b}", label, Level.BUILDING)
                micro.children.append(building)
                units.append(Unit(building.code, kind, compound, number, _HOUSEHOLD_WEIGHT[kind]))
    return CommunityPlan(community, "mixed", units, MIXED_HOUSEHOLDS, MIXED_RESIDENTS)


def _natural_village_names(code: str) -> list[str]:
    """Twelve distinct natural-village names, chosen from the village's code (no RNG needed)."""
    seed = int(code)
    families = names.NATURAL_VILLAGE_FAMILIES
    suffixes = names.NATURAL_VILLAGE_SUFFIXES
    out: list[str] = []
    i = 0
    while len(out) < RURAL_NATURAL_VILLAGES:
        family = families[(seed + i * 7) % len(families)]
        suffix = suffixes[(seed // 7 + i * 5) % len(suffixes)]
        candidate = f"{family}家{suffix}"
        if candidate not in out:
            out.append(candidate)
        i += 1
    return out


def _village(code: str, name: str) -> CommunityPlan:
    village = RegionSpec(code, name, Level.COMMUNITY, code, CommunityType.RURAL)
    naturals = iter(_natural_village_names(code))
    units: list[Unit] = []
    for g, size in enumerate(_grid_sizes(RURAL_NATURAL_VILLAGES, RURAL_GROUPS), start=1):
        group = RegionSpec(f"{code}-G{g:02d}", f"{names.chinese_number(g)}组", Level.GRID)
        village.children.append(group)
        for m in range(1, size + 1):
            natural = next(naturals)
            micro = RegionSpec(f"{group.code}-M{m}", natural, Level.MICROGRID)
            group.children.append(micro)
            units.append(Unit(micro.code, "village", natural, 0, 1))
    return CommunityPlan(village, "rural", units, RURAL_HOUSEHOLDS, RURAL_RESIDENTS)
