"""Serializers of equity audits and findings (read-only: a stored run is the record)."""

from equity.models import EquityAudit, EquityFinding
from program.api.model_serializer import ModelSerializer


class EquityFindingSerializer(ModelSerializer):
    class Meta:
        model = EquityFinding
        fields = [
            "id", "audit", "dimension", "group", "metric", "reviewer", "people", "n", "events", "value",
            "interval_low", "interval_high", "reference_group", "ratio", "ratio_low", "ratio_high", "test",
            "p_value", "p_adjusted", "table_p_value", "one_person_flips", "flag", "note",
        ]  # fmt: skip


class EquityAuditSerializer(ModelSerializer):
    findings = EquityFindingSerializer(many=True, read_only=True)

    class Meta:
        model = EquityAudit
        fields = [
            "id", "role", "dimensions", "window_start", "window_end", "parameters", "status", "trigger",
            "library_versions", "summary", "run_at", "findings",
        ]  # fmt: skip
