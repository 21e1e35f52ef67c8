from django.db import migrations

from program.groups import sync_group_permissions


class Migration(migrations.Migration):
    """Create the program's permission groups: L&D admin, Coach, Manager, Learner, Integration."""

    dependencies = [
        ("program", "0002_initial"),
        ("roles", "0001_initial"),
        ("content", "0002_initial"),
        ("assessments", "0002_initial"),
        ("equity", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_group_permissions, migrations.RunPython.noop)]
