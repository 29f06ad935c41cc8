# Existing rows: every address masked and hashed; the full address kept (encrypted) only for a
# recent notification that no backend has answered yet (the outbox sends it), erased otherwise.
# Deliveries: one row per notification and backend (the best answer kept, tries counted).

import datetime as dt

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

#: A notification older than this that no backend ever answered is not sent after the upgrade.
STILL_SENT = dt.timedelta(days=1)
_RANK = {"sent": 3, "skipped": 2, "failed": 1, "sending": 0}


def _mask(address):
    from linli.privacy.identifiers import mask_mobile

    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_mobile(address)


def forwards(apps, schema_editor):
    from linli.privacy import crypto

    Notification = apps.get_model("notifications", "Notification")
    Delivery = apps.get_model("notifications", "Delivery")

    doubled = (Delivery.objects.values("notification_id", "backend").annotate(n=Count("id")).filter(n__gt=1))
    for key in doubled.iterator():
        rows = list(Delivery.objects.filter(notification_id=key["notification_id"], backend=key["backend"]))
        keep = max(rows, key=lambda r: (_RANK.get(r.status, 0), r.pk))
        Delivery.objects.filter(pk__in=[r.pk for r in rows if r.pk != keep.pk]).delete()
        Delivery.objects.filter(pk=keep.pk).update(attempts=len(rows))

    now = timezone.now()
    answered = set(Delivery.objects.values_list("notification_id", flat=True).distinct())
    for n in Notification.objects.only("pk", "address", "created_at").iterator():
        done = n.pk in answered or n.created_at < now - STILL_SENT
        changes = {"delivery_done_at": now} if done else {}
        if n.address:
            changes.update(address_masked=_mask(n.address), address_hash=crypto.blind_index(n.address),
                           address="" if done else crypto.encrypt(n.address))
        if changes:
            Notification.objects.filter(pk=n.pk).update(**changes)


def backwards(apps, schema_editor):
    from linli.privacy import crypto

    Notification = apps.get_model("notifications", "Notification")
    for n in Notification.objects.exclude(address="").only("pk", "address").iterator():
        Notification.objects.filter(pk=n.pk).update(address=crypto.decrypt(n.address))


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_outbox_fields'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
