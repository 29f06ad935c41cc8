"""``linli worker``: run background tasks (notifications, reminders, escalations, follow-ups).

It runs django-tasks' database worker and, beside it, a small scheduler that enqueues the
periodic jobs (the demand deadline sweep every minute). Run as many workers as you like, on as
many machines as share the database: tasks are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL (one writer at a time on SQLite), and every periodic job claims each demand with a
conditional UPDATE, so nothing is sent twice even when several schedulers enqueue the same job.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.management import BaseCommand, call_command
from django.db import close_old_connections

logger = logging.getLogger("linli.worker")

#: (dotted path of a django-tasks task, seconds between runs)
PERIODIC = [
    ("linli.demands.tasks.sweep_deadlines", 60),
    ("linli.dispatch.tasks.expire_offers", 60),
    ("linli.dispatch.tasks.roll_plans_forward", 3600),
    ("linli.dispatch.tasks.dispatch_open_tasks", 900),
]


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


def _pending_paths() -> set[str]:
    from django_tasks_db.models import DBTaskResult

    return set(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def _schedule_forever(stop: threading.Event, last: dict[str, float]) -> None:
    interval = min(every for _path, every in PERIODIC)
    while not stop.wait(interval):
        try:
            enqueue_due(_pending_paths(), last, time.monotonic())
        except Exception:  # the database may be restarting: try again next time
            logger.exception("could not enqueue periodic tasks")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Run background tasks and the periodic scheduler (run several for more throughput)."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true", help="Only run tasks; another worker schedules.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued now, then exit.")

    def handle(self, *args, no_scheduler=False, batch=False, verbosity=1, **options):
        stop = threading.Event()
        if not no_scheduler:
            last: dict[str, float] = {}
            enqueue_due(_pending_paths(), last, time.monotonic())
            if not batch:
                threading.Thread(target=_schedule_forever, args=(stop, last), daemon=True, name="scheduler").start()
        try:
            call_command("db_worker", queue_name="*", batch=batch, reload=False, verbosity=verbosity,
                         startup_delay=not batch)
        finally:
            stop.set()
