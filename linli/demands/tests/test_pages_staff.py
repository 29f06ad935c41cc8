"""The staff pages: queue scoping, bulk moves, export, recording for a resident, a demand's page."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from linli.demands.models import Demand
from linli.demands.tests.factories import submit
from linli.privacy.models import AccessLog


def test_the_grid_worker_sees_the_grids_demands_and_404_for_others(world, login):
    mine = submit(world, item="1001", description="需要打扫")
    theirs = submit(world, resident="a2", item="1002", description="水管漏水", user=world.users["community_a"])
    client = login(world.users["grid_a1"])
    assert [d.pk for d in client.get(reverse("demands:queue")).context["demands"]] == [mine.pk]
    assert client.get(reverse("demands:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("demands:detail", args=[mine.pk])).status_code == 200


def test_residents_and_volunteers_have_no_queue(world, login):
    for persona in ("resident_a1", "volunteer_a", "outsider"):
        assert login(world.users[persona]).get(reverse("demands:queue")).status_code == 404


def test_the_queue_page_takes_a_fixed_number_of_queries(world, login, django_assert_num_queries):
    for i in range(8):
        submit(world, item="1001", description=f"第{i}件")
    client = login(world.users["community_a"])
    client.get(reverse("demands:queue"))
    # session, user, memberships, grids, demands (joined), organisations for bulk assign
    with django_assert_num_queries(6):
        response = client.get(reverse("demands:queue"))
    assert len(response.context["demands"]) == 8


def test_bulk_reject_needs_a_reason_and_changes_only_visible_demands(world, login):
    a = submit(world, item="1001", description="需要打扫")
    b = submit(world, resident="b1", item="1001", description="别村的事", user=world.users["community_b"])
    client = login(world.users["community_a"])
    client.post(reverse("demands:bulk"), {"ids": [a.pk, b.pk], "action": "reject", "note": "x"})
    assert Demand.objects.get(pk=a.pk).state == "submitted"
    client.post(reverse("demands:bulk"), {"ids": [a.pk, b.pk], "action": "reject", "reason": "out_of_scope", "note": "商业服务"})
    assert (Demand.objects.get(pk=a.pk).state, Demand.objects.get(pk=b.pk).state) == ("rejected", "submitted")


def test_the_export_respects_the_filters_and_is_logged(world, login):
    submit(world, item="1001", description="需要打扫")
    urgent = submit(world, item="0105", description="摔倒了起不来")
    client = login(world.users["community_a"])
    response = client.get(reverse("demands:export"), {"urgency": "4"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("受理编号", "提交时间", "状态")
    assert [r[0] for r in rows[1:]] == [urgent.tracking_display]
    assert AccessLog.objects.get(action="export").count == 1


def test_a_worker_records_a_phone_call_for_a_resident(world, login):
    client = login(world.users["grid_a1"])
    found = client.post(reverse("demands:resident_search"), {"q": "13800001234"})
    assert [r.pk for r in found.context["residents"]] == [world.resident_a1.pk]
    found = client.post(reverse("demands:resident_search"), {"q": "张"})
    assert [r.pk for r in found.context["residents"]] == [world.resident_a1.pk]
    response = client.post(reverse("demands:record"), {
        "resident": world.resident_a1.pk, "item": "0102", "description": "电话：想每天中午送饭", "urgency": "2",
        "channel": "phone", "consent": "verbal",
    })
    d = Demand.objects.get()
    assert response["Location"] == reverse("demands:detail", args=[d.pk])
    assert (d.channel, d.created_by, d.resident) == ("phone", world.users["grid_a1"], world.resident_a1)


def test_a_worker_cannot_record_for_a_resident_outside_the_grid(world, login):
    client = login(world.users["grid_a1"])
    response = client.post(reverse("demands:record"), {
        "resident": world.resident_a2.pk, "item": "0102", "description": "x", "urgency": "2",
        "channel": "phone", "consent": "verbal",
    })
    assert response.status_code == 404
    assert Demand.objects.count() == 0


def test_the_detail_page_moves_a_demand_and_shows_errors(world, login):
    d = submit(world, item="1001", description="需要打扫")
    client = login(world.users["community_a"])
    bad = client.post(reverse("demands:transition", args=[d.pk]), {"action": "reject", "version": d.version})
    assert bad.status_code == 400
    ok = client.post(reverse("demands:transition", args=[d.pk]), {
        "action": "assign", "assignee_org": world.org_a.pk, "version": d.version})
    assert ok.status_code == 302
    d.refresh_from_db()
    assert (d.state, d.assignee_org) == ("assigned", world.org_a)
    stale = client.post(reverse("demands:transition", args=[d.pk]), {"action": "start", "version": d.version - 1})
    assert stale.status_code == 400


def test_the_queue_finds_a_tracking_number_as_it_is_read_out(world):
    from linli.demands.selectors import QueueFilter, filtered_demands

    d = submit(world, item="1001", description="家里需要打扫一下")
    n = d.tracking_number
    for typed in (n, n.lower(), f"{n[:4]}-{n[4:]}", f" {n[:4]} {n[4:]} "):
        assert list(filtered_demands(user=world.users["community_a"], filters=QueueFilter(query=typed))) == [d], typed
