"""The volunteer's own pages: 成为志愿者 and the profile with skills, times and certificates."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from linli.supply.models import Volunteer
from linli.supply.tests.factories import add_certificate, make_volunteer, t
from linli.testing import make_user


def _availability_post(rows, exceptions=()):
    data = {"do": "availability", "weekly-TOTAL_FORMS": str(len(rows)), "weekly-INITIAL_FORMS": "0",
            "exceptions-TOTAL_FORMS": str(len(exceptions)), "exceptions-INITIAL_FORMS": "0"}
    for i, (day, start, end) in enumerate(rows):
        data.update({f"weekly-{i}-weekday": str(day), f"weekly-{i}-start": start, f"weekly-{i}-end": end})
    for i, (date, kind, start, end) in enumerate(exceptions):
        data.update({f"exceptions-{i}-date": date, f"exceptions-{i}-kind": kind,
                     f"exceptions-{i}-start": start, f"exceptions-{i}-end": end})
    return data


def test_resident_sees_the_record_and_registers_with_skills(world, login):
    client = login(world.users["resident_a1"])
    page = client.get(reverse("volunteers:register"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "张秀英" in html and "138****1234" in html
    assert 'name="name"' not in html and 'name="mobile"' not in html
    response = client.post(reverse("volunteers:register"), {"skills": ["visit", "shopping"], "max_km": "1.5", "daily_capacity": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:me")
    volunteer = Volunteer.objects.get(user=world.users["resident_a1"])
    assert (volunteer.name, volunteer.resident, str(volunteer.max_km)) == ("张秀英", world.resident_a1, "1.5")


def test_registration_page_of_a_registered_volunteer_leads_to_the_profile(world, login):
    make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"])
    response = login(world.users["volunteer_a"]).get(reverse("volunteers:register"))
    assert response["Location"] == reverse("volunteers:me")


def test_registration_shows_the_services_message_next_to_the_field(world, login):
    client = login(make_user("walker"))
    response = client.post(reverse("volunteers:register"), {
        "name": "赵六", "gender": "M", "birth_date": "1990-01-01", "region": world.grid_a1.code,
        "max_km": "80", "daily_capacity": "3",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["max_km"] == ["The maximum distance is between 0.1 and 50 km"]
    assert Volunteer.objects.count() == 0


def test_profile_page_needs_a_registration(world, login):
    response = login(world.users["volunteer_a"]).get(reverse("volunteers:me"))
    assert response["Location"] == reverse("volunteers:register")


def test_profile_shows_expired_certificate_and_insurance_in_red(world, login):
    volunteer = make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"], skills=["food_handling"],
                               insured_until=timezone.localdate() - dt.timedelta(days=3))
    add_certificate(volunteer, "health_certificate", valid_until=dt.date(2020, 1, 1))
    html = login(world.users["volunteer_a"]).get(reverse("volunteers:me")).content.decode()
    assert html.count('class="overdue"') == 2
    assert "健康证" in html


def test_profile_saves_skills_and_reach(world, login):
    volunteer = make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"], skills=["visit"])
    response = login(world.users["volunteer_a"]).post(reverse("volunteers:me"), {
        "do": "profile", "skills": ["repair", "patrol"], "max_km": "3.5", "daily_capacity": "4", "mobile": "13912345678",
    })
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert sorted(volunteer.skills.values_list("code", flat=True)) == ["patrol", "repair"]
    assert (str(volunteer.max_km), volunteer.daily_capacity, volunteer.mobile) == ("3.5", 4, "13912345678")


def test_weekly_grid_and_exceptions_are_saved(world, login):
    volunteer = make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"])
    response = login(world.users["volunteer_a"]).post(reverse("volunteers:me"), _availability_post(
        [(0, "09:00", "11:00"), (0, "14:00", "16:00"), (5, "08:30", "10:00")],
        [("2026-12-24", "away_day", "", ""), ("2026-12-26", "extra", "19:00", "20:00")],
    ))
    assert response.status_code == 302
    assert [(w.weekday, w.start) for w in volunteer.weekly.order_by("weekday", "start")] == [
        (0, t("09:00")), (0, t("14:00")), (5, t("08:30")),
    ]
    assert [(e.date.day, e.start, e.available) for e in volunteer.exceptions.order_by("date")] == [
        (24, None, False), (26, t("19:00"), True),
    ]


def test_overlapping_rows_are_refused_on_the_row(world, login):
    make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"], weekly=[(1, t("09:00"), t("10:00"))])
    response = login(world.users["volunteer_a"]).post(
        reverse("volunteers:me"), _availability_post([(0, "09:00", "11:00"), (0, "10:00", "12:00")]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Two service times of the same weekday overlap" in response.content.decode()
    assert Volunteer.objects.get().weekly.count() == 1


def test_end_before_start_is_shown_on_the_end_field(world, login):
    make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"])
    response = login(world.users["volunteer_a"]).post(
        reverse("volunteers:me"), _availability_post([(2, "11:00", "09:00")]), HTTP_ACCEPT_LANGUAGE="en",
    )
    row = response.context["weekly_formset"].forms[0]
    assert row.errors["end"] == ["The end time must be after the start time"]


def test_certificate_is_added_and_removed(world, login):
    volunteer = make_volunteer(region=world.grid_a1, user=world.users["volunteer_a"])
    client = login(world.users["volunteer_a"])
    client.post(reverse("volunteers:me"), {"do": "certificate", "kind": "health_certificate", "number": "JK-9",
                                           "valid_until": "2030-01-01"})
    cert = volunteer.certificates.get()
    assert (cert.kind.code, cert.number, cert.valid_until) == ("health_certificate", "JK-9", dt.date(2030, 1, 1))
    other = add_certificate(make_volunteer(region=world.grid_a1), "teacher")
    assert client.post(reverse("volunteers:certificate_delete", args=[other.pk])).status_code == 404
    assert client.post(reverse("volunteers:certificate_delete", args=[cert.pk])).status_code == 302
    assert volunteer.certificates.count() == 0
