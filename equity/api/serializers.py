"""Serializers of equity audits and findings."""

from equity.models import EquityAudit, EquityFinding
from program.api.model_serializer import ModelSerializer


class EquityFindingSerializer(ModelSerializer):
    class Meta:
        model = EquityFinding
        fields = ["id", "audit", "group", "metric", "value", "n", "flag"]


class EquityAuditSerializer(ModelSerializer):
    findings = EquityFindingSerializer(many=True, read_only=True)

    class Meta:
        model = EquityAudit
        fields = ["id", "dimensions", "window_start", "window_end", "parameters", "run_at", "findings"]
