"""API of incidents: read them (visibility follows the services' teams) and push them from an incident tool."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from program.api.model_serializer import ModelSerializer
from program.api.serializers import VisiblePersonField
from program.api.viewsets import ReadOnlyApiViewSet, ServiceCreateMixin
from program.api.visibility import Visibility
from program.choices import IncidentSource
from program.models import Incident, Service

from .filtersets import IncidentFilterSet
from .selectors import incidents_visible_to
from .services import incident_record


class IncidentSerializer(ModelSerializer):
    minutes_to_restore = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "services",
            "severity",
            "root_cause",
            "started_at",
            "detected_at",
            "acknowledged_at",
            "mitigated_at",
            "restored_at",
            "minutes_to_restore",
            "responders",
            "note",
            "source",
            "external_id",
            "updated_at",
        ]

    def get_minutes_to_restore(self, incident) -> float | None:
        duration = incident.time_to_restore
        return round(duration.total_seconds() / 60, 1) if duration else None


class IncidentPushSerializer(ModelSerializer):
    """Input of `incident_record`: pushing the same `external_id` again updates that incident."""

    services = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), many=True, allow_empty=False)
    responders = VisiblePersonField(many=True, required=False)
    external_id = serializers.CharField(max_length=100, help_text="The incident's id in your tool (idempotency key).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    class Meta:
        model = Incident
        fields = [
            "title",
            "services",
            "severity",
            "root_cause",
            "started_at",
            "detected_at",
            "acknowledged_at",
            "mitigated_at",
            "restored_at",
            "responders",
            "note",
            "external_id",
        ]

    def validate(self, attrs):
        started = attrs["started_at"]
        errors = {
            name: "Cannot be before started_at."
            for name in ("detected_at", "acknowledged_at", "mitigated_at", "restored_at")
            if attrs.get(name) is not None and attrs[name] < started
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


@extend_schema_view(
    create=extend_schema(
        examples=[
            OpenApiExample(
                "A gateway timeout, restored after 38 minutes",
                value={
                    "title": "Payment gateway timeouts at checkout",
                    "services": [5],
                    "severity": "sev2",
                    "root_cause": "dependency_timeout",
                    "started_at": "2026-11-27T09:00:00Z",
                    "detected_at": "2026-11-27T09:04:00Z",
                    "restored_at": "2026-11-27T09:38:00Z",
                    "note": "The gateway timed out under load and our client retried without backoff.",
                    "external_id": "INC-2291",
                },
                request_only=True,
            )
        ]
    )
)
class IncidentViewSet(ServiceCreateMixin, ReadOnlyApiViewSet):
    """Incidents on the portal's services. L&D admins and integrations read all; others the incidents of
    services owned by the teams they see. Pushing one calls `incident_record` (idempotent on `external_id`);
    a new or changed note opens the content refresh tickets."""

    queryset = Incident.objects.prefetch_related("services", "responders")
    # Teams owning one of the incident's services (their members and managers); L&D admins and integrations all.
    visibility = Visibility(incidents_visible_to)
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    scope_family = "incidents"
    create_serializer_class = IncidentPushSerializer
    create_service = incident_record

    def create_arguments(self, validated_data: dict) -> dict:
        return validated_data | {"source": IncidentSource.API}
