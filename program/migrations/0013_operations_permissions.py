from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Managers read service levels, objectives and events; integrations push metric samples."""

    dependencies = [
        ("program", "0012_operations_service_levels"),
        ("assessments", "0014_lrs_sync_recovery"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
