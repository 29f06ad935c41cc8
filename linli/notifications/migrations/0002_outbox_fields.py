# The outbox: a notification's address masked and hashed beside an encrypted copy that goes once
# delivery is over; a delivery is claimed (sending, attempts, claimed_at) before it is sent.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='delivery',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='claimed at'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='status',
            field=models.CharField(choices=[('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped: no address')], max_length=10, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='notification',
            name='address_hash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='notification',
            name='address_masked',
            field=models.CharField(blank=True, max_length=200, verbose_name='address (masked)'),
        ),
        migrations.AddField(
            model_name='notification',
            name='delivery_done_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='delivery done at'),
        ),
        # Ciphertext is longer than the clear value: a text column first, encrypted by 0003.
        migrations.AlterField(
            model_name='notification',
            name='address',
            field=models.TextField(blank=True, help_text='Mobile number or e-mail', verbose_name='address'),
        ),
    ]
