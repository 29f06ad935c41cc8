"""The volunteer list page and endpoint cost the same number of queries for 3 or 30 volunteers."""

from __future__ import annotations

import pytest

from linli.supply.tests.factories import add_certificate, make_volunteer, t

# session, user, memberships (scope), grids, skills, certificate kinds, count, page, skills, certificates
PAGE_QUERIES = 10
# session, user, the skill filter, memberships (scope), count, page, skills, certificates
API_QUERIES = 8


def _many(world, n):
    for i in range(n):
        v = make_volunteer(region=world.grid_a1 if i % 2 else world.grid_a2, skills=["visit", "food_handling"],
                           weekly=[(i % 7, t("09:00"), t("10:00"))])
        add_certificate(v, "health_certificate")


@pytest.mark.parametrize("n", [3, 30])
def test_list_page_queries_are_pinned(world, login, django_assert_num_queries, n):
    _many(world, n)
    client = login(world.users["community_a"])
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get("/volunteers/?skill=visit")
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [3, 30])
def test_list_api_queries_are_pinned(world, login, django_assert_num_queries, n):
    _many(world, n)
    client = login(world.users["community_a"])
    with django_assert_num_queries(API_QUERIES):
        response = client.get("/api/volunteers?skill=visit")
    assert response.json()["count"] == n
