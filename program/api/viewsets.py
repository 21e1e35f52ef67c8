"""Base viewsets: a resource is declared, not programmed.

    class AttemptViewSet(CsvExportMixin, ServiceCreateMixin, ReadOnlyApiViewSet):
        queryset = Attempt.objects.select_related("person", "scenario")   # eager loading
        visibility = Visibility.through_person("person")                  # rule from program/selectors.py
        serializer_class = AttemptSerializer
        filterset_class = AttemptFilterSet
        scope_family = "evidence"                                          # token scopes evidence:read/write

Writes never save a serializer: `ServiceCreateMixin` validates the input with `create_serializer_class`
and calls `create_service`, the same service the admin uses.
"""

from collections.abc import Callable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from program.csv_cells import csv_writer

from .renderers import CsvRenderer, FastJsonRenderer
from .visibility import Visibility

EXPORT_CHUNK_SIZE = 2000


class ReadOnlyApiViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve, narrowed by `visibility`, filtered by `filterset_class`."""

    visibility: Visibility
    scope_family: str
    # Ids are positive integers that fit a bigint: anything else is a 404 from the URL resolver.
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return self.visibility.apply(self.request.user, super().get_queryset())

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("POST", "PUT", "PATCH"):
            # Parse every write's body, even an action's that reads none, so the parser's limits (size, depth,
            # storable text) hold on every writable endpoint alike.
            request.data  # noqa: B018


class ServiceCreateMixin(mixins.CreateModelMixin):
    """POST validates with `create_serializer_class`, calls `create_service(**arguments)`, answers 201."""

    create_serializer_class: type
    create_service: Callable

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_serializer_class
        return super().get_serializer_class()

    def create_arguments(self, validated_data: dict) -> dict:
        """The keyword arguments of the service; override to add what comes from the request (e.g. the coach)."""
        return validated_data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(**self.create_arguments(serializer.validated_data))
        # Reload with the list's eager loading; what the caller created but may not see is still returned once.
        instance = self.get_queryset().filter(pk=instance.pk).first() or instance
        output = self.serializer_class(instance, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)


class _Echo:
    def write(self, value: str) -> str:
        return value


class CsvExportMixin:
    """`GET <list>/export/` streams every visible, filtered row as CSV, in constant memory.

    Declare `export_fields = {"column": "orm__path", ...}`; rows come from `values_list().iterator()`, so
    no model instances are built and memory stays flat however many rows match.
    """

    export_fields: dict[str, str]
    # column -> function of the value, for values a CSV cell cannot hold as they are (e.g. a JSON list).
    export_formatters: dict[str, Callable] = {}

    def export_rows(self, queryset) -> Iterator[list]:
        columns = list(self.export_fields)
        yield columns
        rows = queryset.values_list(*self.export_fields.values()).iterator(chunk_size=EXPORT_CHUNK_SIZE)
        formatters = [(columns.index(column), format_value) for column, format_value in self.export_formatters.items()]
        for row in rows:
            if formatters:
                row = list(row)
                for position, format_value in formatters:
                    row[position] = format_value(row[position])
            yield row

    @extend_schema(
        filters=True,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header row.")},
    )
    @action(detail=False, methods=["get"], url_path="export", renderer_classes=[FastJsonRenderer, CsvRenderer])
    def export(self, request, *args, **kwargs):
        """Every row the list would return (same filters, same visibility), as a streamed CSV file."""
        queryset = self.filter_queryset(self.get_queryset()).order_by("pk")
        writer = csv_writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in self.export_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        filename = f"{self.basename}-{timezone.now():%Y%m%d-%H%M%S}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
