"""The caller's last four mobile digits in clear on each demand, for the queue's search by the last
four digits (the numbers themselves are encrypted); filled for the demands already stored."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Demand = apps.get_model("demands", "Demand")
    rows = Demand.objects.select_related("resident").only("pk", "contact_mobile", "resident__mobile").order_by("pk")
    batch = []
    for demand in rows.iterator(chunk_size=2000):
        number = demand.contact_mobile or (demand.resident.mobile if demand.resident_id else "")
        digits = "".join(c for c in (number or "") if c.isdigit())
        if len(digits) >= 4:
            demand.mobile_tail = digits[-4:]
            batch.append(demand)
        if len(batch) >= 2000:
            Demand.objects.bulk_update(batch, ["mobile_tail"])
            batch = []
    if batch:
        Demand.objects.bulk_update(batch, ["mobile_tail"])


class Migration(migrations.Migration):

    dependencies = [
        ("demands", "0003_self_service_demands_not_public_area"),
    ]

    operations = [
        migrations.AddField(
            model_name="demand",
            name="mobile_tail",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=4),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
