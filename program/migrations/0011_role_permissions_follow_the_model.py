"""The role's content type follows it from roles to program, so the permissions held on it (and admin history) keep
their rows; then the groups are re-applied (coaches, managers and learners view roles, as before)."""

from django.db import migrations

from program.groups import sync_group_permissions


def move_role_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="program", model="role").exists():
        ContentType.objects.filter(app_label="roles", model="role").update(app_label="program")


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="roles", model="role").exists():
        ContentType.objects.filter(app_label="program", model="role").update(app_label="roles")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("program", "0010_role_owned_by_program"),
        ("roles", "0004_role_owned_by_program"),
    ]

    operations = [
        migrations.RunPython(move_role_content_type, move_back),
        migrations.RunPython(sync_group_permissions, migrations.RunPython.noop),
    ]
