"""Background work of the dispatch service: unanswered offers expire and pass to the next best,
recurring plans stay generated two weeks ahead, and open tasks of the next two days are dispatched."""

from __future__ import annotations

from django_tasks import task

from linli.dispatch.services import offers_expire


@task()
def expire_offers() -> int:
    return offers_expire()


@task()
def dispatch_open_tasks() -> int:
    """Batch dispatch without a coordinator pressing the button: for every street and day with
    open tasks starting in the next two days, the optimum offers the open tasks not yet started.
    Safe when several workers (or a coordinator) dispatch at once: each task is claimed first."""
    from linli.dispatch.services import dispatch_due

    return dispatch_due()["offers"]


#: How far ahead the occurrences of recurring plans are kept generated.
PLAN_HORIZON_DAYS = 14


@task()
def roll_plans_forward() -> int:
    """Keep every active plan's occurrences generated for the next two weeks (idempotent)."""
    import datetime as dt

    from django.utils import timezone

    from linli.dispatch.models import RecurringPlan
    from linli.dispatch.services import plan_generate

    today = timezone.localdate()
    return sum(plan_generate(plan=p, start=today, end=today + dt.timedelta(days=PLAN_HORIZON_DAYS))
               for p in RecurringPlan.objects.filter(active=True).select_related("item"))
