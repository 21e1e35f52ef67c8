"""`manage.py load_demo`: build the demo org from seeds/data through the services (idempotent)."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seeds.data_files import DemoData, DemoDataError
from seeds.loader import DemoLoader


class Command(BaseCommand):
    help = (
        "Load the demo org (regions, teams, services, roles, standards, content, scenarios, 200+ people and a few "
        "months of attempts and sign-offs). Creates only what is missing: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Date the history is counted back from (YYYY-MM-DD); default: today, so the demo looks current.",
        )

    def handle(self, *args, today: datetime.date | None = None, **options):
        try:
            data = DemoData.read()
        except DemoDataError as error:
            raise CommandError(f"The demo data is wrong: {error}") from error
        today = today or timezone.localdate()
        started = time.monotonic()
        self.stdout.write(f"Loading the demo org as of {today:%Y-%m-%d}")
        created = DemoLoader(data=data, today=today, report=self.stdout.write).run()
        summary = ", ".join(f"{count} {what}" for what, count in created.items()) or "nothing new: already loaded"
        self.stdout.write(self.style.SUCCESS(f"Demo org ready in {time.monotonic() - started:.1f}s ({summary})."))
