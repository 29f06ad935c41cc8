"""The planned population, without a database: determinism, valid identifiers, plausible ages."""

import datetime as dt
import functools
import random

import pytest

from linli.demo.generator import street_rng
from linli.demo.plan import street_plan
from linli.demo.population import IdAllocator, adjust_to_total, community_households
from linli.privacy.identifiers import parse_id_number, parse_mobile


@functools.cache
def _people(seed: int):
    rng, ids = street_rng(seed, 1), IdAllocator()
    return tuple(
        person
        for community in street_plan(1).communities
        for household in community_households(rng, ids, community)
        for person in household.members
    )


def test_the_same_seed_gives_the_same_names_birth_dates_ids_and_tags():
    first, second = _people(7), _people.__wrapped__(7)
    assert [(p.name, p.birth_date, p.id_number, p.mobile, p.tags) for p in first] == [
        (p.name, p.birth_date, p.id_number, p.mobile, p.tags) for p in second
    ]


def test_another_seed_gives_other_people():
    first, other = _people(7), _people(8)
    assert len(first) == len(other) == 11_753
    same = sum(a.id_number == b.id_number for a, b in zip(first, other, strict=True))
    assert same < 10


def test_every_id_number_is_valid_and_agrees_with_gender_and_birth_date():
    people = _people(7)
    for person in people:
        info = parse_id_number(person.id_number)
        assert (info.gender, info.birth_date) == (person.gender, person.birth_date), person
    assert len({p.id_number for p in people}) == len(people)
    assert sum(p.id_number.startswith("330502") for p in people) > len(people) * 0.6


def test_mobiles_are_valid_and_most_adults_have_one():
    people = _people(7)
    adults = [p for p in people if p.age >= 18]
    assert all(parse_mobile(p.mobile) == p.mobile for p in people if p.mobile)
    assert not any(p.mobile for p in people if p.age < 14)
    assert sum(bool(p.mobile) for p in adults) / len(adults) > 0.8


def test_street_one_is_xilinsi_and_yema_with_their_codes():
    plan = street_plan(1)
    mixed, rural = plan.communities
    assert (plan.region.name, plan.region.code, plan.region.stats_code) == ("朝阳街道", "330502001", "330502001000")
    assert (mixed.region.name, mixed.region.stats_code, mixed.region.community_type) == ("西林寺社区", "330502001001", "mixed")
    assert (rural.region.name, rural.region.stats_code, rural.region.community_type) == ("野马村", "330502001201", "rural")
    assert street_plan(2).region.code == "330502002"
    assert street_plan(2).region.name != "朝阳街道"


def test_street_names_are_unique_across_a_hundred_streets():
    names = [street_plan(i).region.name for i in range(1, 101)]
    communities = [c.region.name for i in range(1, 101) for c in street_plan(i).communities]
    assert len(set(names)) == 100
    assert len(set(communities)) == 200


def test_adjust_to_total_hits_the_total_within_bounds():
    sizes = [3] * 100
    adjust_to_total(random.Random(1), sizes, 420)
    assert sum(sizes) == 420
    assert min(sizes) >= 1 and max(sizes) <= 6


def test_the_id_allocator_never_repeats_a_number():
    ids, rng = IdAllocator(), random.Random(3)
    numbers = [ids.allocate(rng, area="330502", birth_date=dt.date(1950, 1, 1), male=True) for _i in range(500)]
    assert len(set(numbers)) == 500
    with pytest.raises(ValueError):
        ids.allocate(rng, area="330502", birth_date=dt.date(1950, 1, 1), male=True)
