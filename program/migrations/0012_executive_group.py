from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """The Executive group: reads every dashboard, team guide and the weekly scorecard."""

    dependencies = [
        ("program", "0011_role_permissions_follow_the_model"),
        ("assessments", "0014_lrs_sync_recovery"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
