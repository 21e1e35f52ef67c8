"""CSV downloads of the pages' tables, with cells neutralised against formula injection."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

# A spreadsheet runs a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value) -> str:
    """The cell as text, prefixed with an apostrophe when a spreadsheet would read it as a formula.

    Numbers stay numbers (a negative number is data, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
