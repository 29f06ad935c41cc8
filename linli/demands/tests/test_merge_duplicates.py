"""Duplicates: the page that says "merge it from the demand's page" has a merge button, also once the
demand is assigned (routing by the menu assigns at submission); a merge keeps both histories and
tells both askers, in the same transaction as the move."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core.errors import DomainError
from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.demands.tests.factories import submit
from linli.notifications.models import Notification


def _assigned_pair(world):
    first = submit(world, item="0102", description="想请人送饭")
    second = submit(world, item="0102", description="还是送饭的事")
    demand_transition(demand=second, user=world.users["community_a"], action="assign", assignee_org=world.org_a)
    return first, Demand.objects.get(pk=second.pk)


def test_an_assigned_repeat_shows_a_merge_button_that_merges(world, login):
    first, second = _assigned_pair(world)
    client = login(world.users["community_a"])
    html = client.get(reverse("demands:detail", args=[second.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"合并到 {first.tracking_display}</button>" in html
    response = client.post(reverse("demands:transition", args=[second.pk]), {
        "action": "mark_duplicate", "version": second.version, "duplicate_of": first.tracking_number})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.state, second.duplicate_of_id) == ("duplicate", first.pk)


def test_a_merge_keeps_both_histories_and_tells_both_askers(world):
    first = submit(world, item="0102", description="想请人送饭")  # 张秀英, with an account
    second = submit(world, resident=None, item="0102", description="邻居打电话：张奶奶要送饭",
                    contact_name="邻居", contact_mobile="13700004321", consent="verbal")  # a caller, no account
    Notification.objects.all().delete()
    demand_transition(demand=second, user=world.users["grid_a1"], action="mark_duplicate", duplicate_of=first,
                      note="同一件事")
    assert list(second.events.values_list("action", flat=True)) == ["submit", "mark_duplicate"]
    assert list(first.events.values_list("action", flat=True)) == ["submit", "merge_in"]
    assert first.events.get(action="merge_in").data == {"duplicate": second.pk, "tracking": second.tracking_number}
    merged = Notification.objects.filter(template="demand_merged").order_by("pk")
    assert [(n.recipient.username if n.recipient else n.address_masked) for n in merged] == ["resident_a1", "137****4321"]
    assert all(first.tracking_display in n.subject for n in merged)


def test_the_merge_and_its_messages_roll_back_together(world, monkeypatch):
    first = submit(world, item="0102", description="想请人送饭")
    second = submit(world, item="0102", description="还是送饭的事")
    from linli.demands import notify as n

    def boom(*args, **kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(n, "merged", boom)
    with pytest.raises(RuntimeError):
        demand_transition(demand=second, user=world.users["grid_a1"], action="mark_duplicate", duplicate_of=first)
    assert Demand.objects.get(pk=second.pk).state == "submitted"
    assert not first.events.filter(action="merge_in").exists()


def test_a_demand_in_service_cannot_be_merged(world):
    first, second = _assigned_pair(world)
    demand_transition(demand=second, user=world.users["community_a"], action="start")
    with pytest.raises(DomainError):
        demand_transition(demand=Demand.objects.get(pk=second.pk), user=world.users["community_a"],
                          action="mark_duplicate", duplicate_of=first)
