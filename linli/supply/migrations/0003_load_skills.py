from django.db import migrations


def forwards(apps, schema_editor):
    from linli.supply.loading import load_skills

    load_skills(apps.get_model("supply", "CertificateKind"), apps.get_model("supply", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("supply", "0002_volunteers_and_availability")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
