"""The worker's scheduler enqueues each periodic task at its own interval, never while one waits."""

from __future__ import annotations

from unittest import mock

from linli.core.management.commands import worker


def test_each_periodic_task_runs_at_its_own_interval():
    every = dict(worker.PERIODIC)
    enqueued = []
    with mock.patch("django.utils.module_loading.import_string") as load:
        load.side_effect = lambda path: mock.Mock(enqueue=lambda: enqueued.append(path))
        last: dict[str, float] = {}
        assert worker.enqueue_due(set(), last, 0.0) == [p for p, _e in worker.PERIODIC]
        assert worker.enqueue_due(set(), last, 59.0) == []
        assert worker.enqueue_due(set(), last, 60.0) == [p for p, e in worker.PERIODIC if e <= 60]
        assert worker.enqueue_due({"linli.dispatch.tasks.expire_offers"}, last, 200.0) == [
            p for p, e in worker.PERIODIC if e <= 60 and p != "linli.dispatch.tasks.expire_offers"]
        assert "linli.dispatch.tasks.roll_plans_forward" in worker.enqueue_due(set(), last, every["linli.dispatch.tasks.roll_plans_forward"])


def test_open_tasks_are_dispatched_every_quarter_of_an_hour():
    path = "linli.dispatch.tasks.dispatch_open_tasks"
    assert dict(worker.PERIODIC)[path] == 900
    with mock.patch("django.utils.module_loading.import_string") as load:
        load.side_effect = lambda p: mock.Mock(enqueue=lambda: None)
        last: dict[str, float] = {}
        assert path in worker.enqueue_due(set(), last, 0.0)
        assert path not in worker.enqueue_due(set(), last, 899.0)
        assert path in worker.enqueue_due(set(), last, 900.0)
        assert path not in worker.enqueue_due({path}, last, 1800.0)  # one run already waits


def test_every_periodic_path_names_a_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    assert all(isinstance(import_string(path), Task) for path, _every in worker.PERIODIC)
