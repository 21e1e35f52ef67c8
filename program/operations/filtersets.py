"""Filters of the service-level lists (API): by service, region, metric, origin, time."""

from django_filters import rest_framework as filters

from program.api.filters import DateTimeRangeFilter, IdFilter

from .choices import Metric, SampleOrigin
from .models import MetricSample, OperationalEvent, PrometheusSource, RejectedMetricSample, ServiceLevelObjective


class MetricSampleFilterSet(filters.FilterSet):
    service = IdFilter(field_name="service_id")
    region = IdFilter(field_name="region_id")
    service_wide = filters.BooleanFilter(field_name="region", lookup_expr="isnull", label="Service-wide (no region)")
    metric = filters.ChoiceFilter(choices=Metric.choices)
    origin = filters.ChoiceFilter(choices=SampleOrigin.choices)
    source = IdFilter(field_name="source_id")
    at = DateTimeRangeFilter()

    class Meta:
        model = MetricSample
        fields = ["service", "region", "service_wide", "metric", "origin", "source", "at"]


class RejectedMetricSampleFilterSet(filters.FilterSet):
    origin = filters.ChoiceFilter(choices=SampleOrigin.choices)
    source = IdFilter(field_name="source_id")
    batch = filters.CharFilter()
    received_at = DateTimeRangeFilter()

    class Meta:
        model = RejectedMetricSample
        fields = ["origin", "source", "batch", "received_at"]


class ServiceLevelObjectiveFilterSet(filters.FilterSet):
    service = IdFilter(field_name="service_id")
    team = IdFilter(field_name="service__team_id")

    class Meta:
        model = ServiceLevelObjective
        fields = ["service", "team"]


class PrometheusSourceFilterSet(filters.FilterSet):
    name = filters.CharFilter()
    active = filters.BooleanFilter()

    class Meta:
        model = PrometheusSource
        fields = ["name", "active"]


class OperationalEventFilterSet(filters.FilterSet):
    service = IdFilter(field_name="services", distinct=True)
    region = IdFilter(field_name="region_id")
    starts_at = DateTimeRangeFilter()
    ends_at = DateTimeRangeFilter()

    class Meta:
        model = OperationalEvent
        fields = ["service", "region", "starts_at", "ends_at"]
