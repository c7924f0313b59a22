from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="faultconfig",
            name="write_then_fail",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="faultconfig",
            name="write_error",
            field=models.IntegerField(null=True),
        ),
    ]
