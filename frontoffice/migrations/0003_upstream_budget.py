from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frontoffice", "0002_audit_entry"),
    ]

    operations = [
        migrations.CreateModel(
            name="UpstreamBudget",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("log", models.TextField(blank=True, default="")),
                ("blocked_until", models.FloatField(default=0.0)),
            ],
        ),
    ]
