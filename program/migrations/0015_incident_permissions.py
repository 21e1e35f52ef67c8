from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Groups' permissions on incidents, PagerDuty subscriptions, mappings and deliveries (program/groups.py)."""

    dependencies = [
        ("program", "0014_incidents"),
        ("content", "0005_refresh_from_incidents"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
