"""Set up LRS connections from the shell: `lrs_connection add NAME --endpoint URL --key KEY --secret SECRET`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.choices import SinceMode
from assessments.lrs.connections import connection_create
from assessments.models import LRSConnection


class Command(BaseCommand):
    help = "Add or list LRS connections (the secret is encrypted at rest and never shown back)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a connection.")
        add.add_argument("name")
        add.add_argument("--endpoint", required=True, help="xAPI endpoint, e.g. https://lrs.example.com/xAPI/")
        add.add_argument("--key", required=True)
        add.add_argument("--secret", required=True)
        add.add_argument("--page-size", type=int, default=500)
        add.add_argument("--interval-minutes", type=int, default=60, help="Schedule; 0 syncs only on demand.")
        add.add_argument("--since-mode", choices=SinceMode.values, default=SinceMode.STORED)
        add.add_argument("--disabled", action="store_true")
        actions.add_parser("list", help="List connections with their cursor.")

    def handle(self, *args, action, **options):
        if action == "list":
            for connection in LRSConnection.objects.all():
                state = "enabled" if connection.enabled else "disabled"
                self.stdout.write(
                    f"{connection.name}\t{connection.endpoint}\t{state}\tcursor={connection.cursor_stored}"
                )
            return
        try:
            connection = connection_create(
                name=options["name"],
                endpoint=options["endpoint"],
                key=options["key"],
                secret=options["secret"],
                page_size=options["page_size"],
                sync_interval_minutes=options["interval_minutes"] or None,
                since_mode=options["since_mode"],
                enabled=not options["disabled"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Added LRS connection {connection.name} ({connection.endpoint})"))
