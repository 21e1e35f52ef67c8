"""Filter building blocks shared by every app's FilterSets."""

import datetime

from django import forms
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

BIGINT_MAX = 2**63 - 1
# Query parameters of paging and format negotiation, which never narrow a list.
NON_FILTER_PARAMETERS = frozenset({"page", "page_size", "cursor", "format"})


class IdField(forms.IntegerField):
    """A database id: a positive integer that fits a bigint (larger values would make PostgreSQL fail)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """Filter by a related object's id without loading the related table (unknown ids just match nothing)."""

    field_class = IdField


class DateTimeRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    """`<name>_after` / `<name>_before` with ISO 8601 date-times, e.g. `completed_at_after=2026-01-01T00:00:00Z`."""

    def filter(self, queryset, value):
        # ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC. A date so close to
        # year 1 or 9999 that UTC leaves the calendar raises OverflowError, which the API answers with a 400.
        if value:
            value = slice(*(bound.astimezone(datetime.UTC) if bound else bound for bound in (value.start, value.stop)))
        return super().filter(queryset, value)


class DateRangeFilter(filters.DateFromToRangeFilter):
    """`<name>_after` / `<name>_before` with ISO dates, e.g. `start_date_after=2026-01-01`."""


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, minus the cost of building and validating the filter form when the request
    names no filter at all (most BI pulls page through everything): a third of an unfiltered list's time."""

    def filter_queryset(self, request, queryset, view):
        if not set(request.query_params) - NON_FILTER_PARAMETERS:
            return queryset
        return super().filter_queryset(request, queryset, view)
