"""Background work of the dispatch service: unanswered offers expire and pass to the next best."""

from __future__ import annotations

from django_tasks import task

from linli.dispatch.services import offers_expire


@task()
def expire_offers() -> int:
    return offers_expire()


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
