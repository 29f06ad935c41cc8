"""The staff queue opens with what needs attention first (crisis, overdue, due today, then newest),
shows the total, and finds a demand by part of its tracking number, a name or the caller's last
four mobile digits."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from linli.demands.models import Demand
from linli.demands.selectors import QueueFilter, filtered_demands
from linli.demands.tests.factories import submit

NOON = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)  # 12:00 in Asia/Shanghai


def _queue(client, **params):
    return [d.pk for d in client.get(reverse("demands:queue"), params).context["demands"]]


def test_the_queue_puts_crisis_then_overdue_then_due_today_then_newest(world, login):
    with time_machine.travel(NOON, tick=False):
        overdue = submit(world, item="1001", description="需要打扫")
        today = submit(world, item="1002", description="水龙头漏水")
        old = submit(world, item="1003", description="想换个灯泡")
        new = submit(world, item="1004", description="帮忙搬个柜子")
        crisis = submit(world, item="0105", description="一个人在家，觉得活着没意思")
        Demand.objects.filter(pk=overdue.pk).update(due_at=NOON - dt.timedelta(hours=1))
        Demand.objects.filter(pk=today.pk).update(due_at=NOON + dt.timedelta(hours=6))  # 18:00 local
        Demand.objects.filter(pk=crisis.pk).update(due_at=NOON + dt.timedelta(days=3), crisis=True)
        Demand.objects.filter(pk__in=[old.pk, new.pk]).update(due_at=NOON + dt.timedelta(days=2))
        client = login(world.users["community_a"])
        assert Demand.objects.get(pk=crisis.pk).crisis
        response = client.get(reverse("demands:queue"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [d.pk for d in response.context["demands"]] == [crisis.pk, overdue.pk, today.pk, new.pk, old.pk]
    assert response.context["total"] == 5
    assert '<span class="meta" id="queue-total">共 5 件</span>' in response.content.decode()


def test_the_queue_pages_in_attention_order_without_repeats(world, login, monkeypatch):
    import linli.demands.views as views

    monkeypatch.setattr(views, "QUEUE_PAGE", 2)
    with time_machine.travel(NOON, tick=False):
        made = [submit(world, item="1001", description=f"第{i}件") for i in range(5)]
        Demand.objects.filter(pk=made[0].pk).update(due_at=NOON - dt.timedelta(hours=1))
        client = login(world.users["community_a"])
        first = client.get(reverse("demands:queue"))
        second = client.get(reverse("demands:queue"), {"before": first.context["next_before"]})
        third = client.get(reverse("demands:queue"), {"before": second.context["next_before"]})
    pages = [[d.pk for d in r.context["demands"]] for r in (first, second, third)]
    assert pages == [[made[0].pk, made[4].pk], [made[3].pk, made[2].pk], [made[1].pk]]
    assert [r.context["total"] for r in (first, second, third)] == [5, 5, 5]


def _found(world, typed):
    return [d.pk for d in filtered_demands(user=world.users["community_a"], filters=QueueFilter(query=typed))]


def test_the_queue_finds_part_of_a_tracking_number(world):
    d = submit(world, item="1001", description="家里需要打扫一下")
    other = submit(world, item="1002", description="水龙头漏水")
    n = d.tracking_number
    part = next(n[i:i + 4] for i in range(5) if n[i:i + 4] not in other.tracking_number)
    assert _found(world, part.lower()) == [d.pk]


def test_the_queue_finds_a_name_and_the_last_four_mobile_digits(world):
    mine = submit(world, item="1001", description="家里需要打扫一下")  # 张秀英, 13800001234
    other = submit(world, resident="a2", item="1002", description="水管漏水", user=world.users["community_a"])
    assert Demand.objects.get(pk=mine.pk).mobile_tail == "1234"
    assert _found(world, "张秀") == [mine.pk]
    assert _found(world, "1234") == [mine.pk]
    assert _found(world, "5678") == [other.pk]
    assert _found(world, "0000") == []
