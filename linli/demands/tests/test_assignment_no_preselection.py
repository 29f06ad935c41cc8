"""Assigning a demand: no unit is chosen in advance, so a stray click sends a demand nowhere."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from linli.demands.models import Demand
from linli.demands.tests.factories import submit


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return match.group(0)


def test_the_unit_list_on_a_demand_starts_at_choose_and_nothing_is_selected(world, login):
    d = submit(world, item="1001", description="需要打扫")
    client = login(world.users["community_a"])
    with translation.override("zh-hans"):
        html = client.get(reverse("demands:detail", args=[d.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    select = _select(html, "assignee_org")
    assert " required" in select.split(">")[0]
    assert re.findall(r"<option[^>]*>[^<]*</option>", select)[0] == '<option value="" selected>请选择</option>'
    assert select.count("selected") == 1


def test_a_reassignment_does_not_preselect_the_current_unit(world, login):
    d = submit(world, item="1001", description="需要打扫")
    client = login(world.users["community_a"])
    client.post(reverse("demands:transition", args=[d.pk]), {"action": "assign", "assignee_org": world.org_a.pk,
                                                              "version": d.version})
    html = client.get(reverse("demands:detail", args=[d.pk])).content.decode()
    select = _select(html, "assignee_org")
    assert select.count("selected") == 1
    assert '<option value="" selected>' in select


def test_an_assignment_without_a_unit_is_refused_and_the_demand_stays(world, login):
    d = submit(world, item="1001", description="需要打扫")
    client = login(world.users["community_a"])
    response = client.post(reverse("demands:transition", args=[d.pk]), {"action": "assign", "assignee_org": "",
                                                                         "version": d.version})
    assert response.status_code == 400
    assert Demand.objects.get(pk=d.pk).state == "submitted"


def test_the_bulk_action_and_unit_start_at_choose(world, login):
    submit(world, item="1001", description="需要打扫")
    client = login(world.users["community_a"])
    html = client.get(reverse("demands:queue"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for name in ("action", "assignee_org"):
        select = _select(html, name)
        assert re.findall(r"<option[^>]*>[^<]*</option>", select)[0] == '<option value="" selected>请选择</option>', name
        assert select.count("selected") == 1, name


def test_a_bulk_click_without_an_action_changes_nothing(world, login):
    d = submit(world, item="1001", description="需要打扫")
    client = login(world.users["community_a"])
    client.post(reverse("demands:bulk"), {"ids": [d.pk], "action": ""})
    assert Demand.objects.get(pk=d.pk).state == "submitted"
