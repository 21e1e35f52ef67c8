from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """No group may delete evidence or records of decisions (program.groups.NEVER_DELETED_MODELS)."""

    dependencies = [
        ("program", "0008_audit_actions_authz"),
        ("assessments", "0012_gate_exception_approval"),
        ("content", "0003_input_limits"),
        ("equity", "0002_input_limits"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
