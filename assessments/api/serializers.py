"""Serializers of scenarios, attempts (evidence) and coaches' sign-offs."""

from decimal import Decimal

from rest_framework import serializers

from assessments.choices import EvidenceSource, SignOffDecision
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
from program.api.serializers import VisiblePersonField
from roles.models import StandardVersion


class ScenarioSerializer(serializers.ModelSerializer):
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


class AttemptSerializer(serializers.ModelSerializer):
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


class AttemptRecordSerializer(serializers.ModelSerializer):
    """Input of `assessments.services.attempt_record`; the number, team and pass are decided by the service."""

    person = VisiblePersonField()
    reviewer = VisiblePersonField(required=False, allow_null=True)
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


class SignOffSerializer(serializers.ModelSerializer):
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


class SignOffCreateSerializer(serializers.Serializer):
    """Input of `assessments.services.signoff_create`; the coach is the caller, who must coach the person."""

    person = VisiblePersonField()
    standard_version = serializers.PrimaryKeyRelatedField(queryset=StandardVersion.objects.all())
    decision = serializers.ChoiceField(choices=SignOffDecision.choices)
    signed_at = serializers.DateTimeField()
    reflection_notes = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Attempt.objects.all(), many=True, required=False, help_text="Ids of the attempts reviewed."
    )

    def validate(self, attrs):
        foreign = [a.pk for a in attrs.get("evidence", []) if a.person_id != attrs["person"].pk]
        if foreign:
            raise serializers.ValidationError({"evidence": [f"Attempts {foreign} are not this person's."]})
        return attrs


class PersonReadinessSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonReadiness
        fields = [
            "id",
            "person",
            "standard",
            "standard_version",
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


class GateGrantSerializer(serializers.ModelSerializer):
    class Meta:
        model = GateGrant
        fields = ["id", "person", "gate", "signoff", "granted_at", "expires_at", "removed_at", "removal_reason"]


class GateExceptionSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GateException
        fields = [
            "id",
            "person",
            "gate",
            "reason",
            "requested_by",
            "approved_by",
            "starts_at",
            "ends_at",
            "ended_early_at",
            "end_reason",
            "created_at",
        ]


class StatementSerializer(serializers.ModelSerializer):
    """A stored statement's indexed columns; `raw` (the statement exactly as received) is on the detail."""

    person = serializers.IntegerField(source="identity.person_id", read_only=True, allow_null=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "statement_id",
            "connection",
            "status",
            "person",
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


class QuarantinedStatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuarantinedStatement
        fields = ["id", "statement_id", "raw", "reason", "connection", "run", "received_at", "reprocessed_at"]


class LRSSyncRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = LRSSyncRun
        fields = [
            "id",
            "connection",
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
