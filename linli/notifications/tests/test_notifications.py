"""Who is told what, in which language, through which channel; and the inbox page and API."""

from __future__ import annotations

import json
import logging

from django.core import mail

from linli.accounts.models import User
from linli.demands.tests.factories import submit
from linli.notifications.models import Delivery, Notification
from linli.notifications.services import notify


def _by_template(template):
    return sorted(Notification.objects.filter(template=template).values_list("recipient__username", "urgent"))


def test_crisis_words_alert_the_communitys_social_worker_at_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = submit(world, item="0108", description="老伴走了，我觉得活着没意思")
    assert _by_template("demand_crisis") == [("social_a", True)]
    alert = Notification.objects.get(template="demand_crisis")
    assert "活着没意思" in alert.body and d.tracking_display in alert.subject
    assert alert.link == f"/demands/{d.pk}/"


def test_the_resident_gets_the_tracking_number_in_their_language(world, django_capture_on_commit_callbacks):
    User.objects.filter(pk=world.users["resident_a1"].pk).update(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        d = submit(world, item="0102", description="想请人送饭")
    message = Notification.objects.get(template="demand_received")
    assert (message.recipient, message.subject) == (world.users["resident_a1"], f"Your demand {d.tracking_display} was received")


def test_a_visitor_without_an_account_is_told_by_sms_in_chinese(world, django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.INFO, logger="linli.notifications"), django_capture_on_commit_callbacks(execute=True):
        d = submit(world, resident=None, item="1103", description="路灯坏了", contact_mobile="13912345678",
                   user=world.users["community_a"], channel="phone")
    message = Notification.objects.get(template="demand_received")
    # Delivered: only the masked number stays (the full one was kept encrypted until then).
    assert (message.recipient, message.address, message.address_masked) == (None, "", "139****5678")
    assert message.delivery_done_at is not None
    assert message.subject == f"您的需求 {d.tracking_display} 已收到"
    deliveries = sorted(Delivery.objects.filter(notification=message).values_list("backend", "status"))
    assert deliveries == [("email", "skipped"), ("sms-log", "sent"), ("wechat-log", "skipped")]
    assert any("SMS to 139****5678" in r.getMessage() for r in caplog.records)


def test_email_is_sent_through_django_mail(world, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(pk=world.users["street"].pk).update(email="street@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(template="demand_reminder", context={"tracking": "ABCD-2345", "item": "送餐",
                                                           "due": "2026-11-24 10:00", "state": "已派单"},
                      users=[User.objects.get(username="street")])
    assert [m.to for m in mail.outbox] == [["street@example.gov.cn"]]
    assert "ABCD-2345" in mail.outbox[0].subject
    # The delivery key is the Message-ID: a repeat after a worker died is recognisably the same mail.
    assert mail.outbox[0].extra_headers == {"Message-ID": f"<linli-{n.pk}-email@linli>"}


def test_a_failing_backend_is_recorded_and_the_others_still_send(world, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATION_BACKENDS = ["linli.notifications.tests.test_notifications.BrokenBackend",
                                      "linli.notifications.backends.LogSmsBackend"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="demand_received", context={"tracking": "X", "item": "Y", "link": "/track/"},
               addresses=["13912345678"])
    assert sorted(Delivery.objects.values_list("backend", "status")) == [("broken", "failed"), ("sms-log", "sent")]
    assert Notification.objects.count() == 1


class BrokenBackend:
    name = "broken"

    def send(self, message):
        raise ConnectionError("gateway down")


def test_the_inbox_page_and_api_show_only_ones_own_messages(world, login):
    notify(template="demand_received", context={"tracking": "A", "item": "B", "link": "/track/"},
           users=[world.users["resident_a1"]])
    notify(template="demand_received", context={"tracking": "C", "item": "D", "link": "/track/"},
           users=[world.users["community_a"]])
    client = login(world.users["resident_a1"])
    page = client.get("/notifications/")
    assert [n.recipient for g in page.context["groups"] for n in g.items] == [world.users["resident_a1"]]
    api = client.get("/api/notifications", {"unread": "true"}).json()
    assert api["count"] == 1
    marked = client.post("/api/notifications/read", data=json.dumps({}), content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert client.get("/api/notifications", {"unread": "true"}).json()["count"] == 0
    assert Notification.objects.filter(recipient=world.users["community_a"], read_at__isnull=True).count() == 1
