"""The inbox: crisis notices first, one digest line per kind when a kind has many, then the rest."""

from __future__ import annotations

import re

from linli.notifications.models import Notification
from linli.notifications.services import notify


def _send(user, template, tracking, urgent=False):
    ctx = {"tracking": tracking, "item": "助餐", "due": "03-05 12:00", "state": "已受理", "community": "西林寺社区",
           "phrases": "活着没意思", "level": "街道", "urgency": "一般", "org": "互助社", "note": "x", "link": "/track/"}
    notify(template=template, context=ctx, users=[user], link="/demands/1/", urgent=urgent)


def test_crisis_first_then_a_digest_per_kind_then_single_lines(world, login):
    user = world.users["community_a"]
    user.preferred_language = "zh-hans"
    user.save(update_fields=["preferred_language"])
    for i in range(5):
        _send(user, "demand_reminder", f"R{i}")
    _send(user, "demand_complaint", "C1")
    _send(user, "demand_crisis", "X1", urgent=True)
    for i in range(3):
        _send(user, "demand_assigned", f"A{i}")
    client = login(user)
    response = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    groups = response.context["groups"]
    assert [(g.kind, len(g.items), g.digest) for g in groups] == [
        ("demand_crisis", 1, False), ("demand_assigned", 3, True), ("demand_complaint", 1, False),
        ("demand_reminder", 5, True),
    ]
    html = response.content.decode()
    unread = html[html.index('id="inbox-unread"'):]
    kinds = re.findall(r'<li class="unread[^"]*" data-kind="([a-z_]+)"', unread)
    assert kinds == ["demand_crisis", "demand_assigned", "demand_complaint", "demand_reminder"]
    assert "即将超期：5 条未读" in html or "即将超期: 5 条未读" in html


def test_read_messages_are_listed_under_earlier(world, login):
    user = world.users["community_a"]
    for i in range(2):
        _send(user, "demand_reminder", f"R{i}")
    Notification.objects.filter(recipient=user).update(read_at="2026-03-02T01:00:00Z")
    _send(user, "demand_complaint", "C1")
    response = login(user).get("/notifications/")
    assert [g.kind for g in response.context["groups"]] == ["demand_complaint"]
    assert len(response.context["page"].object_list) == 2
