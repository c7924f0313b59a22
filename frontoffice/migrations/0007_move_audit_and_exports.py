# The audit trail moved to the audit app, and the export jobs to the exports app, with their
# tables and rows as they are: this drops the models from frontoffice's state only, after the
# new apps' initial migrations have taken them over (no table is dropped or created).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('frontoffice', '0006_audit_result_unknown'),
        ('audit', '0001_initial'),
        ('exports', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='AuditEntry'),
                migrations.DeleteModel(name='ExportChunk'),
                migrations.DeleteModel(name='ExportJob'),
            ],
            database_operations=[],
        ),
    ]
