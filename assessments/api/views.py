"""API of scenarios, attempts (record, export) and sign-offs (create, export)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied

from assessments.filtersets import (
    AttemptFilterSet,
    GateExceptionFilterSet,
    GateGrantFilterSet,
    LRSSyncRunFilterSet,
    PersonReadinessFilterSet,
    QuarantinedStatementFilterSet,
    ScenarioFilterSet,
    SignOffFilterSet,
    StatementFilterSet,
)
from assessments.models import (
    Attempt,
    GateException,
    GateGrant,
    LRSSyncRun,
    PersonReadiness,
    QuarantinedStatement,
    Scenario,
    SignOff,
    Statement,
)
from assessments.services import attempt_record, signoff_create
from program.api.pagination import cursor_pagination
from program.api.viewsets import CsvExportMixin, ReadOnlyApiViewSet, ServiceCreateMixin
from program.api.visibility import Visibility
from program.selectors import person_for_user

from .serializers import (
    AttemptRecordSerializer,
    AttemptSerializer,
    GateExceptionSerializer,
    GateGrantSerializer,
    LRSSyncRunSerializer,
    PersonReadinessSerializer,
    QuarantinedStatementSerializer,
    ScenarioSerializer,
    SignOffCreateSerializer,
    SignOffSerializer,
    StatementSerializer,
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


class PersonReadinessViewSet(CsvExportMixin, ReadOnlyApiViewSet):
    """Each person's readiness against their role's standard: status, unmet criteria with the reason for each,
    criteria to re-assess after a version change, and when the sign-off expires."""

    queryset = PersonReadiness.objects.all()
    visibility = Visibility.through_person("person")
    serializer_class = PersonReadinessSerializer
    filterset_class = PersonReadinessFilterSet
    scope_family = "readiness"
    export_fields = {
        "id": "id",
        "person_id": "person_id",
        "person_email": "person__email",
        "team": "person__team__slug",
        "role": "person__role__key",
        "region": "person__region__code",
        "shift": "person__shift__code",
        "language": "person__working_language",
        "standard_id": "standard_id",
        "standard_version_id": "standard_version_id",
        "status": "status",
        "criteria_met": "criteria_met",
        "needs_reassessment": "needs_reassessment",
        "expires_at": "expires_at",
        "computed_at": "computed_at",
    }


class GateGrantViewSet(ReadOnlyApiViewSet):
    """Gates a person holds (or held): granted by a current sign-off, removed with a reason."""

    queryset = GateGrant.objects.all()
    visibility = Visibility.through_person("person")
    serializer_class = GateGrantSerializer
    filterset_class = GateGrantFilterSet
    scope_family = "gates"


class GateExceptionViewSet(ReadOnlyApiViewSet):
    """Time-boxed exceptions to gates, each with a reason and an approver who is not the requester."""

    queryset = GateException.objects.select_related("requested_by", "approved_by")
    visibility = Visibility.through_person("person")
    serializer_class = GateExceptionSerializer
    filterset_class = GateExceptionFilterSet
    scope_family = "gates"


class StatementViewSet(ReadOnlyApiViewSet):
    """xAPI statements kept from the LRS (indexed columns); cursor-paginated, newest stored first."""

    queryset = Statement.objects.select_related("identity")
    visibility = Visibility.through_person("identity__person")
    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    pagination_class = cursor_pagination("-stored", "-id")
    scope_family = "evidence"


class QuarantinedStatementViewSet(ReadOnlyApiViewSet):
    """Statements the portal could not accept, kept exactly as received with a readable reason."""

    queryset = QuarantinedStatement.objects.all()
    visibility = Visibility.program_admins()
    serializer_class = QuarantinedStatementSerializer
    filterset_class = QuarantinedStatementFilterSet
    scope_family = "evidence"


class LRSSyncRunViewSet(ReadOnlyApiViewSet):
    """Every LRS sync and import run: pages, new, skipped, quarantined, attempts made, error."""

    queryset = LRSSyncRun.objects.all()
    visibility = Visibility.program_admins()
    serializer_class = LRSSyncRunSerializer
    filterset_class = LRSSyncRunFilterSet
    scope_family = "evidence"
