"""Serializers of scenarios, attempts, sign-offs, readiness, gate grants and exceptions, and LRS records.

LRS connections are only ever named by id and name: their key and secret never leave the admin."""

from collections.abc import Mapping
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.choices import EvidenceSource, SignOffDecision
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
from program.api.model_serializer import ModelSerializer
from program.api.serializers import RefusesServerDecidedFields, VisiblePersonField
from program.selectors import user_is_machine_account
from roles.models import Gate, StandardVersion


class ScenarioSerializer(ModelSerializer):
    class Meta:
        model = Scenario
        fields = [
            "id",
            "key",
            "title",
            "kind",
            "description",
            "standard_version",
            "skills",
            "content_item",
            "scoring_rule",
            "pass_mark",
            "key_steps",
            "common_errors",
            "xapi_activity_iri",
            "active",
        ]


class AttemptSerializer(ModelSerializer):
    class Meta:
        model = Attempt
        fields = [
            "id",
            "person",
            "scenario",
            "rubric_version",
            "team",
            "attempt_number",
            "completed_at",
            "score",
            "passed",
            "level_achieved",
            "reviewer",
            "key_steps_completed",
            "errors_made",
            "time_to_detect_seconds",
            "time_to_mitigate_seconds",
            "time_to_restore_seconds",
            "evidence_source",
            "source_statement_id",
            "voided_at",
            "recorded_at",
        ]


REVIEWER_IS_THE_CALLER = "The reviewer is the caller; only a machine account importing reviewed attempts names one."


class AttemptRecordSerializer(ModelSerializer):
    """Input of `assessments.services.attempts.attempt_record`; the number, team and pass are decided by the service.

    The reviewer is the caller (their person record), so nobody credits a score to a reviewer of their choosing;
    only the Integration machine account, which imports attempts reviewed elsewhere (it has no person of its own to
    favour), names one. Anyone else sending `reviewer` gets a 400 naming it."""

    person = VisiblePersonField()
    reviewer = VisiblePersonField(
        required=False, allow_null=True, help_text="Machine accounts only; for anyone else the reviewer is the caller."
    )
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))
    # LRS evidence arrives through the LRS sync only, so it keeps its statement id and voiding.
    evidence_source = serializers.ChoiceField(
        choices=[c for c in EvidenceSource.choices if c[0] != EvidenceSource.LRS], default=EvidenceSource.IMPORT
    )

    class Meta:
        model = Attempt
        fields = [
            "person",
            "scenario",
            "score",
            "completed_at",
            "level_achieved",
            "reviewer",
            "key_steps_completed",
            "errors_made",
            "time_to_detect_seconds",
            "time_to_mitigate_seconds",
            "time_to_restore_seconds",
            "evidence_source",
        ]

    def to_internal_value(self, data):
        request = self.context.get("request")
        if isinstance(data, Mapping) and "reviewer" in data:
            if request is None or not user_is_machine_account(request.user):
                raise serializers.ValidationError({"reviewer": [REVIEWER_IS_THE_CALLER]})
        return super().to_internal_value(data)


class SignOffSerializer(ModelSerializer):
    class Meta:
        model = SignOff
        fields = [
            "id",
            "person",
            "coach",
            "standard_version",
            "decision",
            "reflection_notes",
            "evidence_reviewed",
            "signed_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]


class SignOffCreateSerializer(RefusesServerDecidedFields, serializers.Serializer):
    """Input of `assessments.services.signoffs.signoff_create`; the coach is the caller, who must coach the person,
    and the sign-off is dated now."""

    server_decided = {
        "signed_at": "A sign-off is dated when the server records it; it cannot be chosen.",
        "coach": "The coach is the caller.",
        "expires_at": "The expiry follows from the standard's validity.",
    }
    person = VisiblePersonField()
    standard_version = serializers.PrimaryKeyRelatedField(queryset=StandardVersion.objects.all())
    decision = serializers.ChoiceField(choices=SignOffDecision.choices)
    reflection_notes = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Attempt.objects.all(), many=True, required=False, help_text="Ids of the attempts reviewed."
    )

    def validate(self, attrs):
        foreign = [a.pk for a in attrs.get("evidence", []) if a.person_id != attrs["person"].pk]
        if foreign:
            raise serializers.ValidationError({"evidence": [f"Attempts {foreign} are not this person's."]})
        return attrs


class SignOffRevokeSerializer(serializers.Serializer):
    """Input of `assessments.services.signoffs.signoff_revoke`; the revoker is the caller (coach or L&D admin)."""

    reason = serializers.CharField(max_length=2000, help_text="Why, in words the person understands; kept forever.")


class UnmetCriterionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The criterion's key, stable across versions.")
    title = serializers.CharField()
    reason = serializers.CharField(help_text="What is missing, in words a learner understands.")


@extend_schema_field(UnmetCriterionSerializer(many=True))
class UnmetCriteriaField(serializers.JSONField):
    """The readiness engine stores unmet criteria in exactly UnmetCriterionSerializer's shape, so they are
    passed through as stored (a nested serializer per row doubled the readiness list's cost)."""


class PersonReadinessSerializer(ModelSerializer):
    standard_version_number = serializers.IntegerField(read_only=True)
    unmet_criteria = UnmetCriteriaField(read_only=True)
    reassess_criteria = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Keys of the criteria to (re-)assess."
    )

    class Meta:
        model = PersonReadiness
        fields = [
            "id",
            "person",
            "standard",
            "standard_version",
            "standard_version_number",
            "status",
            "criteria_met",
            "needs_reassessment",
            "unmet_criteria",
            "reassess_criteria",
            "criteria",
            "signoff",
            "expires_at",
            "computed_at",
        ]


class GateGrantSerializer(ModelSerializer):
    kind = serializers.CharField(source="gate.kind", read_only=True)
    service = serializers.IntegerField(source="gate.service_id", read_only=True, allow_null=True)

    class Meta:
        model = GateGrant
        fields = [
            "id",
            "person",
            "gate",
            "kind",
            "service",
            "signoff",
            "granted_at",
            "expires_at",
            "removed_at",
            "removal_reason",
        ]


class GateExceptionSerializer(ModelSerializer):
    kind = serializers.CharField(source="gate.kind", read_only=True)
    service = serializers.IntegerField(source="gate.service_id", read_only=True, allow_null=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    approved_by = serializers.CharField(
        source="approved_by.username", default=None, allow_null=True, read_only=True, help_text="Empty while waiting."
    )

    class Meta:
        model = GateException
        fields = [
            "id",
            "person",
            "gate",
            "kind",
            "service",
            "reason",
            "requested_by",
            "approved_by",
            "approved_at",
            "starts_at",
            "ends_at",
            "ended_early_at",
            "end_reason",
            "created_at",
        ]


class GateExceptionRequestSerializer(RefusesServerDecidedFields, serializers.Serializer):
    """Input of `assessments.services.exceptions.gate_exception_request`; the requester is the caller, and another
    login approves it (`POST .../approve/`)."""

    server_decided = {
        "requested_by": "The requester is the caller.",
        "approved_by": "The approver is whoever approves the request, later (POST .../approve/).",
        "approved_at": "Set when the request is approved.",
    }
    person = VisiblePersonField()
    gate = serializers.PrimaryKeyRelatedField(queryset=Gate.objects.filter(active=True))
    reason = serializers.CharField(max_length=2000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class GateExceptionEndSerializer(serializers.Serializer):
    """Input of `assessments.services.exceptions.gate_exception_end`; the caller ends it."""

    reason = serializers.CharField(max_length=2000, help_text="Why it ends before its end date.")


class StatementSerializer(ModelSerializer):
    """A stored statement's indexed columns; `raw` (the statement exactly as received) is on the detail."""

    person = serializers.IntegerField(
        source="identity.person_id", read_only=True, allow_null=True, help_text="Empty while the actor is unmapped."
    )
    actor = serializers.CharField(source="identity.key", read_only=True, allow_null=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "statement_id",
            "connection",
            "status",
            "person",
            "actor",
            "verb_iri",
            "activity_iri",
            "registration",
            "timestamp",
            "stored",
            "score_scaled",
            "score_raw",
            "score_min",
            "score_max",
            "success",
            "completion",
            "duration_seconds",
            "role_key",
            "service_key",
            "rubric_version",
            "extensions",
            "voids_statement_id",
            "voided_at",
            "received_at",
        ]


class StatementDetailSerializer(StatementSerializer):
    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "raw"]


class QuarantinedStatementSerializer(ModelSerializer):
    class Meta:
        model = QuarantinedStatement
        fields = ["id", "statement_id", "reason", "connection", "run", "received_at", "reprocessed_at", "raw"]


class ActorIdentitySerializer(ModelSerializer):
    waiting_statements = serializers.IntegerField(
        read_only=True, help_text="Statements held back until this identity is mapped to a person."
    )

    class Meta:
        model = ActorIdentity
        fields = ["id", "kind", "key", "display_name", "person", "first_seen_at", "mapped_at", "waiting_statements"]


class ActorIdentityMapSerializer(serializers.Serializer):
    """Input of `identity_map`: the person this xAPI actor is."""

    person = VisiblePersonField(help_text="The person's id.")


class LRSConnectionSerializer(ModelSerializer):
    """An LRS the portal pulls from, its schedule and cursor; the key and secret never leave the admin."""

    class Meta:
        model = LRSConnection
        fields = [
            "id",
            "name",
            "endpoint",
            "page_size",
            "sync_interval_minutes",
            "mapping_profile",
            "since_mode",
            "overlap_seconds",
            "enabled",
            "cursor_stored",
            "last_sync_started_at",
            "created_at",
        ]


class LRSSyncRunSerializer(ModelSerializer):
    connection_name = serializers.CharField(source="connection.name", read_only=True, allow_null=True)

    class Meta:
        model = LRSSyncRun
        fields = [
            "id",
            "connection",
            "connection_name",
            "kind",
            "trigger",
            "source",
            "status",
            "started_at",
            "finished_at",
            "pages",
            "fetched",
            "new",
            "skipped",
            "quarantined",
            "attempts_created",
            "voided",
            "cursor_before",
            "cursor_after",
            "error",
        ]
