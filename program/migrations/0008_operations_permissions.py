from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Managers read service levels, objectives and events; integrations push metric samples."""

    dependencies = [
        ("program", "0007_operations_service_levels"),
        ("assessments", "0010_statement_rare_status_index"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
