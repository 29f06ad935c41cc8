"""A volunteer hears of each new offer (after commit, in their inbox and through the backends), and
of each service record confirmed for them."""

from __future__ import annotations

from linli.dispatch.services import dispatch_batch, task_broadcast
from linli.dispatch.tests.test_offers import DAY, _task, _volunteer
from linli.ledger.tests.factories import confirmed, volunteer
from linli.notifications.models import Notification


def test_the_offered_volunteer_is_told_after_commit(world, django_capture_on_commit_callbacks):
    near = _volunteer(world, "near", north_m=200)
    _task(world)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_batch(user=world.users["community_a"], region=world.community_a, day=DAY)
    note = Notification.objects.get(template="dispatch_offer")
    assert (note.recipient, note.link) == (near.user, "/dispatch/me/")
    assert "老年助餐" in note.subject and "11-24 11:00" in note.body


def test_a_broadcast_tells_everyone_asked(world, django_capture_on_commit_callbacks):
    volunteers = [_volunteer(world, f"v{i}", north_m=100 * i) for i in range(3)]
    task = _task(world)
    with django_capture_on_commit_callbacks(execute=True):
        task_broadcast(user=world.users["community_a"], task=task, count=3)
    assert set(Notification.objects.filter(template="dispatch_offer").values_list("recipient", flat=True)) == {
        v.user_id for v in volunteers}


def test_a_confirmed_record_is_announced_to_its_volunteer(world, django_capture_on_commit_callbacks):
    vol = volunteer(world, "li")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(world, vol, minutes=90)
    note = Notification.objects.get(template="record_confirmed")
    assert note.recipient == vol.user and "1.5" in note.body and "西林寺社区居民委员会" in note.body
