# The address column holds ciphertext from now on; one delivery row per notification and backend
# (the delivery key); pending notifications found by a partial index.

import linli.privacy.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_encrypt_addresses_and_one_delivery_per_backend'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='address',
            field=linli.privacy.fields.EncryptedTextField(blank=True, help_text='Mobile number or e-mail', verbose_name='address'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('delivery_done_at__isnull', True)), fields=['created_at'], name='notification_outbox'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(fields=('notification', 'backend'), name='delivery_once_per_backend'),
        ),
    ]
