"""Serializers of scenarios, attempts (evidence) and coaches' sign-offs."""

from decimal import Decimal

from rest_framework import serializers

from assessments.choices import EvidenceSource, SignOffDecision
from assessments.models import Attempt, Scenario, SignOff
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
