"""Demands sent through 我要服务 without an account were stored as public-area needs only because
they had no resident (the old default of ``demand_submit``). Nobody marked them as about a public
place, and they hold the sender's own words and address: their consent becomes "given by the
resident", so Open311 never publishes them. Reversing does nothing (the old value was a default,
not a choice)."""

from django.db import migrations


def self_service_is_not_public_area(apps, schema_editor):
    Demand = apps.get_model("demands", "Demand")
    Demand.objects.filter(channel="self_service", resident__isnull=True, consent="public_area").update(consent="self")


class Migration(migrations.Migration):

    dependencies = [
        ("demands", "0002_demand_publication_moderation"),
    ]

    operations = [
        migrations.RunPython(self_service_is_not_public_area, migrations.RunPython.noop),
    ]
