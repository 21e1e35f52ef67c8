"""Page-number pages for catalogues, cursor pages for the large, growing lists (attempts, audit trail)."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination

from program.validators import text_problem


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class TimeCursorPagination(CursorPagination):
    """Stable pages over a list that grows while it is read; no COUNT(*) over millions of rows."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    model = None

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """DRF's decoding, plus a check of the position against the ordering field: a tampered cursor (any client
        can edit one) is a 404 like any other invalid cursor, never a failed query."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None or self.model is None:
            return cursor
        try:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            if text_problem(cursor.position):
                raise ValidationError("unstorable text")
            field.run_validators(field.to_python(cursor.position))
        except (FieldDoesNotExist, ValidationError, ValueError, TypeError, OverflowError):
            raise NotFound(self.invalid_cursor_message) from None
        return cursor


def cursor_pagination(*ordering: str) -> type[TimeCursorPagination]:
    """A cursor paginator ordered by the given fields (the last one unique, e.g. '-id', to break ties)."""
    return type("CursorPagination", (TimeCursorPagination,), {"ordering": ordering})
