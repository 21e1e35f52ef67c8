"""API of scenarios, attempts (record, export) and sign-offs (create, export)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied

from assessments.filtersets import AttemptFilterSet, ScenarioFilterSet, SignOffFilterSet
from assessments.models import Attempt, Scenario, SignOff
from assessments.services import attempt_record, signoff_create
from program.api.pagination import cursor_pagination
from program.api.viewsets import CsvExportMixin, ReadOnlyApiViewSet, ServiceCreateMixin
from program.api.visibility import Visibility
from program.selectors import person_for_user

from .serializers import (
    AttemptRecordSerializer,
    AttemptSerializer,
    ScenarioSerializer,
    SignOffCreateSerializer,
    SignOffSerializer,
)


class ScenarioViewSet(ReadOnlyApiViewSet):
    """Assessment scenarios: one definition (scoring rule, pass mark, key steps) used the same everywhere."""

    queryset = Scenario.objects.prefetch_related("skills")
    visibility = Visibility.everyone()
    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilterSet
    scope_family = "evidence"


@extend_schema_view(
    create=extend_schema(
        examples=[
            OpenApiExample(
                "A drill observed by a reviewer",
                value={
                    "person": 42,
                    "scenario": 7,
                    "score": "86.50",
                    "completed_at": "2026-03-02T14:05:00Z",
                    "reviewer": 12,
                    "time_to_detect_seconds": 95,
                    "evidence_source": "reviewer",
                },
                request_only=True,
            )
        ]
    )
)
class AttemptViewSet(CsvExportMixin, ServiceCreateMixin, ReadOnlyApiViewSet):
    """Attempts at scenarios, the evidence readiness is computed from; cursor-paginated, newest first.
    Recording one calls `attempt_record` (numbering, pass mark, the person's team at that time)."""

    queryset = Attempt.objects.all()
    visibility = Visibility.through_person("person")
    serializer_class = AttemptSerializer
    filterset_class = AttemptFilterSet
    pagination_class = cursor_pagination("-completed_at", "-id")
    scope_family = "evidence"
    create_serializer_class = AttemptRecordSerializer
    create_service = attempt_record
    export_fields = {
        "id": "id",
        "person_id": "person_id",
        "person_email": "person__email",
        "team": "team__slug",
        "role": "person__role__key",
        "region": "person__region__code",
        "shift": "person__shift__code",
        "language": "person__working_language",
        "scenario": "scenario__key",
        "rubric_version_id": "rubric_version_id",
        "attempt_number": "attempt_number",
        "completed_at": "completed_at",
        "score": "score",
        "passed": "passed",
        "level_achieved": "level_achieved",
        "time_to_detect_seconds": "time_to_detect_seconds",
        "time_to_mitigate_seconds": "time_to_mitigate_seconds",
        "time_to_restore_seconds": "time_to_restore_seconds",
        "evidence_source": "evidence_source",
        "voided_at": "voided_at",
    }


class SignOffViewSet(CsvExportMixin, ServiceCreateMixin, ReadOnlyApiViewSet):
    """Coaches' readiness decisions. Creating one calls `signoff_create` as the calling coach, who must
    coach the person; it is made against a published standard version and expires per the standard."""

    queryset = SignOff.objects.prefetch_related("evidence_reviewed")
    visibility = Visibility.through_person("person")
    serializer_class = SignOffSerializer
    filterset_class = SignOffFilterSet
    scope_family = "evidence"
    create_serializer_class = SignOffCreateSerializer
    create_service = signoff_create
    export_fields = {
        "id": "id",
        "person_id": "person_id",
        "person_email": "person__email",
        "team": "person__team__slug",
        "role": "person__role__key",
        "coach_email": "coach__email",
        "standard_version_id": "standard_version_id",
        "decision": "decision",
        "signed_at": "signed_at",
        "expires_at": "expires_at",
        "revoked_at": "revoked_at",
        "revoke_reason": "revoke_reason",
    }

    def create_arguments(self, validated_data: dict) -> dict:
        coach = person_for_user(self.request.user)
        if coach is None:
            raise PermissionDenied("Only a coach with a person record in the program can sign off.")
        return validated_data | {"coach": coach}
