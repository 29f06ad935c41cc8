from django.db import migrations


def forwards(apps, schema_editor):
    from linli.people.loading import load_tags

    load_tags(apps.get_model("people", "TargetGroupTag"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
