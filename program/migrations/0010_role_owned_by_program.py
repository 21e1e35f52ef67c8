"""The job role moves from roles to program (an org fact, so nothing in program points up to roles): Django's state
only, the table `roles_role` and its rows stay as they are. Then roles.0004 points its relations here."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import program.validators


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0009_evidence_never_deleted"),
        ("roles", "0003_criterion_required_scenarios_declared_by_scenario"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Role",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.SlugField(max_length=64, unique=True)),
                        ("name", models.CharField(max_length=120, validators=[program.validators.validate_storable_text])),
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
                    ],
                    options={"db_table": "roles_role", "ordering": ["name"]},
                ),
                migrations.AlterField(
                    model_name="person",
                    name="role",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="people",
                        to="program.role",
                    ),
                ),
                migrations.AlterField(
                    model_name="teammembership",
                    name="role",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="program.role",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
