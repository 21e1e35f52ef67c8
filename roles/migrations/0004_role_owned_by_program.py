"""The standard and the learning path of a role point at `program.Role` (program.0010); `roles.Role` leaves Django's
state. No table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0003_criterion_required_scenarios_declared_by_scenario"),
        ("program", "0010_role_owned_by_program"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="readinessstandard",
                    name="role",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="standard", to="program.role"
                    ),
                ),
                migrations.AlterField(
                    model_name="learningpath",
                    name="role",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="learning_path", to="program.role"
                    ),
                ),
                migrations.DeleteModel(name="Role"),
            ],
            database_operations=[],
        ),
    ]
