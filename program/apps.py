from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program (people and org)"

    def ready(self):
        # Infrastructure wiring only: login lockouts (django-axes) are written to the audit trail.
        from . import login_audit  # noqa: F401
