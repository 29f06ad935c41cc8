"""``notify``: store a message in each recipient's inbox, then send it through the outside backends.

The notification rows are the outbox: written in the caller's transaction (with the change they
tell about, or not at all), then sent in the background by ``tasks.deliver``, enqueued after the
surrounding transaction commits, so a rolled-back action sends nothing and a slow SMS gateway never
holds a page or an API request. What a lost task or a dead worker leaves pending is sent by the
worker's sweep (``tasks.deliver_pending``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from linli.notifications.models import Notification
from linli.notifications.templates_text import TEMPLATES
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import mask_mobile


def mask_address(address: str) -> str:
    """``139****5678`` for a mobile, ``s***@example.gov.cn`` for an e-mail address."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_mobile(address)


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
    outside = bool(settings.NOTIFICATION_BACKENDS)
    for address in addresses:
        if address:
            subject, body = render(template, context, None)
            rows.append(Notification(address=address if outside else "", address_masked=mask_address(address),
                                     address_hash=blind_index(address), template=template, subject=subject, body=body,
                                     link=link, urgent=urgent))
    if not outside:  # nothing to send: the outbox is done at once (and no full address is kept)
        now = timezone.now()
        for row in rows:
            row.delivery_done_at = now
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if ids and outside:
        from linli.notifications.tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(ids))
    return created


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
