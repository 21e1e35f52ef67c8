"""Page-number pages for catalogues, cursor pages for the large, growing lists (attempts, audit trail)."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class TimeCursorPagination(CursorPagination):
    """Stable pages over a list that grows while it is read; no COUNT(*) over millions of rows."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


def cursor_pagination(*ordering: str) -> type[TimeCursorPagination]:
    """A cursor paginator ordered by the given fields (the last one unique, e.g. '-id', to break ties)."""
    return type("CursorPagination", (TimeCursorPagination,), {"ordering": ordering})
