"""Report stored values off their shape or limit (rows older than the input rules), and repair them on request:
`manage.py stored_values` lists them and exits non-zero; `manage.py stored_values --repair` fixes them."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from program.stored_values import stored_value_problems


class Command(BaseCommand):
    help = "List stored values that break the input rules (program/validators.py); --repair fixes them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Coerce off-shape JSON to its shape, cut over-long text at its limit, drop NUL characters.",
        )

    def handle(self, *args, repair: bool = False, **options):
        with transaction.atomic():
            problems = stored_value_problems(repair=repair)
        for problem in problems:
            self.stdout.write(f"{problem}{' (repaired)' if repair else ''}")
        if problems and not repair:
            raise CommandError(f"{len(problems)} stored values break the input rules: run with --repair to fix them.")
        self.stdout.write(f"{len(problems)} repaired." if repair else "Every stored value fits its rules.")
