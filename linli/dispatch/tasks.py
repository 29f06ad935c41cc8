"""Background work of the dispatch service: unanswered offers expire and pass to the next best."""

from __future__ import annotations

from django_tasks import task

from linli.dispatch.services import offers_expire


@task()
def expire_offers() -> int:
    return offers_expire()
