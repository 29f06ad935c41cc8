"""The staff list of volunteers: filters, masked mobiles, export of the filtered list, detail."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from linli.privacy.models import AccessLog
from linli.supply.tests.factories import add_certificate, make_volunteer, t


def _names(response):
    return [v.name for v in response.context["page"].object_list]


def test_list_shows_masked_mobiles_and_skills(world, login):
    make_volunteer(region=world.grid_a1, name="周敏", mobile="13912345678", skills=["meal_delivery"])
    html = login(world.users["grid_a1"]).get("/volunteers/").content.decode()
    assert "周敏" in html and "139****5678" in html and "13912345678" not in html
    assert "送餐" in html


def test_filters_by_skill_grid_insurance_and_date(world, login):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    make_volunteer(region=world.grid_a1, name="甲", skills=["visit"], insured_until=today,
                   weekly=[(0, t("09:00"), t("11:00"))])
    make_volunteer(region=world.grid_a2, name="乙", skills=["repair"])
    client = login(world.users["community_a"])
    assert _names(client.get("/volunteers/", {"skill": "visit"})) == ["甲"]
    assert _names(client.get("/volunteers/", {"grid": "330502001001-G02"})) == ["乙"]
    assert _names(client.get("/volunteers/", {"insured": "no"})) == ["乙"]
    assert _names(client.get("/volunteers/", {"available_on": monday.isoformat()})) == ["甲"]
    assert _names(client.get("/volunteers/", {"grid": "330502001201-G01"})) == ["甲", "乙"]  # not theirs: ignored


def test_export_respects_the_filters_and_is_logged(world, login):
    v = make_volunteer(region=world.grid_a1, name="甲", skills=["food_handling"])
    add_certificate(v, "health_certificate", valid_until=dt.date(2030, 6, 30))
    make_volunteer(region=world.grid_a2, name="乙", skills=["repair"])
    response = login(world.users["community_a"]).get("/volunteers/export.xlsx", {"certificate": "health_certificate"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["甲"]
    assert rows[1][5] == "食品加工"
    assert rows[1][9] == "健康证 2030-06-30"
    log = AccessLog.objects.get()
    assert (log.action, log.count, log.actor) == ("export", 1, world.users["community_a"])


def test_detail_shows_times_certificates_and_the_missing_certificate(world, login):
    v = make_volunteer(region=world.grid_a1, name="甲", skills=["electrical"], weekly=[(2, t("14:00"), t("16:00"))])
    html = login(world.users["grid_a1"]).get(f"/volunteers/{v.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wednesday 14:00–16:00" in html
    assert "Needs a valid certificate:" in html and "Electrician" in html
