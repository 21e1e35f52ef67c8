"""API of scenarios, attempts (record, export), sign-offs (create, revoke, export), readiness (export), gate
grants and exceptions (create, end), and the LRS records: statements, quarantine (re-process), actor identities
and sync runs."""

from django.db.models import Count, OuterRef, Q, Subquery
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from assessments.choices import StatementStatus
from assessments.filtersets import (
    ActorIdentityFilterSet,
    AttemptFilterSet,
    GateExceptionFilterSet,
    GateGrantFilterSet,
    LRSConnectionFilterSet,
    LRSSyncRunFilterSet,
    PersonReadinessFilterSet,
    QuarantinedStatementFilterSet,
    ScenarioFilterSet,
    SignOffFilterSet,
    StatementFilterSet,
)
from assessments.lrs.quarantine import quarantine_reprocess
from assessments.lrs.review import identity_map
from assessments.models import (
    ActorIdentity,
    Attempt,
    GateException,
    GateGrant,
    LRSConnection,
    LRSSyncRun,
    PersonReadiness,
    QuarantinedStatement,
    Scenario,
    SignOff,
    Statement,
)
from assessments.services.attempts import attempt_record
from assessments.services.exceptions import gate_exception_approve, gate_exception_end, gate_exception_request
from assessments.services.signoffs import signoff_create, signoff_revoke
from program.api.pagination import cursor_pagination
from program.api.viewsets import CsvExportMixin, ReadOnlyApiViewSet, ServiceCreateMixin
from program.api.visibility import Visibility
from program.selectors import person_for_user, user_is_machine_account
from roles.models import StandardVersion

from .serializers import (
    ActorIdentityMapSerializer,
    ActorIdentitySerializer,
    AttemptRecordSerializer,
    AttemptSerializer,
    GateExceptionEndSerializer,
    GateExceptionRequestSerializer,
    GateExceptionSerializer,
    GateGrantSerializer,
    LRSConnectionSerializer,
    LRSSyncRunSerializer,
    PersonReadinessSerializer,
    QuarantinedStatementSerializer,
    ScenarioSerializer,
    SignOffCreateSerializer,
    SignOffRevokeSerializer,
    SignOffSerializer,
    StatementDetailSerializer,
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

    def create_arguments(self, validated_data: dict) -> dict:
        # The serializer let `reviewer` through from a machine account only; for anyone else it is the caller.
        if user_is_machine_account(self.request.user):
            return validated_data
        return validated_data | {"reviewer": person_for_user(self.request.user)}

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
        return validated_data | {"coach": coach, "recorded_by": self.request.user}

    @extend_schema(request=SignOffRevokeSerializer, responses={200: SignOffSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the sign-off with a reason (it is kept, never deleted) through `signoff_revoke`: the person's
        coach or an L&D admin may; the person's readiness and gates follow."""
        serializer = SignOffRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signoff = signoff_revoke(signoff=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(SignOffSerializer(self.get_queryset().get(pk=signoff.pk)).data)


def _unmet_criteria_text(unmet: list[dict]) -> str:
    return " | ".join(f"{item['title']}: {item['reason']}" for item in unmet)


class PersonReadinessViewSet(CsvExportMixin, ReadOnlyApiViewSet):
    """Where each person stands against their role's standard (its current published version): the status,
    the unmet criteria with the reason for each, and when the sign-off expires. Computed by the readiness
    engine whenever evidence, a sign-off or a standard changes."""

    # Ordered along the unique (person, standard) index, so a page needs no join and no sort. The version's
    # number is all a row shows of its version: a subquery (50 index lookups a page) keeps the count free of a
    # join, where select_related would build a second model per row.
    queryset = PersonReadiness.objects.annotate(
        standard_version_number=Subquery(
            StandardVersion.objects.filter(pk=OuterRef("standard_version_id")).values("number")
        )
    ).order_by("person_id", "standard_id")
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
        "standard": "standard__name",
        "standard_version": "standard_version__number",
        "status": "status",
        "criteria_met": "criteria_met",
        "needs_reassessment": "needs_reassessment",
        "unmet_criteria": "unmet_criteria",
        "reassess_criteria": "reassess_criteria",
        "expires_at": "expires_at",
        "computed_at": "computed_at",
    }
    export_formatters = {"unmet_criteria": _unmet_criteria_text, "reassess_criteria": " ".join}


class GateGrantViewSet(ReadOnlyApiViewSet):
    """Gates people hold because their required standard is signed off and current. Granted and removed by
    the readiness engine only; a removed grant is kept with when and why."""

    queryset = GateGrant.objects.select_related("gate")
    visibility = Visibility.through_person("person")
    serializer_class = GateGrantSerializer
    filterset_class = GateGrantFilterSet
    scope_family = "gates"


@extend_schema_view(
    create=extend_schema(
        examples=[
            OpenApiExample(
                "On-call cover while the sign-off is renewed",
                value={
                    "person": 42,
                    "gate": 3,
                    "reason": "Covers the holiday rota; renewal drill booked for 2026-06-10.",
                    "starts_at": "2026-06-01T00:00:00Z",
                    "ends_at": "2026-06-14T00:00:00Z",
                },
                request_only=True,
            )
        ]
    )
)
class GateExceptionViewSet(ServiceCreateMixin, ReadOnlyApiViewSet):
    """Time-boxed permissions to pass a gate without a current sign-off, in two steps. Creating one calls
    `gate_exception_request` with the caller as requester (a reason, an end date at most 30 days on); it lets
    nobody through until `POST .../approve/` by another login: an L&D admin or the person's manager, never the
    requester and never the person it lets through."""

    queryset = GateException.objects.select_related("gate", "requested_by", "approved_by")
    visibility = Visibility.through_person("person")
    serializer_class = GateExceptionSerializer
    filterset_class = GateExceptionFilterSet
    scope_family = "gates"
    create_serializer_class = GateExceptionRequestSerializer
    create_service = gate_exception_request

    def create_arguments(self, validated_data: dict) -> dict:
        return validated_data | {"requested_by": self.request.user}

    @extend_schema(request=None, responses={200: GateExceptionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the request through `gate_exception_approve`, as the caller (audited): from then on, within its
        window, the person passes the gate. Refused for the requester, for the person it lets through, and for
        anyone who may not approve for that person."""
        exception = gate_exception_approve(exception=self.get_object(), approved_by=request.user)
        return Response(GateExceptionSerializer(self.get_queryset().get(pk=exception.pk)).data)

    @extend_schema(request=GateExceptionEndSerializer, responses={200: GateExceptionSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the exception before its end date, with a reason, through `gate_exception_end` (kept, audited)."""
        serializer = GateExceptionEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exception = gate_exception_end(exception=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(GateExceptionSerializer(self.get_queryset().get(pk=exception.pk)).data)


class StatementViewSet(ReadOnlyApiViewSet):
    """xAPI statements stored from the LRSs, with the columns they are filtered on.
    Statements follow the person their actor is mapped to; those of unmapped actors are for L&D admins and
    integrations. Cursor-paginated, newest received first; the statement as received (`raw`) is on the detail."""

    queryset = Statement.objects.select_related("identity")
    visibility = Visibility.through_person("identity__person")
    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    # Received order, not `stored`: `stored` may be empty (file imports), and a cursor needs a value on every row.
    pagination_class = cursor_pagination("-id")
    scope_family = "evidence"

    def get_serializer_class(self):
        return StatementDetailSerializer if self.action == "retrieve" else StatementSerializer


class QuarantinedStatementViewSet(ReadOnlyApiViewSet):
    """Statements the portal could not accept, each kept exactly as received with a readable reason, until
    re-processed after a fix (a scenario created, an identity mapped...). Newest first."""

    queryset = QuarantinedStatement.objects.all()
    visibility = Visibility.program_admins()
    serializer_class = QuarantinedStatementSerializer
    filterset_class = QuarantinedStatementFilterSet
    pagination_class = cursor_pagination("-id")
    scope_family = "evidence"

    @extend_schema(request=None, responses={200: QuarantinedStatementSerializer})
    @action(detail=True, methods=["post"])
    def reprocess(self, request, pk=None):
        """Run the statement through the ingest path again (`quarantine_reprocess`): accepted, it is marked
        re-processed and kept; rejected again, it keeps its place with the new reason. Idempotent."""
        quarantine_reprocess(quarantined=[self.get_object()], actor=request.user)
        return Response(QuarantinedStatementSerializer(self.get_queryset().get(pk=pk)).data)


class ActorIdentityViewSet(ReadOnlyApiViewSet):
    """xAPI actors and the person each is; `mapped=false` is the review queue of unknown actors, each with the
    number of statements it holds back. Mapped identities follow their person's visibility."""

    # A GROUP BY query ignores Meta.ordering: order explicitly, so pages are stable.
    queryset = ActorIdentity.objects.annotate(
        waiting_statements=Count("statements", filter=Q(statements__status=StatementStatus.AWAITING_IDENTITY))
    ).order_by("key")
    visibility = Visibility.through_person("person")
    serializer_class = ActorIdentitySerializer
    filterset_class = ActorIdentityFilterSet
    scope_family = "evidence"

    @extend_schema(request=ActorIdentityMapSerializer, responses={200: ActorIdentitySerializer})
    @action(detail=True, methods=["post"], url_path="map")
    def map_to_person(self, request, pk=None):
        """Say which person this actor is (`identity_map`, audited): the statements it held back become
        attempts now, or go to the quarantine with a reason. Needs change permission on identities."""
        serializer = ActorIdentityMapSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        identity_map(identity=self.get_object(), person=serializer.validated_data["person"], actor=request.user)
        return Response(ActorIdentitySerializer(self.get_queryset().get(pk=pk)).data)


class LRSConnectionViewSet(ReadOnlyApiViewSet):
    """The LRSs the portal pulls statements from: endpoint, schedule, mapping profile and cursor. Set up,
    changed and synced in the admin (or `manage.py lrs_connection`); credentials are never shown."""

    queryset = LRSConnection.objects.all()
    visibility = Visibility.program_admins()
    serializer_class = LRSConnectionSerializer
    filterset_class = LRSConnectionFilterSet
    scope_family = "evidence"


class LRSSyncRunViewSet(ReadOnlyApiViewSet):
    """Runs of the LRS sync and of file imports: what each read, stored, skipped and quarantined, and how it
    ended. The connection is named by id and name only; its credentials never leave the admin."""

    queryset = LRSSyncRun.objects.select_related("connection")
    visibility = Visibility.program_admins()
    serializer_class = LRSSyncRunSerializer
    filterset_class = LRSSyncRunFilterSet
    scope_family = "evidence"
