from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """The Executive group: reads every dashboard, team guide and the weekly scorecard."""

    dependencies = [
        ("program", "0006_managers_grant_gate_exceptions"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
