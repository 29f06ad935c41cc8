"""Households and residents of a demo community, drawn from one ``random.Random``. Plain data.

The people are built household by household from a few family shapes (an old woman living alone,
an empty-nest couple, three generations under one roof, migrant workers sharing a rented flat), so
the target-group tags follow from the household rather than being sprinkled at random: 独居老人
are the old people living alone, 空巢老人 the old couples on their own, 留守儿童 the children living
with grandparents in the village.

Everything depends only on the generator passed in and the fixed ``REFERENCE_DATE``, never on
today's date, so the same seed gives the same names, birth dates, ID numbers and tags.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from linli.demo import names
from linli.demo.plan import CommunityPlan, Unit
from linli.privacy.identifiers import id_check_digit

REFERENCE_DATE = dt.date(2026, 1, 1)  # ages are drawn as of this day
HOME_AREA = "330502"  # 湖州市吴兴区
ZHEJIANG_AREAS = ("330503", "330521", "330522", "330523", "330102", "330481", "330482", "330621")
OTHER_PROVINCE_AREAS = (
    "341221", "341222", "341225", "341321", "340123",  # 安徽 临泉 太和 阜南 砀山 肥西
    "411424", "411523", "412722",  # 河南
    "360730", "362430",  # 江西
    "511623", "511725",  # 四川
    "520527", "522428",  # 贵州
    "421127", "530627",  # 湖北 云南
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)

DISABILITY_TAGS = (  # share of each category among disabled people (Second national sample survey, 2006)
    ("disability-physical", 29), ("disability-hearing", 24), ("disability-multiple", 16),
    ("disability-visual", 15), ("disability-mental", 7), ("disability-intellectual", 7),
    ("disability-speech", 2),
)
DISABILITY_GRADES = ((1, 10), (2, 20), (3, 30), (4, 40))


@dataclass(slots=True)
class Person:
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    mobile: str
    residence: str
    relation: str
    tags: list[tuple[str, int | None, dt.date | None]] = field(default_factory=list)

    @property
    def age(self) -> int:
        b, r = self.birth_date, REFERENCE_DATE
        return r.year - b.year - ((r.month, r.day) < (b.month, b.day))


@dataclass(slots=True)
class HouseholdPlan:
    number: str
    unit: Unit
    address: str
    shape: str
    members: list[Person]


# --- household sizes and shapes -----------------------------------------------------------------

# Household size distribution: a mixed community has many one- and two-person old households and
# many crowded ones (three generations, migrant workers renting together); the village is smaller.
_SIZES = {
    "mixed": ((1, 11), (2, 15), (3, 8), (4, 12), (5, 19), (6, 35)),
    "rural": ((1, 11), (2, 24), (3, 20), (4, 20), (5, 15), (6, 10)),
}
# Family shapes by size: (shape, weight in the mixed community, weight in the village).
_SHAPES: dict[int, tuple[tuple[str, int, int], ...]] = {
    1: (("elder_alone", 72, 70), ("single_adult", 28, 30)),
    2: (("elder_couple", 52, 50), ("young_couple", 15, 8), ("middle_couple", 14, 18),
        ("parent_child", 8, 6), ("elder_with_child", 11, 18)),
    3: (("nuclear", 50, 40), ("couple_adult_child", 37, 30), ("grandparents_child", 5, 25), ("shared", 8, 5)),
    4: (("nuclear", 25, 20), ("three_generations", 45, 45), ("couple_adult_child", 20, 30), ("shared", 10, 5)),
    5: (("three_generations", 83, 85), ("nuclear", 5, 5), ("shared", 12, 10)),
    6: (("three_generations", 77, 80), ("four_generations", 8, 12), ("shared", 15, 8)),
}
# Residence status of a household (registered here, living here with hukou elsewhere, floating).
_RESIDENCE = {"mixed": (("registered", 71), ("resident", 25), ("floating", 4)),
              "rural": (("registered", 86), ("resident", 9), ("floating", 5))}
_ELDER_BANDS = ((60, 28), (65, 26), (70, 20), (75, 14), (80, 13), (85, 7), (90, 3))


def _weighted(rng: random.Random, pairs) -> object:
    values = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(values, weights)[0]


def adjust_to_total(rng: random.Random, sizes: list[int], total: int, *, low: int = 1, high: int = 6) -> None:
    """Nudge random entries of ``sizes`` by one (staying within ``low..high``) until they sum to ``total``."""
    diff = total - sum(sizes)
    if not low * len(sizes) <= total <= high * len(sizes):
        raise ValueError("total out of reach")
    step = 1 if diff > 0 else -1
    while diff:
        i = rng.randrange(len(sizes))
        if low <= sizes[i] + step <= high:
            sizes[i] += step
            diff -= step


def elder_age(rng: random.Random, minimum: int = 60) -> int:
    bands = [(start, w) for start, w in _ELDER_BANDS if start + 4 >= minimum]
    start = _weighted(rng, bands)
    top = 99 if start == 90 else start + 4
    return rng.randint(max(start, minimum), top)


# --- identifiers --------------------------------------------------------------------------------


class IdAllocator:
    """Hands out valid, never repeated ID numbers (GB 11643) across a whole demo run.

    Within an area code, a birth date and a gender there are 500 sequence numbers; numbers of the
    home district are tracked in a bitmap (some 6 MB for a million residents), others in a set.
    """

    _EPOCH = dt.date(1900, 1, 1).toordinal()

    def __init__(self, home_area: str = HOME_AREA) -> None:
        self.home_area = home_area
        self._home = bytearray((dt.date(2100, 1, 1).toordinal() - self._EPOCH) * 1000 // 8 + 1)
        self._others: set[tuple[str, int]] = set()

    def _taken(self, area: str, key: int) -> bool:
        if area == self.home_area:
            byte, bit = divmod(key, 8)
            if self._home[byte] >> bit & 1:
                return True
            self._home[byte] |= 1 << bit
            return False
        if (area, key) in self._others:
            return True
        self._others.add((area, key))
        return False

    def allocate(self, rng: random.Random, *, area: str, birth_date: dt.date, male: bool) -> str:
        day = birth_date.toordinal() - self._EPOCH
        parity = 1 if male else 0
        for attempt in range(50 + 500):  # random numbers first, then any free one
            seq = rng.randrange(500) * 2 + parity if attempt < 50 else (attempt - 50) * 2 + parity
            if not self._taken(area, day * 1000 + seq):
                first17 = f"{area}{birth_date:%Y%m%d}{seq:03d}"
                return first17 + id_check_digit(first17)
        raise ValueError(f"no ID number left for {area} {birth_date}")


# --- people -------------------------------------------------------------------------------------


class PeopleFactory:
    """Draws people and households for one community from ``rng``."""

    def __init__(self, rng: random.Random, ids: IdAllocator, *, kind: str) -> None:
        self.rng = rng
        self.ids = ids
        self.kind = kind

    # names

    def surname(self, *, migrant: bool = False) -> str:
        return _weighted(self.rng, names.MIGRANT_SURNAMES if migrant else names.SURNAMES)

    def given_name(self, gender: str, birth_year: int) -> str:
        for upper, pools in names.GIVEN_NAMES:
            if birth_year < upper:
                return self.rng.choice(pools[gender])
        raise AssertionError("unreachable")

    # one person

    def person(self, *, age: int, gender: str, surname: str, relation: str, residence: str, area: str) -> Person:
        rng = self.rng
        age = max(0, min(age, 102))
        birth = REFERENCE_DATE - dt.timedelta(days=age * 365 + age // 4 + rng.randrange(1, 365))
        id_number = self.ids.allocate(rng, area=area, birth_date=birth, male=gender == "M")
        if age >= 18:
            has_mobile = rng.random() < (0.95 if age < 70 else 0.8 if age < 80 else 0.55)
        else:
            has_mobile = age >= 14 and rng.random() < 0.4
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}" if has_mobile else ""
        return Person(
            name=surname + self.given_name(gender, birth.year), gender=gender, birth_date=birth,
            id_number=id_number, mobile=mobile, residence=residence, relation=relation,
        )

    def child_gender(self) -> str:
        return "M" if self.rng.random() < 0.515 else "F"

    # households

    def household(self, size: int, shape: str, residence: str) -> list[Person]:
        rng = self.rng
        migrant = residence == "floating"
        area = self._area(residence)
        family = self.surname(migrant=migrant)

        def make(age, gender, relation, surname=family, who_area=area):
            return self.person(age=age, gender=gender, surname=surname, relation=relation,
                               residence=residence, area=who_area)

        def spouse_of(p_age: int, p_gender: str, relation: str = "配偶") -> Person:
            gap = rng.randint(0, 4)
            age = p_age - gap if p_gender == "M" else p_age + gap
            return make(max(age, 20), "F" if p_gender == "M" else "M", relation, self.surname(migrant=migrant))

        def children(parent_age: int, count: int, *, adult: bool = False) -> list[Person]:
            out = []
            for _i in range(count):
                if adult:
                    age = max(18, parent_age - rng.randint(24, 32))
                else:
                    age = min(17, max(0, parent_age - rng.randint(24, 38)))
                gender = self.child_gender()
                out.append(make(age, gender, "子" if gender == "M" else "女"))
            return out

        head_gender = "M" if rng.random() < 0.75 else "F"
        if shape == "elder_alone":
            gender = "F" if rng.random() < 0.68 else "M"  # women outlive men
            return [make(elder_age(rng), gender, "户主")]
        if shape == "single_adult":
            return [make(rng.randint(20, 58), head_gender, "户主")]
        if shape == "elder_couple":
            head = make(elder_age(rng, 62), "M", "户主")
            return [head, spouse_of(head.age, "M")]
        if shape == "young_couple":
            head = make(rng.randint(23, 36), "M", "户主")
            return [head, spouse_of(head.age, "M")]
        if shape == "middle_couple":
            head = make(rng.randint(45, 59), "M", "户主")
            return [head, spouse_of(head.age, "M")]
        if shape == "parent_child":
            head = make(rng.randint(28, 48), head_gender, "户主")
            return [head, *children(head.age, 1)]
        if shape == "elder_with_child":
            head = make(elder_age(rng, 65), head_gender, "户主")
            return [head, *children(head.age, 1, adult=True)]
        if shape == "nuclear":
            head = make(rng.randint(27, 50), "M", "户主")
            return [head, spouse_of(head.age, "M"), *children(head.age, size - 2)]
        if shape == "couple_adult_child":
            head = make(rng.randint(48, 66), "M", "户主")
            return [head, spouse_of(head.age, "M"), *children(head.age, size - 2, adult=True)]
        if shape == "grandparents_child":
            head = make(rng.randint(55, 74), "M", "户主")
            grandchild_gender = self.child_gender()
            grandchild = make(rng.randint(3, 15), grandchild_gender, "孙子" if grandchild_gender == "M" else "孙女")
            return [head, spouse_of(head.age, "M"), grandchild]
        if shape in ("three_generations", "four_generations"):
            return self._generations(size, shape, make, spouse_of)
        if shape == "shared":
            return self._shared(size, residence)
        raise ValueError(shape)

    def _generations(self, size: int, shape: str, make, spouse_of) -> list[Person]:
        """Grandparents at the head, their child with a spouse, and grandchildren."""
        rng = self.rng
        grandchildren = {4: 1, 5: 1, 6: 2}[size] if shape == "three_generations" else 1
        if shape == "three_generations" and size == 4:
            grandparents = 1
        elif shape == "three_generations" and size == 6:
            grandparents = 2
        else:
            grandparents = 2
        if grandparents == 1:  # a widowed parent, usually old, living with a child's family
            grand_age = elder_age(rng, 68)
            parent_age = grand_age - rng.randint(24, 32)
            child_age = max(0, parent_age - rng.randint(24, 34))
        else:
            child_age = rng.randint(0, 22)
            parent_age = child_age + rng.randint(22, 30)
            grand_age = parent_age + rng.randint(20, 27)
        members: list[Person] = []
        if shape == "four_generations":
            great = make(min(grand_age + rng.randint(22, 28), 100), "F", "户主")
            members.append(great)
            head = make(grand_age, "M", "子")
            members.extend([head, spouse_of(grand_age, "M", "儿媳")])
            son = make(parent_age, "M", "孙子")
            members.extend([son, spouse_of(parent_age, "M", "孙媳")])
            gender = self.child_gender()
            members.append(make(child_age, gender, "曾孙子" if gender == "M" else "曾孙女"))
            return members[:size]
        head_gender = "M" if grandparents == 2 or rng.random() < 0.35 else "F"
        head = make(grand_age, head_gender, "户主")
        members.append(head)
        if grandparents == 2:
            members.append(spouse_of(grand_age, head_gender))
        son = rng.random() < 0.8
        parent = make(parent_age, "M" if son else "F", "子" if son else "女")
        members.append(parent)
        in_law = spouse_of(parent_age, parent.gender, "儿媳" if son else "女婿")
        members.append(in_law)
        family = parent.name[0] if son else in_law.name[0]
        if grandchildren == 2 and rng.random() < 0.5:
            # an unmarried younger sibling of the parent instead of a second grandchild
            grandchildren = 1
            gender = self.child_gender()
            members.append(make(max(18, parent_age - rng.randint(2, 12)), gender, "子" if gender == "M" else "女"))
        for i in range(grandchildren):
            age = max(0, child_age - i * rng.randint(2, 6))
            gender = self.child_gender()
            members.append(make(age, gender, "孙子" if gender == "M" else "孙女", family))
        return members

    def _shared(self, size: int, residence: str) -> list[Person]:
        """Migrant workers sharing a rented flat: unrelated adults, each with their own hukou."""
        rng = self.rng
        out = []
        for i in range(size):
            gender = "M" if rng.random() < 0.6 else "F"
            out.append(self.person(
                age=rng.randint(18, 48), gender=gender, surname=self.surname(migrant=True),
                relation="户主" if i == 0 else "其他", residence=residence,
                area=rng.choice(OTHER_PROVINCE_AREAS),
            ))
        return out

    def _area(self, residence: str) -> str:
        if residence == "registered":
            return HOME_AREA
        if residence == "resident":
            return self.rng.choice(ZHEJIANG_AREAS) if self.rng.random() < 0.6 else self.rng.choice(OTHER_PROVINCE_AREAS)
        return self.rng.choice(OTHER_PROVINCE_AREAS)


# --- target groups ------------------------------------------------------------------------------


def _since(rng: random.Random, start_year: int = 2012) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randrange(start, REFERENCE_DATE.toordinal()))


def assign_tags(rng: random.Random, household: HouseholdPlan, *, kind: str) -> None:
    """Give the household's members the target-group tags their situation implies."""
    members = household.members
    shape = household.shape
    registered = members[0].residence == "registered"
    for p in members:
        age = p.age
        tags = p.tags
        if age >= 80:
            eightieth = dt.date(p.birth_date.year + 80, p.birth_date.month, min(p.birth_date.day, 28))
            tags.append(("elderly-advanced-age", None, eightieth))
        if age >= 60:
            if shape == "elder_alone":
                tags.append(("elderly-living-alone", None, _since(rng)))
            elif shape == "elder_couple":
                tags.append(("elderly-empty-nest", None, _since(rng)))
            if kind == "rural" and shape in ("elder_alone", "elder_couple") and rng.random() < 0.45:
                tags.append(("elderly-left-behind", None, _since(rng)))
            if rng.random() < (0.02 if age < 80 else 0.12):
                tags.append(("elderly-disabled", None, _since(rng)))
            if shape in ("elder_alone", "elder_couple") and rng.random() < 0.02:
                tags.append(("elderly-bereaved-parent", None, _since(rng)))
        disability_rate = 0.012 if age < 18 else 0.033 if age < 45 else 0.07 if age < 60 else 0.125 if age < 80 else 0.24
        if rng.random() < disability_rate:
            tags.append((_weighted(rng, DISABILITY_TAGS), _weighted(rng, DISABILITY_GRADES), _since(rng, 2000)))
        if age < 18:
            if shape == "grandparents_child":
                tags.append(("child-left-behind", None, _since(rng, 2020)))
            roll = rng.random()
            if roll < 0.012:
                tags.append(("child-in-difficulty", None, _since(rng, 2018)))
            elif roll < 0.015:
                tags.append(("child-unsupported", None, _since(rng, 2019)))
            elif roll < 0.0165:
                tags.append(("child-orphan", None, _since(rng, 2010)))
        if 22 <= age <= 80 and rng.random() < (0.04 if p.gender == "M" else 0.002):
            tags.append(("veteran", None, _since(rng, 1975)))
            if rng.random() < 0.2:
                tags.append(("entitled-group", None, _since(rng, 2000)))
        if p.residence == "floating":
            tags.append(("migrant", None, _since(rng, 2018)))
        if age >= 18:
            roll = rng.random()
            if roll < 0.004:
                tags.append(("special-severe-mental", None, _since(rng, 2010)))
            elif age < 60 and roll < 0.0052:
                tags.append(("special-released", None, _since(rng, 2010)))
            elif age < 60 and roll < 0.0057:
                tags.append(("special-community-correction", None, _since(rng, 2024)))
            elif age < 60 and roll < 0.0060:
                tags.append(("special-drug", None, _since(rng, 2015)))
    if registered:
        _hardship(rng, household)


def _hardship(rng: random.Random, household: HouseholdPlan) -> None:
    """Social assistance is decided per household, for households registered here."""
    members = household.members
    severe = any(code.startswith("disability-") and (grade or 4) <= 2 for p in members for code, grade, _s in p.tags)
    alone = household.shape == "elder_alone"
    roll = rng.random()
    if alone and (severe or rng.random() < 0.1):
        members[0].tags.append(("hardship-tekun", None, _since(rng)))
        return
    if roll < (0.08 if severe else 0.045 if alone else 0.017):
        code = "hardship-dibao"
    elif roll < (0.13 if severe else 0.08 if alone else 0.035):
        code = "hardship-dibao-edge"
    elif roll < 0.039:
        code = "hardship-expenditure"
    else:
        return
    since = _since(rng)
    for p in members:
        p.tags.append((code, None, since))


# --- a community --------------------------------------------------------------------------------


def _spread(rng: random.Random, units: list[Unit], total: int) -> list[int]:
    """How many households each unit holds: proportional to its weight, remainders at random."""
    weight = sum(u.weight for u in units)
    counts = [total * u.weight // weight for u in units]
    for i in rng.sample(range(len(units)), total - sum(counts)):
        counts[i] += 1
    return counts


def _address(rng: random.Random, unit: Unit, index: int) -> str:
    if unit.kind in ("commercial", "relocation"):
        floors = 11 if unit.kind == "commercial" else 6
        unit_no, rest = divmod(index, floors * 2)
        floor, room = divmod(rest, 2)
        return f"{unit.number}幢{unit_no + 1}单元{floor + 1}{room + 1:02d}室"
    return f"{unit.place}{index * 2 + rng.randint(1, 2)}号"


def community_households(rng: random.Random, ids: IdAllocator, plan: CommunityPlan) -> list[HouseholdPlan]:
    """All households of a community with their members and tags (exactly ``plan.residents`` people)."""
    kind = plan.kind
    sizes = [_weighted(rng, _SIZES[kind]) for _i in range(plan.households)]
    adjust_to_total(rng, sizes, plan.residents)
    factory = PeopleFactory(rng, ids, kind=kind)
    counts = _spread(rng, plan.units, plan.households)
    slots = [(unit, i) for unit, count in zip(plan.units, counts, strict=True) for i in range(count)]
    households: list[HouseholdPlan] = []
    for n, (size, (unit, index)) in enumerate(zip(sizes, slots, strict=True), start=1):
        shapes = _SHAPES[size]
        shape = _weighted(rng, [(s, w_mixed if kind == "mixed" else w_rural) for s, w_mixed, w_rural in shapes])
        residence = "floating" if shape == "shared" else _weighted(rng, _RESIDENCE[kind])
        if residence == "floating" and shape.startswith("elder"):
            residence = "resident"
        members = factory.household(size, shape, residence)
        household = HouseholdPlan(f"{plan.region.code}-{n:05d}", unit, _address(rng, unit, index), shape, members)
        assign_tags(rng, household, kind=kind)
        households.append(household)
    return households
