"""`Scenario.required_by_criteria` takes over `roles.Criterion.required_scenarios` (roles.0003) on the same table, so
no relation runs from roles up to assessments; the rows stay as they are, only Django's state moves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0012_gate_exception_approval"),
        ("roles", "0003_criterion_required_scenarios_declared_by_scenario"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="scenario",
                    name="required_by_criteria",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="roles_criterion_required_scenarios",
                        help_text="Criteria that require a passing attempt of this very scenario.",
                        related_name="required_scenarios",
                        to="roles.criterion",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
