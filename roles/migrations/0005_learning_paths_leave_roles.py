"""Learning paths move to content (content.0004), which they sequence: they leave roles' state here. The tables
`roles_learningpath`, `roles_pathstep` and `roles_pathstep_skills` and their rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0004_role_owned_by_program"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PathStep"),
                migrations.DeleteModel(name="LearningPath"),
            ],
            database_operations=[],
        ),
    ]
