from django.db import migrations


def forwards(apps, schema_editor):
    from linli.catalog.loading import load_catalog

    load_catalog(apps.get_model("catalog", "ServiceCategory"), apps.get_model("catalog", "ServiceItem"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
