"""API of service levels: samples (read, and pushed by monitoring), SLOs with their status now, Prometheus
sources (no secret), refused samples and the events calendar."""

import orjson
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from program.api.model_serializer import ModelSerializer
from program.api.pagination import cursor_pagination
from program.api.viewsets import ReadOnlyApiViewSet
from program.api.visibility import Visibility

from .choices import SampleOrigin
from .filtersets import (
    MetricSampleFilterSet,
    OperationalEventFilterSet,
    PrometheusSourceFilterSet,
    RejectedMetricSampleFilterSet,
    ServiceLevelObjectiveFilterSet,
)
from .models import MetricSample, OperationalEvent, PrometheusSource, RejectedMetricSample, ServiceLevelObjective
from .selectors import slo_status
from .services import samples_import

MAX_PUSH_SAMPLES = 10_000


class MetricSampleSerializer(ModelSerializer):
    class Meta:
        model = MetricSample
        fields = ["id", "service", "region", "metric", "at", "step_seconds", "value", "origin", "source"]


class PushedSampleSerializer(serializers.Serializer):
    """One pushed sample (checked by the same rules as a CSV line; the schema documents the shape)."""

    time = serializers.CharField(help_text="ISO 8601 (UTC when no offset) or unix seconds: start of the interval.")
    service = serializers.CharField(help_text="The service's slug.")
    region = serializers.CharField(required=False, allow_blank=True, help_text="Region code; empty: service-wide.")
    metric = serializers.CharField(help_text="availability, latency_p95_ms or payment_error_rate.")
    value = serializers.FloatField()
    step_seconds = serializers.IntegerField(required=False, help_text="Length of the interval (default 3600).")


class MetricSamplePushSerializer(serializers.Serializer):
    # Items are checked one by one by the import (so refusals are kept); here only that each is an object.
    samples = serializers.ListField(
        child=serializers.JSONField(), allow_empty=False, max_length=MAX_PUSH_SAMPLES, help_text="Up to 10,000."
    )

    def validate_samples(self, samples):
        not_objects = [
            f"{index}: expected an object" for index, item in enumerate(samples) if not isinstance(item, dict)
        ]
        if not_objects:
            raise serializers.ValidationError(not_objects)
        return samples


PushResultSerializer = inline_serializer("MetricSamplePushResult", {"imported": serializers.IntegerField()})


@extend_schema_view(
    create=extend_schema(
        request=inline_serializer(
            "MetricSamplePush", {"samples": PushedSampleSerializer(many=True, help_text="Up to 10,000 samples.")}
        ),
        responses={200: PushResultSerializer},
        examples=[
            OpenApiExample(
                "Two hourly samples from monitoring",
                value={
                    "samples": [
                        {
                            "time": "2026-11-27T14:00:00Z",
                            "service": "payments-gateway",
                            "region": "emea",
                            "metric": "availability",
                            "value": 0.9997,
                        },
                        {
                            "time": "2026-11-27T14:00:00Z",
                            "service": "payments-gateway",
                            "region": "emea",
                            "metric": "latency_p95_ms",
                            "value": 870,
                        },
                    ]
                },
                request_only=True,
            )
        ],
    )
)
class MetricSampleViewSet(mixins.CreateModelMixin, ReadOnlyApiViewSet):
    """Service-level samples per service, region and metric (every signed-in user reads them). POST pushes a
    batch: all samples or none, refusals answered by index and kept; pushing the same batch again replaces the
    same samples. Cursor-paginated by time."""

    queryset = MetricSample.objects.all()
    visibility = Visibility.everyone()
    serializer_class = MetricSampleSerializer
    filterset_class = MetricSampleFilterSet
    pagination_class = cursor_pagination("at", "id")
    scope_family = "operations"

    def create(self, request, *args, **kwargs):
        payload = MetricSamplePushSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        samples = payload.validated_data["samples"]
        records = (
            (index, fields, orjson.dumps(fields, default=str).decode(), None) for index, fields in enumerate(samples)
        )
        who = request.auth.name if hasattr(request.auth, "name") else request.user.get_username()
        result = samples_import(records=records, origin=SampleOrigin.API, batch=f"push by {who}"[:200])
        if not result.ok:
            # "<index>: <field>: <why>", one per refused sample (the API's errors are flat lists of strings).
            raise ValidationError({"samples": [f"{index}: {reason}" for index, reason in result.errors]})
        return Response({"imported": result.imported}, status=status.HTTP_200_OK)


class RejectedMetricSampleSerializer(ModelSerializer):
    class Meta:
        model = RejectedMetricSample
        fields = ["id", "origin", "source", "batch", "line", "raw", "reason", "received_at"]


class RejectedMetricSampleViewSet(ReadOnlyApiViewSet):
    """Samples a way in refused, with the reason: L&D admins and integrations."""

    queryset = RejectedMetricSample.objects.all()
    visibility = Visibility.program_admins()
    serializer_class = RejectedMetricSampleSerializer
    filterset_class = RejectedMetricSampleFilterSet
    pagination_class = cursor_pagination("-received_at", "-id")
    scope_family = "operations"


class ServiceLevelObjectiveSerializer(ModelSerializer):
    error_budget = serializers.FloatField(read_only=True, help_text="1 − availability target.")

    class Meta:
        model = ServiceLevelObjective
        fields = [
            "id",
            "service",
            "window_days",
            "availability_target",
            "error_budget",
            "latency_p95_target_ms",
            "payment_error_rate_target",
        ]


class BudgetSerializer(serializers.Serializer):
    objective = serializers.FloatField()
    error_budget = serializers.FloatField()
    error_ratio = serializers.FloatField(allow_null=True)
    budget_spent = serializers.FloatField(allow_null=True)
    budget_left = serializers.FloatField(allow_null=True)
    covered_seconds = serializers.IntegerField()


class BurnAlertSerializer(serializers.Serializer):
    rule = serializers.CharField()
    factor = serializers.FloatField()
    long_window_seconds = serializers.IntegerField()
    short_window_seconds = serializers.IntegerField()
    long_burn_rate = serializers.FloatField(allow_null=True)
    short_burn_rate = serializers.FloatField(allow_null=True)
    firing = serializers.BooleanField()


class SloStatusSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    window_start = serializers.DateTimeField()
    now = serializers.DateTimeField()
    availability = BudgetSerializer()
    availability_alerts = BurnAlertSerializer(many=True)
    payment_errors = BudgetSerializer()
    payment_error_alerts = BurnAlertSerializer(many=True)
    latency_within_target = serializers.FloatField(allow_null=True)


def _budget(budget) -> dict:
    return {
        name: getattr(budget, name)
        for name in ("objective", "error_budget", "error_ratio", "budget_spent", "budget_left", "covered_seconds")
    }


def _alerts(alerts) -> list[dict]:
    return [
        {
            "rule": alert.rule.name,
            "factor": alert.rule.factor,
            "long_window_seconds": alert.rule.long_window_seconds,
            "short_window_seconds": alert.rule.short_window_seconds,
            "long_burn_rate": alert.long_burn_rate,
            "short_burn_rate": alert.short_burn_rate,
            "firing": alert.firing,
        }
        for alert in alerts
    ]


class ServiceLevelObjectiveViewSet(ReadOnlyApiViewSet):
    """Each service's targets (availability over a window, p95, payment error rate) and, under `status/`,
    the error budget left and the burn-rate alerts now."""

    queryset = ServiceLevelObjective.objects.select_related("service")
    visibility = Visibility.everyone()
    serializer_class = ServiceLevelObjectiveSerializer
    filterset_class = ServiceLevelObjectiveFilterSet
    scope_family = "operations"

    @extend_schema(responses={200: SloStatusSerializer})
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None):
        """Budget spent and left over the window ending now; fast (14.4×, 1 h and 5 min) and slow (6×, 6 h and
        30 min) burn-rate alerts for availability and payment errors; share of p95 samples within target."""
        report = slo_status(objective=self.get_object())
        return Response(
            {
                "service": report.objective.service_id,
                "window_start": report.window_start,
                "now": report.now,
                "availability": _budget(report.availability),
                "availability_alerts": _alerts(report.availability_alerts),
                "payment_errors": _budget(report.payment_errors),
                "payment_error_alerts": _alerts(report.payment_error_alerts),
                "latency_within_target": report.latency_within_target,
            }
        )


class PrometheusSourceSerializer(ModelSerializer):
    class Meta:
        model = PrometheusSource
        fields = [
            "id",
            "name",
            "base_url",
            "auth",
            "availability_query",
            "latency_p95_query",
            "payment_error_rate_query",
            "service_label",
            "region_label",
            "step_seconds",
            "interval_minutes",
            "active",
            "pulled_until",
            "last_pull_at",
            "last_pull_status",
            "last_pull_message",
        ]


class PrometheusSourceViewSet(ReadOnlyApiViewSet):
    """Prometheus sources and how their last pull went (never their secret): L&D admins and integrations."""

    queryset = PrometheusSource.objects.all()
    visibility = Visibility.program_admins()
    serializer_class = PrometheusSourceSerializer
    filterset_class = PrometheusSourceFilterSet
    scope_family = "operations"


class OperationalEventSerializer(ModelSerializer):
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = OperationalEvent
        fields = ["id", "name", "starts_at", "ends_at", "services", "region", "required_share", "notes"]


class OperationalEventViewSet(ReadOnlyApiViewSet):
    """The calendar of major sales and launches: services, region, and the on-call coverage they require."""

    queryset = OperationalEvent.objects.prefetch_related("services")
    visibility = Visibility.everyone()
    serializer_class = OperationalEventSerializer
    filterset_class = OperationalEventFilterSet
    scope_family = "operations"
