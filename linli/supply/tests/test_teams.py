"""Volunteer teams such as 银龄互助团: created by workers of the area, members join once."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.errors import DomainError
from linli.supply.services import team_add_member, team_create
from linli.supply.tests.factories import make_volunteer


def test_team_is_created_with_its_leader_as_first_member(world):
    leader = make_volunteer(region=world.grid_a1, name="王阿姨")
    team = team_create(user=world.users["community_a"], name=" 银龄互助团 ", region=world.community_a, leader=leader)
    assert (team.name, team.leader) == ("银龄互助团", leader)
    assert list(team.members.all()) == [leader]


def test_member_joins_once_and_a_volunteer_who_left_cannot_join(world):
    team = team_create(user=world.users["community_a"], name="银龄互助团", region=world.community_a)
    volunteer = make_volunteer(region=world.grid_a2)
    membership = team_add_member(team=team, volunteer=volunteer, joined_on=dt.date(2026, 3, 1))
    assert membership.joined_on == dt.date(2026, 3, 1)
    with pytest.raises(DomainError) as exc:
        team_add_member(team=team, volunteer=volunteer)
    assert exc.value.code == "already_member"
    with pytest.raises(DomainError) as exc:
        team_add_member(team=team, volunteer=make_volunteer(region=world.grid_a2, status="left"))
    assert exc.value.code == "volunteer_left"
    assert team.members.count() == 1


def test_team_outside_the_workers_area_or_with_a_taken_name_is_refused(world):
    with pytest.raises(DomainError) as exc:
        team_create(user=world.users["community_a"], name="野马村巡逻队", region=world.community_b)
    assert exc.value.code == "region_out_of_scope"
    team_create(user=world.users["community_a"], name="巡逻队", region=world.community_a)
    with pytest.raises(DomainError) as exc:
        team_create(user=world.users["community_a"], name="巡逻队", region=world.community_a)
    assert exc.value.code == "team_name_taken"


def test_team_pages_are_scoped(world, login):
    member = make_volunteer(region=world.grid_a1, name="王阿姨", user=world.users["volunteer_a"])
    team = team_create(user=world.users["community_a"], name="银龄互助团", region=world.community_a, leader=member)
    assert login(world.users["community_a"]).get("/volunteers/teams/").context["teams"][0] == team
    assert "王阿姨" in login(world.users["volunteer_a"]).get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert login(world.users["community_b"]).get(f"/volunteers/teams/{team.pk}/").status_code == 404
    assert list(login(world.users["community_b"]).get("/volunteers/teams/").context["teams"]) == []
