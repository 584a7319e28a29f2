# Report.format names a format of the ingestion's registry (ingest/formats/): the registry is the
# one declaration of the formats, so the column keeps no choices or check constraint of its own.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_diagnosis_related_name'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='report',
            name='report_format_valid',
        ),
        migrations.AlterField(
            model_name='report',
            name='format',
            field=models.CharField(blank=True, max_length=16),
        ),
    ]
