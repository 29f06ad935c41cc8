"""``linli worker``: run background tasks (notifications, reminders, escalations, follow-ups).

It runs django-tasks' database worker and, beside it, a small scheduler that enqueues the
periodic jobs (the demand deadline sweep and the notification outbox every minute). Run as many
workers as you like, on as many machines as share the database: tasks are claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (one writer at a time on SQLite), and every
periodic job claims each demand with a conditional UPDATE, so nothing is sent twice even when
several schedulers enqueue the same job.

Faults:

- **The database goes away** (restart, failover, a terminated backend): the worker drops its
  connections, waits (1 s, doubling up to 30 s) and goes on; a task it was running is put back in
  the queue at once if the database lets it, else by the lease below.
- **The worker dies** (killed, out of memory, the machine restarts): django-tasks-db would leave
  its task RUNNING for ever. While a task runs, the worker renews ``started_at`` every third of the
  lease (a heartbeat); the scheduler of any worker puts a RUNNING task whose ``started_at`` is
  older than ``TASKS_LEASE_SECONDS`` (default 600) back to READY, and another worker runs it again
  (every task here is idempotent). A task that has killed ``MAX_CLAIMS`` workers is marked failed.
- **Nothing restarts a worker that exited**: ``--supervise`` runs the worker as a child process
  and starts it again when it exits (``make run`` uses it); in production systemd does the same
  (``docs/linli-worker.service``).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from linli.conf import env_int

logger = logging.getLogger("linli.worker")

#: (dotted path of a django-tasks task, seconds between runs)
PERIODIC = [
    ("linli.demands.tasks.sweep_deadlines", 60),
    ("linli.dispatch.tasks.expire_offers", 60),
    ("linli.dispatch.tasks.roll_plans_forward", 3600),
    ("linli.dispatch.tasks.dispatch_open_tasks", 900),
    ("linli.notifications.tasks.deliver_pending", 60),
]

#: A task claimed this many times (each claim by a worker that then died) is given up as failed.
MAX_CLAIMS = 5
#: Errors that mean "the database connection is gone": reconnect and go on.
CONNECTION_ERRORS = (OperationalError, InterfaceError)
#: Longest wait between two reconnection attempts, in seconds.
MAX_BACKOFF = 30.0


def lease_seconds() -> int:
    return int(getattr(settings, "TASKS_LEASE_SECONDS", 0) or env_int("TASKS_LEASE_SECONDS", 600))


def enqueue_due(pending_paths: set[str], last: dict[str, float] | None = None, now: float = 0.0) -> list[str]:
    """Enqueue each periodic task that is due (its interval has passed since this scheduler last
    enqueued it) and has no run waiting already; returns what was enqueued."""
    from django.utils.module_loading import import_string

    last = {} if last is None else last
    enqueued = []
    for path, every in PERIODIC:
        if path in pending_paths or now - last.get(path, -every) < every:
            continue
        import_string(path).enqueue()
        last[path] = now
        enqueued.append(path)
    return enqueued


def reclaim_stale_tasks(*, lease: dt.timedelta, now: dt.datetime | None = None) -> dict[str, int]:
    """Put back to READY every RUNNING task whose worker has not been heard of for ``lease``
    (its worker died); fail those already claimed ``MAX_CLAIMS`` times. Safe on several workers:
    each row is changed only if it is still RUNNING with the same ``started_at``."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    counts = {"reclaimed": 0, "failed": 0}
    stale = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=now - lease)
    for pk, started_at, worker_ids in list(stale.values_list("pk", "started_at", "worker_ids")):
        same = DBTaskResult.objects.filter(pk=pk, status="RUNNING", started_at=started_at)
        if len(worker_ids) >= MAX_CLAIMS:
            done = same.update(
                status="FAILED", finished_at=now, return_value=None,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"WorkerLost: the task's worker stopped answering {len(worker_ids)} times "
                          f"(workers {', '.join(worker_ids)}); given up.\n",
            )
            counts["failed"] += done
            if done:
                logger.error("task %s lost %d workers; marked failed", pk, len(worker_ids))
        else:
            done = same.update(status="READY")
            counts["reclaimed"] += done
            if done:
                logger.warning("task %s: its worker %s stopped answering; queued again", pk, worker_ids[-1:])
    return counts


def _pending_paths() -> set[str]:
    from django_tasks_db.models import DBTaskResult

    return set(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def _schedule_forever(stop: threading.Event, last: dict[str, float], lease: dt.timedelta) -> None:
    interval = min(every for _path, every in PERIODIC)
    while not stop.wait(interval):
        try:
            reclaim_stale_tasks(lease=lease)
            enqueue_due(_pending_paths(), last, time.monotonic())
        except Exception:  # the database may be restarting: try again next time
            logger.exception("could not enqueue periodic tasks")
        finally:
            close_old_connections()


def _drop_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # already broken: forget it, the next query opens a new one
            conn.connection = None


class Worker(db_worker.Worker):
    """django-tasks-db's worker, with a heartbeat on the running task (see the module's text)."""

    def __init__(self, *, lease: dt.timedelta, **kwargs):
        super().__init__(**kwargs)
        self.lease = lease
        self.current = None

    def _heartbeat(self, pk, stop: threading.Event) -> None:
        from django_tasks_db.models import DBTaskResult

        try:
            while not stop.wait(self.lease.total_seconds() / 3):
                try:
                    DBTaskResult.objects.filter(pk=pk, status="RUNNING").update(started_at=timezone.now())
                except Exception:
                    logger.warning("heartbeat of task %s failed", pk, exc_info=True)
                    _drop_connections()
        finally:
            connection.close()

    def run_task(self, db_task_result) -> None:
        self.current = db_task_result.pk
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(db_task_result.pk, stop), daemon=True,
                                name="heartbeat")
        beat.start()
        try:
            super().run_task(db_task_result)
        finally:
            stop.set()
            beat.join()
        self.current = None  # kept when the result could not be written: see release_current

    def release_current(self) -> None:
        """After a lost connection: the task this worker was running goes back to the queue now
        (if the database answers; else the lease does it later)."""
        from django_tasks_db.models import DBTaskResult

        pk, self.current = self.current, None
        if pk is None:
            return
        try:
            DBTaskResult.objects.filter(pk=pk, status="RUNNING").update(status="READY")
            logger.warning("task %s queued again after the connection was lost", pk)
        except Exception:
            _drop_connections()


def keep_running(worker: db_worker.Worker, *, sleep=time.sleep, clock=time.monotonic) -> int:
    """Run ``worker`` until it stops by itself (batch done, signal); when the database connection
    is lost, reconnect after a back-off and go on. Returns the number of reconnections."""
    delay, reconnects = 1.0, 0
    while True:
        started = clock()
        try:
            worker.run()
            return reconnects
        except CONNECTION_ERRORS as exc:
            if not worker.running:
                raise
            if clock() - started > 60:
                delay = 1.0
            logger.warning("database connection lost (%s); reconnecting in %.0f s", str(exc).strip(), delay)
            _drop_connections()
            sleep(delay)
            if isinstance(worker, Worker):
                worker.release_current()
            delay = min(delay * 2, MAX_BACKOFF)
            reconnects += 1


def supervise(command: list[str], *, sleep=time.sleep, clock=time.monotonic, max_starts: int | None = None) -> int:
    """Run ``command`` and start it again whenever it exits, until SIGTERM/SIGINT (passed on to it).
    Waits 1 s before a restart, doubling up to 30 s while it keeps dying young. Returns the
    number of starts."""
    state = {"child": None, "stopping": False}

    def forward(signum, frame):
        state["stopping"] = True
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    starts, delay = 0, 1.0
    try:
        while not state["stopping"] and (max_starts is None or starts < max_starts):
            started = clock()
            # Its own process group: a Ctrl-C in the terminal reaches it once, through us.
            state["child"] = subprocess.Popen(command, process_group=0)  # noqa: S603 (our interpreter)
            starts += 1
            code = state["child"].wait()
            if state["stopping"]:
                break
            if clock() - started > 60:
                delay = 1.0
            logger.warning("linli worker exited with status %s; starting it again in %.0f s", code, delay)
            sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return starts


class Command(BaseCommand):
    help = "Run background tasks and the periodic scheduler (run several for more throughput)."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true", help="Only run tasks; another worker schedules.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued now, then exit.")
        parser.add_argument("--supervise", action="store_true",
                            help="Run the worker as a child process and start it again whenever it exits.")
        parser.add_argument("--lease", type=int, default=None,
                            help="Seconds after which a running task whose worker went silent is run again "
                                 "(default: TASKS_LEASE_SECONDS, 600).")

    def handle(self, *args, no_scheduler=False, batch=False, lease=None, verbosity=1, **options):
        lease_td = dt.timedelta(seconds=lease or lease_seconds())
        if lease_td.total_seconds() < 3:
            raise CommandError("--lease must be at least 3 seconds")
        if options["supervise"]:
            if batch:
                raise CommandError("--supervise runs for ever; it cannot be used with --batch")
            command = [sys.executable, "-m", "linli", "worker", "-v", str(verbosity),
                       "--lease", str(int(lease_td.total_seconds()))]
            supervise([*command, "--no-scheduler"] if no_scheduler else command)
            return
        db_worker.Command(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity)
        stop = threading.Event()
        if not no_scheduler:
            last: dict[str, float] = {}
            reclaim_stale_tasks(lease=lease_td)
            enqueue_due(_pending_paths(), last, time.monotonic())
            if not batch:
                threading.Thread(target=_schedule_forever, args=(stop, last, lease_td), daemon=True,
                                 name="scheduler").start()
        worker = Worker(
            lease=lease_td, queue_names=["*"], interval=1, batch=batch, backend_name="default",
            startup_delay=not batch, max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            keep_running(worker)
        finally:
            stop.set()
