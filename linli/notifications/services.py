"""``notify``: store a message in each recipient's inbox, then send it through the outside backends.

Outside delivery runs in the background (``tasks.deliver``), enqueued after the surrounding
transaction commits, so a rolled-back action sends nothing and a slow SMS gateway never holds a
page or an API request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from linli.notifications.models import Notification
from linli.notifications.templates_text import TEMPLATES


def render(template: str, context: dict, language: str | None) -> tuple[str, str]:
    subject, body = TEMPLATES[template]
    with translation.override(language or settings.LANGUAGE_CODE):
        params = {k: str(v) for k, v in context.items()}
        return str(subject) % params, str(body) % params


def notify(
    *, template: str, context: dict, users: Iterable = (), addresses: Iterable[str] = (), link: str = "",
    urgent: bool = False,
) -> list[Notification]:
    """One notification per user (in their language) and per bare address (in the default one)."""
    rows = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        subject, body = render(template, context, getattr(user, "preferred_language", "") or None)
        rows.append(Notification(recipient=user, template=template, subject=subject, body=body, link=link, urgent=urgent))
    for address in addresses:
        if address:
            subject, body = render(template, context, None)
            rows.append(Notification(address=address, template=template, subject=subject, body=body, link=link, urgent=urgent))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if ids and settings.NOTIFICATION_BACKENDS:
        from linli.notifications.tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(ids))
    return created


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
