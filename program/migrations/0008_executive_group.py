from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """The Executive group: reads every dashboard, team guide and the weekly scorecard."""

    dependencies = [
        ("program", "0007_input_limits"),
        ("assessments", "0011_input_limits_and_readiness_failures"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
