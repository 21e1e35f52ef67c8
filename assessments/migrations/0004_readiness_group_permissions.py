from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Give the permission groups their rights on the readiness and gate models (L&D admin all, others view)."""

    dependencies = [
        ("assessments", "0003_readiness_and_gates"),
        ("program", "0003_permission_groups"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
