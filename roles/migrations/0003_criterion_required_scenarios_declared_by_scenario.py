"""`Criterion.required_scenarios` is now declared from the scenario side (assessments.0013); the table and its rows
stay as they are, only Django's state moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0002_input_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="criterion", name="required_scenarios")],
            database_operations=[],
        ),
    ]
