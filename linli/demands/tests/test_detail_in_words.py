"""A demand's page in Chinese says why it is urgent, who supervises it now and why it moved, in
words, and names people by their display name, never a code or a username."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from linli.demands.models import Demand
from linli.demands.services import demand_transition
from linli.demands.tasks import sweep
from linli.demands.tests.factories import submit
from linli.demands.workflow import Reason


def _page(client, d):
    return client.get(reverse("demands:detail", args=[d.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_urgency_reasons_and_the_escalation_level_are_words(world, login):
    d = submit(world, item="0105", description="我妈摔倒了起不来，快来人")
    assert "emergency_words" in d.urgency_reasons
    Demand.objects.filter(pk=d.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    assert sweep(now=timezone.now())["escalations"] == 1
    html = _page(login(world.users["community_a"]), d)
    assert "紧急用语" in html and "emergency_words" not in html
    assert '<span class="tag" id="escalation">已升级至街道督办</span>' in html
    assert "<strong>已升级至街道督办</strong>" in html  # the history line


def test_the_history_gives_the_reason_in_words_and_the_worker_by_name(world, login):
    worker = world.users["community_a"]
    worker.display_name = "周社工"
    worker.save(update_fields=["display_name"])
    d = submit(world, item="1002", description="水龙头一直滴水")
    demand_transition(demand=d, user=worker, action="reject", reason="out_of_scope", note="商业服务")
    html = _page(login(worker), d)
    with __import__("django.utils.translation", fromlist=["override"]).override("zh-hans"):
        label = str(dict(Reason.choices)["out_of_scope"])
    assert f"周社工</span> · {label}" in html
    assert "out_of_scope" not in html.replace('value="out_of_scope"', "")
    assert "community_a" not in html
