"""Learning paths (a role's sequence of content items) are content's, so nothing in roles points up to content: the
models join content's state on their existing tables (roles.0005 took them out of roles'), their content types
follow (keeping the permissions held on them), and the groups are re-applied."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import program.validators
from program.groups import sync_group_permissions

MOVED = ("learningpath", "pathstep")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="content", model=model).exists():
            ContentType.objects.filter(app_label="roles", model=model).update(app_label="content")


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="roles", model=model).exists():
            ContentType.objects.filter(app_label="content", model=model).update(app_label="roles")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("content", "0003_input_limits"),
        ("program", "0011_role_permissions_follow_the_model"),
        ("roles", "0005_learning_paths_leave_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LearningPath",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=200, validators=[program.validators.validate_storable_text])),
                        (
                            "description",
                            models.TextField(
                                blank=True,
                                max_length=10000,
                                validators=[
                                    django.core.validators.MaxLengthValidator(10000),
                                    program.validators.validate_storable_text,
                                ],
                            ),
                        ),
                        (
                            "role",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="learning_path",
                                to="program.role",
                            ),
                        ),
                    ],
                    options={"db_table": "roles_learningpath", "ordering": ["title"]},
                ),
                migrations.CreateModel(
                    name="PathStep",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveSmallIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("micro_course", "Micro-course"),
                                    ("lab", "Hands-on lab"),
                                    ("drill", "Incident drill"),
                                    ("checklist", "On-the-job checklist"),
                                    ("job_aid", "Job aid"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("required", models.BooleanField(default=True)),
                        (
                            "content_item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="path_steps",
                                to="content.contentitem",
                            ),
                        ),
                        (
                            "path",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="steps",
                                to="content.learningpath",
                            ),
                        ),
                        ("skills", models.ManyToManyField(blank=True, related_name="path_steps", to="roles.skill")),
                    ],
                    options={
                        "db_table": "roles_pathstep",
                        "ordering": ["path", "position"],
                        "constraints": [
                            models.UniqueConstraint(fields=("path", "position"), name="step_position_unique_per_path")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_back),
        migrations.RunPython(sync_group_permissions, migrations.RunPython.noop),
    ]
