"""Import service-level samples from a CSV file: `import_metrics FILE` (all lines or none)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from program.operations.services import metrics_csv_import

# Enough refusals to fix a file in one go, without flooding a terminal with a million lines.
ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import metric samples from a CSV file with the columns time,service,region,metric,value (and optionally "
        "step_seconds). Nothing is stored unless every line is valid; refusals are listed by line and kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        with file.open(encoding="utf-8-sig", newline="") as text_stream:
            result = metrics_csv_import(text_stream=text_stream, batch=file.name)
        if not result.ok:
            lines = [f"line {line}: {reason}" for line, reason in result.errors[:ERRORS_SHOWN]]
            if len(result.errors) > ERRORS_SHOWN:
                lines.append(f"… and {len(result.errors) - ERRORS_SHOWN} more (admin → Rejected metric samples)")
            raise CommandError(f"{file.name}: nothing imported, {len(result.errors)} refused\n" + "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {result.imported} samples imported"))
