from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """The Executive group: reads every dashboard, team guide and the weekly scorecard."""

    dependencies = [
        ("program", "0009_evidence_never_deleted"),
        ("assessments", "0013_lrs_sync_recovery"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
