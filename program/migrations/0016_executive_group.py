from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """The Executive group: reads every dashboard, team guide and the weekly scorecard."""

    dependencies = [
        ("program", "0015_incident_permissions"),
        ("assessments", "0015_reviewer_calibration"),
        ("equity", "0003_audit_statistics"),
        ("content", "0005_refresh_from_incidents"),
        ("roles", "0006_reviewer_calibration"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
