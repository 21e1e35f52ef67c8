from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Give the permission groups their permissions on the LRS models."""

    dependencies = [
        ("assessments", "0006_lrs_statements"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
