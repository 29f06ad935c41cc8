"""What each persona sees of volunteers, through every door: pages, API and export.

Volunteers live in grid A1 (the persona volunteer_a's own record), grid A2 and village B's grid B1.
Staff who may list people see the volunteers of their subtree; a volunteer sees only themselves;
everyone else sees none. Outside that, a volunteer is a 404.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from linli.supply.tests.factories import make_volunteer

A1, A2, B1 = "A1", "A2", "B1"
SEES = {
    "grid_a1": {A1},
    "grid_a2": {A2},
    "community_a": {A1, A2},
    "community_b": {B1},
    "social_a": {A1, A2},
    "street": {A1, A2, B1},
    "district": {A1, A2, B1},
    "org_admin_a": set(),
    "platform": set(),
    "volunteer_a": {A1},
    "resident_a1": set(),
    "outsider": set(),
}
LISTS = {"grid_a1", "grid_a2", "community_a", "community_b", "social_a", "street", "district"}


@pytest.fixture
def volunteers(world):
    return {
        A1: make_volunteer(region=world.micro_a1, name="甲一", user=world.users["volunteer_a"]),
        A2: make_volunteer(region=world.grid_a2, name="甲二"),
        B1: make_volunteer(region=world.grid_b1, name="乙一"),
    }


@pytest.mark.parametrize("persona", sorted(SEES))
def test_detail_page_and_api_are_404_outside_the_personas_area(world, login, volunteers, persona):
    client = login(world.users[persona])
    for key, volunteer in volunteers.items():
        expected = 200 if key in SEES[persona] else 404
        assert client.get(f"/volunteers/{volunteer.pk}/").status_code == expected, (persona, key, "page")
        assert client.get(f"/api/volunteers/{volunteer.pk}").status_code == expected, (persona, key, "api")


@pytest.mark.parametrize("persona", sorted(SEES))
def test_api_list_holds_exactly_the_visible_volunteers(world, login, volunteers, persona):
    items = login(world.users[persona]).get("/api/volunteers").json()["items"]
    names = {v.name: k for k, v in volunteers.items()}
    assert {names[i["name"]] for i in items} == SEES[persona]


@pytest.mark.parametrize("persona", sorted(SEES))
def test_list_page_holds_exactly_the_visible_volunteers(world, login, volunteers, persona):
    response = login(world.users[persona]).get("/volunteers/")
    if persona not in LISTS:
        assert response.status_code == 404
        return
    names = {v.name: k for k, v in volunteers.items()}
    assert {names[v.name] for v in response.context["page"].object_list} == SEES[persona]


@pytest.mark.parametrize("persona", sorted(SEES))
def test_export_holds_exactly_the_visible_volunteers(world, login, volunteers, persona):
    response = login(world.users[persona]).get("/volunteers/export.xlsx")
    if persona not in LISTS:
        assert response.status_code == 404
        return
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    names = {v.name: k for k, v in volunteers.items()}
    assert {names[r[0]] for r in rows} == SEES[persona]
    assert all("****" in r[4] for r in rows)


def test_anonymous_visitor_is_sent_to_log_in_or_refused(client, volunteers):
    assert client.get("/volunteers/").status_code == 302
    assert client.get("/volunteers/me/").status_code == 302
    assert client.get("/api/volunteers").status_code == 401
