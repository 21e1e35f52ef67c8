"""The one way the portal writes CSV: every cell a spreadsheet could read as a formula is neutralised.

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel, LibreOffice
and Google Sheets when the file is opened (a person named `=HYPERLINK(...)` would phone home with the sheet's
data). Such a text cell is written with a leading apostrophe, which spreadsheets show as text and do not
evaluate. Numbers, dates and booleans are written as they are, so a negative score stays a number.

Every CSV export (API exports, error bodies in CSV, management commands, pages) writes through `csv_writer`; a
test fails if any module calls `csv.writer` itself.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


class SafeCsvWriter:
    """`csv.writer` with every cell passed through `csv_safe_cell` (same `writerow`/`writerows` interface)."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options) -> SafeCsvWriter:
    """A CSV writer on `file` (anything with `write`) whose cells are neutralised against formula injection."""
    return SafeCsvWriter(file, **options)
