from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Managers approve and end gate exceptions of their people (the service already allowed it)."""

    dependencies = [
        ("program", "0005_person_name_order_index"),
        ("assessments", "0008_statement_drop_registration_index"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
