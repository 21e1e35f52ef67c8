"""CSV downloads of the pages' tables, written through the portal's one safe CSV writer (program/csv_cells.py)."""

import io
from collections.abc import Iterable

from django.http import HttpResponse

from program.csv_cells import csv_writer


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    csv_writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
