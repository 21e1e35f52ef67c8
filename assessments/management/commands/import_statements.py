"""Import an LRS export (NDJSON or a JSON array) by streaming: `import_statements FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assessments.choices import SyncRunStatus
from assessments.lrs.importing import statements_import


class Command(BaseCommand):
    help = "Import xAPI statements from a file, through the same validation, dedupe, voiding and quarantine."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, file: Path, batch_size: int, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        with tqdm(
            total=file.stat().st_size, unit="B", unit_scale=True, desc=file.name, disable=options["verbosity"] == 0
        ) as bar:

            def progress(result, position):
                bar.update(position - bar.n)
                bar.set_postfix(new=result.new, quarantined=result.quarantined)

            run = statements_import(path=file, batch_size=batch_size, progress=progress)
        summary = (
            f"{run.fetched} read, {run.new} new, {run.skipped} skipped, {run.quarantined} quarantined, "
            f"{run.attempts_created} attempts, {run.voided} voided"
        )
        if run.status == SyncRunStatus.FAILED:
            raise CommandError(f"{summary}; stopped: {run.error}")
        self.stdout.write(self.style.SUCCESS(summary))
