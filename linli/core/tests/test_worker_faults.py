"""``linli worker`` survives its faults: a lost database connection (it reconnects and goes on),
its own death (the task it ran is queued again after the lease, and any worker finishes it), and
exiting (``--supervise`` starts it again).

On PostgreSQL the connection is really terminated (``pg_terminate_backend``) and a real worker
process is killed with SIGKILL in the middle of a delivery.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from linli.core.management.commands import worker
from linli.notifications.models import Delivery, Notification
from linli.notifications.services import notify
from linli.testing import terminate_backend

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="terminates PostgreSQL backends (runs in make test-postgres)",
)
CTX = {"tracking": "ABCD-2345", "item": "送餐", "link": "/track/"}
LEASE = dt.timedelta(seconds=600)


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NOTIFICATION_BACKENDS = ["linli.notifications.backends.LogSmsBackend"]


def _batch_worker():
    return worker.Worker(lease=LEASE, queue_names=["*"], interval=0, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[])


def _one_sms():
    """A notification in the outbox, with no task queued for it yet (each test queues its own)."""
    (n,) = notify(template="demand_received", context=CTX, addresses=["13912345678"])
    DBTaskResult.objects.filter(task_path="linli.notifications.tasks.deliver").delete()
    return n


def _claimed_by_a_dead_worker(n, *, ago, workers=("dead",)):
    from linli.notifications.tasks import deliver

    result = deliver.enqueue([n.pk])
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - ago, worker_ids=list(workers))
    return result.id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_whose_worker_died_is_queued_again_after_the_lease_and_run_once():
    n, other = _one_sms(), _one_sms()
    dead = _claimed_by_a_dead_worker(n, ago=LEASE + dt.timedelta(seconds=1))
    alive = _claimed_by_a_dead_worker(other, ago=LEASE - dt.timedelta(seconds=30))
    assert worker.reclaim_stale_tasks(lease=LEASE) == {"reclaimed": 1, "failed": 0}
    assert {str(pk): s for pk, s in DBTaskResult.objects.values_list("pk", "status")} == {
        dead: "READY", alive: "RUNNING"}

    worker.keep_running(_batch_worker())
    task = DBTaskResult.objects.get(pk=dead)
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["dead", "test-worker"])
    assert list(Delivery.objects.filter(notification=n).values_list("backend", "status")) == [("sms-log", "sent")]
    assert worker.reclaim_stale_tasks(lease=LEASE) == {"reclaimed": 0, "failed": 0}  # the live one stays


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_that_kept_killing_its_workers_is_given_up():
    n = _one_sms()
    poison = _claimed_by_a_dead_worker(n, ago=LEASE * 2, workers=[f"w{i}" for i in range(worker.MAX_CLAIMS)])
    assert worker.reclaim_stale_tasks(lease=LEASE) == {"reclaimed": 0, "failed": 1}
    task = DBTaskResult.objects.get(pk=poison)
    assert (task.status, task.exception_class_path) == ("FAILED", "linli.core.management.commands.worker.WorkerLost")
    # The notification itself is still in the outbox: the sweep sends it.
    assert Notification.objects.get(pk=n.pk).delivery_done_at is None


def test_the_scheduler_enqueues_the_outbox_sweep_every_minute():
    assert dict(worker.PERIODIC)["linli.notifications.tasks.deliver_pending"] == 60


def _lose_the_connection_once(monkeypatch):
    """The next time the worker looks for a task, its database connection is gone."""
    from django_tasks_db.models import DBTaskResultQuerySet

    real = DBTaskResultQuerySet.get_locked
    lost = []

    def get_locked(self):
        if not lost:
            lost.append(True)
            if connection.vendor == "postgresql":
                terminate_backend()
            else:
                raise OperationalError("disk I/O error")  # SQLite has no server to lose
        return real(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", get_locked)
    return lost


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_reconnects_when_its_database_connection_is_lost_and_goes_on(monkeypatch):
    from linli.notifications.tasks import deliver

    n = _one_sms()
    result = deliver.enqueue([n.pk])
    lost = _lose_the_connection_once(monkeypatch)
    waits = []
    assert worker.keep_running(_batch_worker(), sleep=waits.append) == 1
    assert (lost, waits) == ([True], [1.0])
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert list(Delivery.objects.filter(notification=n).values_list("status", flat=True)) == ["sent"]


def test_the_back_off_doubles_up_to_thirty_seconds():
    class Failing:
        running = True
        runs = 0

        def run(self):
            self.runs += 1
            if self.runs <= 7:
                raise OperationalError("server closed the connection unexpectedly")

    waits = []
    assert worker.keep_running(Failing(), sleep=waits.append, clock=lambda: 0.0) == 7
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_supervise_starts_the_worker_again_each_time_it_exits(tmp_path):
    log = tmp_path / "starts"
    script = f"open({str(log)!r}, 'a').write('x'); raise SystemExit(1)"
    waits = []
    assert worker.supervise([sys.executable, "-c", script], sleep=waits.append, max_starts=3) == 3
    assert (log.read_text(), waits) == ("xxx", [1.0, 2.0, 4.0])


def test_make_run_starts_the_worker_supervised():
    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "linli worker --supervise" in run


class BlockingSms:
    """An SMS gateway that never answers (the worker is killed while waiting)."""

    name = "sms-log"

    def send(self, message):
        Path(os.environ["LINLI_TEST_MARK"]).write_text(message.key)
        time.sleep(600)


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_killed_mid_delivery_is_recovered_with_one_message(tmp_path, settings, caplog):
    import logging

    from linli.notifications.tasks import deliver

    n = _one_sms()
    result = deliver.enqueue([n.pk])
    db = connection.settings_dict
    mark = tmp_path / "sending"
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "NOTIFICATION_BACKENDS": f"{__name__}.BlockingSms", "LINLI_TEST_MARK": str(mark),
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "DB_CONN_MAX_AGE": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "linli", "worker", "--batch", "--no-scheduler", "-v", "0"],
                            env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "stderr").open("w"))
    try:
        deadline = time.monotonic() + 60
        while not mark.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert mark.exists(), (tmp_path / "stderr").read_text()[-3000:]
        assert mark.read_text() == f"linli-{n.pk}-sms-log"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    # Killed: the task is RUNNING for ever (django-tasks-db alone), the delivery claimed, nothing sent.
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"
    assert list(Delivery.objects.filter(notification=n).values_list("status", flat=True)) == ["sending"]

    # After the lease (both the task's and the claim's), any worker finishes it: one message.
    settings.NOTIFICATION_SEND_LEASE_SECONDS = 0
    assert worker.reclaim_stale_tasks(lease=dt.timedelta(0)) == {"reclaimed": 1, "failed": 0}
    with caplog.at_level(logging.INFO, logger="linli.notifications"):
        worker.keep_running(_batch_worker())
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    delivery = Delivery.objects.get(notification=n)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS")] == [
        f"SMS to 139****5678 [linli-{n.pk}-sms-log]: " + Notification.objects.get(pk=n.pk).body]
    assert Notification.objects.get(pk=n.pk).address == ""


def _terminate_own_backend():
    terminate_backend()


class SmsThenConnectionLost:
    """The gateway takes the message; then the worker's database connection is terminated."""

    name = "sms-log"
    keys: list = []

    def send(self, message):
        SmsThenConnectionLost.keys.append(message.key)
        _terminate_own_backend()
        return "sent", ""


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_lost_in_the_middle_of_a_task_requeues_it_at_once_and_sends_nothing_twice(settings):
    from linli.notifications.tasks import deliver, deliver_pending

    settings.NOTIFICATION_BACKENDS = [f"{__name__}.SmsThenConnectionLost"]
    SmsThenConnectionLost.keys = []
    n = _one_sms()
    result = deliver.enqueue([n.pk])
    waits = []
    assert worker.keep_running(_batch_worker(), sleep=waits.append) == 1
    # Queued again at once (not after the lease) and run again: the claim stands, nothing re-sent.
    task = DBTaskResult.objects.get(pk=result.id)
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["test-worker", "test-worker"])
    assert SmsThenConnectionLost.keys == [f"linli-{n.pk}-sms-log"]
    assert Delivery.objects.get(notification=n).status == "sending"
    # Its answer was lost with the connection: after the send lease the sweep asks again, same key.
    settings.NOTIFICATION_BACKENDS = ["linli.notifications.backends.LogSmsBackend"]
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=301), tick=False):
        deliver_pending.call()
    assert list(Delivery.objects.filter(notification=n).values_list("status", "attempts")) == [("sent", 2)]


_seen_started: list = []


@task()
def slow_task() -> None:
    _seen_started.append(DBTaskResult.objects.get(status="RUNNING").started_at)
    time.sleep(1.3)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_live_worker_renews_its_lease_while_the_task_runs():
    _seen_started.clear()
    result = slow_task.enqueue()
    beating = worker.Worker(lease=dt.timedelta(seconds=1.5), queue_names=["*"], interval=0, batch=True,
                            backend_name="default", startup_delay=False, max_tasks=None, worker_id="w",
                            excluded_queue_names=[])
    worker.keep_running(beating)
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == "SUCCESSFUL"
    assert (task.started_at - _seen_started[0]).total_seconds() >= 0.5  # renewed every lease / 3
