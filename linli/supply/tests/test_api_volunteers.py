"""Volunteers over the API: the skills vocabulary, registration, own profile and times, the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.tests.test_openapi import assert_shape
from linli.supply.tests.factories import add_certificate, make_volunteer, t

MON = dt.date(2026, 11, 23)
pytestmark = pytest.mark.clock("2026-11-20T10:00:00+08:00")  # the Friday before MON


def test_skills_vocabulary_has_stable_codes_and_certificate_gates(world, login):
    body = login(world.users["outsider"]).get("/api/skills", HTTP_ACCEPT_LANGUAGE="en").json()
    by_code = {s["code"]: s for s in body}
    assert len(body) >= 25
    assert by_code["meal_delivery"]["name_zh"] == "送餐"
    assert by_code["meal_delivery"]["needs_certificate"] is None
    assert by_code["food_handling"]["needs_certificate"] == {"code": "health_certificate", "name": "Health certificate (food handling)"}
    assert by_code["electrical"]["needs_certificate"]["code"] == "electrician"
    assert by_code["driving"]["needs_certificate"]["code"] == "driving_licence"
    assert_shape("SkillOut", body[0])


def test_resident_registers_and_reads_the_own_profile(world, login):
    client = login(world.users["resident_a1"])
    response = client.post("/api/volunteers/register", {"skills": ["visit"], "max_km": 1.2, "name": "忽略"},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["mobile_masked"], body["region"]["code"]) == ("张秀英", "138****1234", "330502001001-G01-M1")
    assert (body["max_km"], body["on_resident_register"]) == (1.2, True)
    assert_shape("VolunteerDetailOut", body)
    again = client.post("/api/volunteers/register", {}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (400, "volunteer_already_registered")
    assert client.get("/api/volunteers/me").json()["id"] == body["id"]


def test_registration_errors_name_the_field(world, login):
    client = login(world.users["outsider"])
    response = client.post("/api/volunteers/register", {
        "name": "赵六", "gender": "M", "birth_date": "1990-01-01", "region": "330502001001-G01", "daily_capacity": 0,
    }, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"code": "daily_capacity_range", "message": "Services per day is between 1 and 20",
                               "field": "daily_capacity"}


def test_profile_and_availability_are_replaced(world, login):
    make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"], weekly=[(4, t("09:00"), t("10:00"))])
    client = login(world.users["volunteer_a"])
    body = client.put("/api/volunteers/me", {"skills": ["meal_delivery", "food_handling"], "max_km": 3, "daily_capacity": 5,
                                             "insurer": "人保", "insurance_valid_until": "2030-12-31"},
                      content_type="application/json").json()
    assert [s["code"] for s in body["skills"]] == ["meal_delivery", "food_handling"]
    assert body["qualified_skills"] == ["meal_delivery"]
    assert (body["insured"], body["insured_until"]) == (True, "2030-12-31")
    body = client.put("/api/volunteers/me/availability", {
        "weekly": [{"weekday": 0, "start": "10:00", "end": "13:00"}],
        "exceptions": [{"date": "2026-11-30", "available": False}],
    }, content_type="application/json").json()
    assert body["weekly"] == [{"weekday": 0, "start": "10:00:00", "end": "13:00:00"}]
    slots = client.get("/api/volunteers/me/slots?start=2026-11-23&end=2026-11-30").json()
    assert slots == [{"start": "2026-11-23T10:00:00+08:00", "end": "2026-11-23T13:00:00+08:00"}]


def test_overlapping_times_over_the_api_change_nothing(world, login):
    volunteer = make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"], weekly=[(4, t("09:00"), t("10:00"))])
    response = login(world.users["volunteer_a"]).put("/api/volunteers/me/availability", {
        "weekly": [{"weekday": 1, "start": "09:00", "end": "11:00"}, {"weekday": 1, "start": "10:00", "end": "12:00"}],
    }, content_type="application/json")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (400, "availability_overlap", "weekly.0")
    assert volunteer.weekly.count() == 1


def test_not_registered_is_404(world, login):
    response = login(world.users["resident_a1"]).get("/api/volunteers/me")
    assert response.status_code == 404


def test_list_filters(world, login):
    today = timezone.localdate()
    a = make_volunteer(region=world.grid_a1, name="会送餐", skills=["meal_delivery"], insured_until=today,
                       weekly=[(MON.weekday(), t("09:00"), t("10:00"))])
    b = make_volunteer(region=world.grid_a2, name="会做饭", skills=["food_handling"],
                       exceptions=[(MON, t("18:00"), t("19:00"), True)])
    add_certificate(b, "health_certificate", valid_until=today)
    c = make_volunteer(region=world.grid_a2, name="请假了", skills=["meal_delivery"],
                       weekly=[(MON.weekday(), t("09:00"), t("10:00"))], exceptions=[(MON, None, None, False)])
    make_volunteer(region=world.grid_a1, name="已离开", skills=["meal_delivery"], status="left")
    client = login(world.users["community_a"])

    def names(query):
        return [v["name"] for v in client.get("/api/volunteers" + query).json()["items"]]

    assert names("") == [a.name, b.name, c.name]
    assert names("?skill=meal_delivery") == [a.name, c.name]
    assert names("?region=330502001001-G02") == [b.name, c.name]
    assert names("?available_on=2026-11-23") == [a.name, b.name]
    assert names("?insured=true") == [a.name]
    assert names("?insured=false") == [b.name, c.name]
    assert names("?certificate=health_certificate") == [b.name]
    assert names("?q=会") == [a.name, b.name]
    assert names(f"?q={a.mobile}") == [a.name]
    assert client.get("/api/volunteers?skill=flying").json()["code"] == "unknown_skill"
    item = client.get("/api/volunteers").json()["items"][0]
    assert_shape("VolunteerOut", item)
    assert item["mobile_masked"] == a.mobile[:3] + "****" + a.mobile[-4:]
