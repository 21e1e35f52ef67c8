"""Sync LRS connections now, with a progress bar: `sync_lrs [--connection NAME]`."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assessments.choices import SyncRunStatus, SyncTrigger
from assessments.lrs.sync import SyncSkipped, connection_sync
from assessments.models import LRSConnection


class Command(BaseCommand):
    help = "Pull new statements from every enabled LRS connection (or one), resuming from each cursor."

    def add_arguments(self, parser):
        parser.add_argument("--connection", help="Name of the connection to sync (default: every enabled one).")

    def handle(self, *args, connection=None, **options):
        connections = LRSConnection.objects.filter(enabled=True)
        if connection:
            connections = LRSConnection.objects.filter(name=connection)
            if not connections.exists():
                raise CommandError(f"No LRS connection named {connection!r}")
        failed = skipped = False
        for item in connections:
            with tqdm(desc=item.name, unit=" statements", disable=options["verbosity"] == 0) as bar:
                try:
                    run = connection_sync(
                        connection_id=item.pk,
                        trigger=SyncTrigger.COMMAND,
                        progress=lambda result, bar=bar: (bar.update(result.fetched), bar.set_postfix(new=result.new)),
                    )
                except SyncSkipped as reason:
                    skipped = True
                    self.stderr.write(self.style.WARNING(f"{item.name}: NOT SYNCED: {reason}"))
                    continue
            summary = (
                f"{item.name}: {run.pages} pages, {run.new} new, {run.skipped} skipped, "
                f"{run.quarantined} quarantined, {run.attempts_created} attempts, {run.voided} voided"
            )
            if run.status == SyncRunStatus.FAILED:
                failed = True
                self.stderr.write(self.style.ERROR(f"{summary}; FAILED: {run.error}"))
            else:
                self.stdout.write(self.style.SUCCESS(summary))
        if failed:
            raise CommandError("at least one sync failed; the next run resumes from its cursor")
        if skipped:
            raise CommandError("at least one connection was not synced (another sync holds it); try again later")
